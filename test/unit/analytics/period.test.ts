import { describe, expect, it } from "vitest";
import { dayNumber, isoDateFromDayNumber, parseIsoDate, periodBounds, periodIndex, periodKey, periodLabel } from "../../../src/analytics/period.js";

describe("calendar periods", () => {
  it("labels months, quarters and years", () => {
    expect(periodKey("2024-03-15", "month")).toBe("2024-03");
    expect(periodKey("2024-03-15", "quarter")).toBe("2024-Q1");
    expect(periodKey("2024-10-01", "quarter")).toBe("2024-Q4");
    expect(periodKey("2024-12-31", "year")).toBe("2024");
    expect(periodKey("2024-12-31T23:59:59Z", "month")).toBe("2024-12");
  });

  it("numbers periods consecutively across year ends", () => {
    expect(periodIndex("2025-01-01", "month") - periodIndex("2024-12-31", "month")).toBe(1);
    expect(periodIndex("2025-01-01", "quarter") - periodIndex("2024-12-31", "quarter")).toBe(1);
    expect(periodLabel(periodIndex("2024-12-31", "quarter") + 1, "quarter")).toBe("2025-Q1");
  });

  it("gives inclusive bounds, leap years included", () => {
    expect(periodBounds(periodIndex("2024-02-10", "month"), "month")).toEqual({ start: "2024-02-01", end: "2024-02-29" });
    expect(periodBounds(periodIndex("2023-11-10", "quarter"), "quarter")).toEqual({ start: "2023-10-01", end: "2023-12-31" });
    expect(periodBounds(2024, "year")).toEqual({ start: "2024-01-01", end: "2024-12-31" });
  });

  it("counts days between dates and back", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("1997-09-30") - dayNumber("1997-01-01")).toBe(272);
    expect(isoDateFromDayNumber(dayNumber("2024-02-29"))).toBe("2024-02-29");
  });

  it("rejects malformed and impossible dates", () => {
    expect(() => parseIsoDate("2024-2-1")).toThrow(RangeError);
    expect(() => parseIsoDate("2023-02-29")).toThrow(/calendar date/);
    expect(() => parseIsoDate("yesterday")).toThrow(RangeError);
    expect(parseIsoDate("0050-06-01")).toEqual({ year: 50, month: 6, day: 1 });
  });
});

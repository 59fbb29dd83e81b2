// The shapes of values machines read in every command's JSON: money, percentages, the report date.
import { describe, expect, it } from "vitest";
import { jsonAsOf, jsonMoney, jsonPercent } from "../../src/cli/render/json.js";

describe("JSON shapes", () => {
  it("writes money as a decimal string with the currency's own decimals", () => {
    expect(jsonMoney(216003.58, "USD")).toBe("216003.58");
    expect(jsonMoney(1200, "EUR")).toBe("1200.00");
    expect(jsonMoney(1500, "JPY")).toBe("1500");
    expect(jsonMoney(1.2345, "BHD")).toBe("1.235");
    expect(jsonMoney(0.125, "EUR")).toBe("0.13");
    expect(jsonMoney(-0.125, "EUR")).toBe("-0.13");
    expect(jsonMoney(-0.001, "EUR")).toBe("0.00");
    expect(jsonMoney(101999, "EUR", { minor: true })).toBe("1019.99");
  });

  it("writes percentages as numbers 0–100 with two decimals at most", () => {
    expect(jsonPercent(200 / 3)).toBe(66.67);
    expect(jsonPercent(100)).toBe(100);
    expect(jsonPercent(null)).toBeNull();
    expect(Object.is(jsonPercent(-0), 0)).toBe(true);
  });

  it("gives the report date as the local date and the instant", () => {
    // Tests run with TZ=UTC: the local date is the UTC one.
    expect(jsonAsOf(new Date("2026-03-02T09:00:00Z"))).toEqual({ date: "2026-03-02", at: "2026-03-02T09:00:00.000Z" });
  });
});

// The fast paths of the imports give exactly what the general parsers give, and leave everything
// else (impossible dates, years 0–99, too many decimals) to them.
import { describe, expect, it } from "vitest";
import { parseImportDate, utcInstant } from "../../src/core/import/engine.js";
import { parseAmount } from "../../src/io/money.js";

describe("utcInstant", () => {
  it("agrees with parseImportDate on every UTC instant it accepts", () => {
    const pad = (v: number, w = 2) => String(v).padStart(w, "0");
    let accepted = 0;
    for (const y of [50, 100, 1999, 2000, 2023, 2024, 2100, 9999])
      for (let mo = 0; mo <= 13; mo++)
        for (const d of [0, 1, 28, 29, 30, 31, 32])
          for (const [h, mi, s] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [12, 60, 0],
            [12, 0, 60],
          ])
            for (const ms of ["", ".000", ".123"]) {
              const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h!)}:${pad(mi!)}:${pad(s!)}${ms}Z`;
              const fast = utcInstant(text);
              if (fast === undefined) continue;
              accepted++;
              expect(fast).toBe(parseImportDate(text));
            }
    expect(accepted).toBeGreaterThan(500);
  });

  it("leaves other forms to the general parser", () => {
    for (const text of [
      "2024-02-30T10:00:00Z",
      "2023-02-29T10:00:00Z",
      "0050-01-01T00:00:00Z",
      "2024-03-05",
      "2024-03-05T10:00:00+01:00",
      "2024-03-05 10:00:00Z",
      " 2024-03-05T10:00:00Z",
    ])
      expect(utcInstant(text)).toBeUndefined();
    expect(utcInstant("2024-02-29T23:59:59Z")).toBe("2024-02-29T23:59:59.000Z");
  });
});

describe("parseAmount on plain numbers", () => {
  it.each([
    ["0", "EUR", 0],
    ["7", "EUR", 700],
    ["007.5", "EUR", 750],
    ["1234.56", "EUR", 123456],
    ["999999999999.99", "EUR", 99999999999999],
    ["1200", "JPY", 1200],
    ["1.234", "KWD", 1234],
  ])("%s %s → %d minor units", (text, currency, minor) => {
    expect(parseAmount(text, currency)).toEqual({ minor, currency });
  });

  it("still refuses more decimals than the currency has, and reads longer numbers the general way", () => {
    expect(() => parseAmount("12.345", "EUR")).toThrow(/EUR has 2 decimal places/);
    expect(() => parseAmount("12.5", "JPY")).toThrow(/JPY has no decimal places/);
    expect(parseAmount("1234567890123.45", "EUR")).toEqual({ minor: 123456789012345, currency: "EUR" });
  });
});

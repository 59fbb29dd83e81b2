import { describe, expect, it } from "vitest";
import { bgnbdConditionalExpected } from "../../../src/analytics/bgnbd.js";
import { discountedClv, monthlyDiscountRate, predictiveClv, simpleClv } from "../../../src/analytics/clv.js";
import { gammaGammaExpectedValue } from "../../../src/analytics/gammagamma.js";

const BGNBD = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };
const CUSTOMER = { x: 2, tx: 30.43, T: 38.86, mbar: 22.35 }; // CDNOW customer 1

describe("simple CLV (Gupta & Lehmann 2003)", () => {
  it("r = 0.8, d = 0.1 gives 2.667 · m", () => {
    expect(simpleClv(1, 0.8, 0.1)).toBeCloseTo(8 / 3, 12);
    expect(simpleClv(150, 0.8, 0.1).toFixed(2)).toBe("400.00");
  });

  it("is the limit of the discounted form with R_t − C_t = m · r^t", () => {
    const flows = Array.from({ length: 400 }, (_, i) => ({ revenue: 100 * 0.8 ** (i + 1), cost: 0 }));
    expect(discountedClv(flows, 0.1)).toBeCloseTo(simpleClv(100, 0.8, 0.1), 9);
  });

  it("rejects r ≥ 1 + d and out-of-range inputs with a clear RangeError", () => {
    expect(() => simpleClv(100, 1, 0)).toThrow(/below 1 \+ discount rate/);
    expect(() => simpleClv(100, 1.2, 0.1)).toThrow(/between 0 and 1/);
    expect(() => simpleClv(100, 0.5, -1)).toThrow(/discount rate/);
    expect(() => simpleClv(NaN, 0.5, 0.1)).toThrow(/margin/);
  });
});

describe("discounted CLV over a horizon", () => {
  it("discounts period t by (1 + d)^−t, starting at t = 1", () => {
    const flows = [
      { revenue: 110, cost: 0 },
      { revenue: 221, cost: 100 },
    ];
    expect(discountedClv(flows, 0.1)).toBeCloseTo(100 + 100, 10);
    expect(discountedClv([], 0.1)).toBe(0);
    expect(() => discountedClv([{ revenue: Infinity, cost: 0 }], 0.1)).toThrow(RangeError);
  });
});

describe("predictive CLV (BG/NBD × Gamma-Gamma, monthly, discounted)", () => {
  it("converts a yearly discount rate to the compounding-equivalent monthly one", () => {
    expect(monthlyDiscountRate(0.1)).toBeCloseTo(Math.pow(1.1, 1 / 12) - 1, 15);
    expect(Math.pow(1 + monthlyDiscountRate(0.1), 12)).toBeCloseTo(1.1, 14);
    expect(monthlyDiscountRate(0)).toBe(0);
  });

  it("matches an independent high-precision evaluation for CDNOW customer 1", () => {
    // mpmath, 40 digits: 12 months of 30/7 weeks, 10 % a year.
    const clv = predictiveClv(BGNBD, GG, CUSTOMER, { months: 12, annualDiscountRate: 0.1, daysPerMonth: 30 });
    expect(clv).toBeCloseTo(36.311004907441265, 9);
  });

  it("without discounting, telescopes to expected value × E[Y(H months)]", () => {
    const clv = predictiveClv(BGNBD, GG, CUSTOMER, { months: 24, annualDiscountRate: 0 });
    // 24 months of 365.25/12 days are two years, 730.5 days.
    const purchases = bgnbdConditionalExpected(BGNBD, 730.5 / 7, CUSTOMER.x, CUSTOMER.tx, CUSTOMER.T);
    expect(clv).toBeCloseTo(gammaGammaExpectedValue(GG, CUSTOMER.x, CUSTOMER.mbar) * purchases, 10);
  });

  it("a month is 365.25/12 days, so 12 months are a year, and 30-day months give 1.16% less", () => {
    const year = predictiveClv(BGNBD, GG, CUSTOMER, { months: 12, annualDiscountRate: 0 });
    const value = gammaGammaExpectedValue(GG, CUSTOMER.x, CUSTOMER.mbar);
    expect(year).toBeCloseTo(value * bgnbdConditionalExpected(BGNBD, 365.25 / 7, CUSTOMER.x, CUSTOMER.tx, CUSTOMER.T), 10);
    const thirty = predictiveClv(BGNBD, GG, CUSTOMER, { months: 12, annualDiscountRate: 0.1, daysPerMonth: 30 });
    const average = predictiveClv(BGNBD, GG, CUSTOMER, { months: 12, annualDiscountRate: 0.1 });
    expect(1 - thirty / average).toBeGreaterThan(0.01);
    expect(1 - thirty / average).toBeLessThan(0.013);
  });

  it("takes any count model's expectations as a function", () => {
    const base = { months: 12, annualDiscountRate: 0.1 };
    const viaFunction = predictiveClv((ends) => ends.map((t) => bgnbdConditionalExpected(BGNBD, t, CUSTOMER.x, CUSTOMER.tx, CUSTOMER.T)), GG, CUSTOMER, base);
    expect(viaFunction).toBeCloseTo(predictiveClv(BGNBD, GG, CUSTOMER, base), 10);
  });

  it("falls with the discount rate, rises with the horizon, and uses the population mean for x = 0", () => {
    const base = { months: 12, annualDiscountRate: 0.1 };
    const clv = predictiveClv(BGNBD, GG, CUSTOMER, base);
    expect(predictiveClv(BGNBD, GG, CUSTOMER, { ...base, annualDiscountRate: 0.3 })).toBeLessThan(clv);
    expect(predictiveClv(BGNBD, GG, CUSTOMER, { ...base, months: 24 })).toBeGreaterThan(clv);
    const newcomer = predictiveClv(BGNBD, GG, { x: 0, tx: 0, T: 38.86, mbar: 0 }, base);
    expect(newcomer).toBeGreaterThan(0);
    // Fitting in days instead of weeks: same customer, times × 7, same answer if parameters scale.
    const inDays = predictiveClv(
      { ...BGNBD, alpha: BGNBD.alpha * 7 },
      GG,
      { ...CUSTOMER, tx: CUSTOMER.tx * 7, T: CUSTOMER.T * 7 },
      {
        ...base,
        daysPerTimeUnit: 1,
      },
    );
    expect(inDays).toBeCloseTo(clv, 9);
  });

  it("rejects a bad horizon or rate", () => {
    expect(() => predictiveClv(BGNBD, GG, CUSTOMER, { months: 0, annualDiscountRate: 0.1 })).toThrow(/months/);
    expect(() => predictiveClv(BGNBD, GG, CUSTOMER, { months: 1.5, annualDiscountRate: 0.1 })).toThrow(/months/);
    expect(() => predictiveClv(BGNBD, GG, CUSTOMER, { months: 12, annualDiscountRate: -2 })).toThrow(/discount/);
  });
});

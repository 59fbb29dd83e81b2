import { describe, expect, it } from "vitest";
import { lbeta, lgamma, logAddExp, logHyp2f1, logSumExp } from "../../../src/analytics/special.js";

// Reference values computed independently with mpmath at 30 digits.
const LGAMMA_REFERENCE: [number, number][] = [
  [1e-8, 18.420680738180208905],
  [0.1, 2.2527126517342059599],
  [0.5, 0.57236494292470008707],
  [1.5, -0.12078223763524522235],
  [2.5, 0.28468287047291915963],
  [3.7, 1.4280723266653879219],
  [9.99, 12.77931521435019288],
  [10, 12.801827480081469611],
  [10.5, 13.940625219403763633],
  [33.3, 82.603723581654952928],
  [100, 359.13420536957539878],
  [1000.25, 5906.947268271117177],
  [1e6, 12815504.56914761166],
  [-0.5, 1.2655121234846453965],
  [-2.5, -0.056243716497674050673],
];

describe("lgamma", () => {
  it.each(LGAMMA_REFERENCE)("lgamma(%d) matches the reference to ~1e-13 (relative for large values)", (x, expected) => {
    expect(Math.abs(lgamma(x) - expected)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it("equals log((n − 1)!) for integers 1..170", () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      expect(Math.abs(lgamma(n) - logFactorial)).toBeLessThanOrEqual(1e-13 * Math.max(1, logFactorial));
      logFactorial += Math.log(n);
    }
  });

  it("is exactly 0 at 1 and 2 up to rounding, infinite at the poles, NaN for NaN", () => {
    expect(Math.abs(lgamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(lgamma(2))).toBeLessThan(1e-14);
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
    expect(lgamma(NaN)).toBeNaN();
  });

  it("lbeta(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)", () => {
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(lbeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
  });
});

describe("log-sum-exp", () => {
  it("does not overflow", () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([1000, 1000, 1000])).toBeCloseTo(1000 + Math.log(3), 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 12);
  });
  it("handles −Infinity and empty input", () => {
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(3, -Infinity)).toBe(3);
    expect(logSumExp([])).toBe(-Infinity);
  });
});

describe("logHyp2f1", () => {
  it("matches closed forms", () => {
    // 2F1(1, 1; 2; z) = −log(1 − z)/z; 2F1(1/2, 1/2; 3/2; z) = asin(√z)/√z
    for (const z of [0.1, 0.5, 0.9]) {
      expect(logHyp2f1(1, 1, 2, z)).toBeCloseTo(Math.log(-Math.log1p(-z) / z), 13);
      expect(logHyp2f1(0.5, 0.5, 1.5, z)).toBeCloseTo(Math.log(Math.asin(Math.sqrt(z)) / Math.sqrt(z)), 13);
    }
    expect(logHyp2f1(0.5, 0.5, 1.5, 0.99)).toBeCloseTo(0.39071530418698899477, 12);
    expect(logHyp2f1(2, 3, 4, 0)).toBe(0);
  });

  it("matches mpmath for the arguments BG/NBD produces, including a customer with x = 1000", () => {
    const cases: [number, number, number, number, number][] = [
      [26.2425982, 28.4261667, 28.2191566, 52 / (4.4136842 + 31 + 52), 23.889754676416020538],
      [1000.25, 1002.5, 1002.3, 52 / (4.4 + 100 + 52), 404.36890081275824343],
      [0.2425982, 2.4261667, 2.2191566, 78 / (4.4136842 + 78), 0.86992798119214576761],
    ];
    for (const [a, b, c, z, expected] of cases) {
      expect(Math.abs(logHyp2f1(a, b, c, z) - expected)).toBeLessThan(1e-11 * Math.max(1, Math.abs(expected)));
    }
  });

  it("rejects arguments outside its range", () => {
    expect(() => logHyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => logHyp2f1(1, 1, 2, -0.1)).toThrow(RangeError);
    expect(() => logHyp2f1(1, 1, -2, 0.5)).toThrow(RangeError);
  });
});

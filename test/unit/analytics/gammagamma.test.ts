// Gamma-Gamma against the published CDNOW results.
import { describe, expect, it } from "vitest";
import {
  fitGammaGamma,
  gammaGammaExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMean,
  type GammaGammaParams,
} from "../../../src/analytics/gammagamma.js";
import { readSummaryWithSpend } from "./cdnow-fixtures.js";

const significant = (v: number, digits: number): number => Number(v.toPrecision(digits));
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

describe("Gamma-Gamma on the CDNOW repeat customers", () => {
  const rows = readSummaryWithSpend();
  const fit = fitGammaGamma(rows.map((row) => ({ x: row.x, mbar: row.zbar })));

  it("fits the 946 repeat customers to the published parameters (3 significant digits)", () => {
    expect(fit.customers).toBe(946);
    expect(significant(fit.p, 3)).toBe(6.25);
    expect(significant(fit.q, 3)).toBe(3.74);
    expect(significant(fit.gamma, 3)).toBe(15.4);
    expect(Math.abs(fit.gamma - 15.44)).toBeLessThan(0.01);
  });

  it("reaches the published log-likelihood −4055.92", () => {
    expect(Math.abs(fit.logLikelihood - -4055.92)).toBeLessThanOrEqual(0.1);
    // Independent maximum (scipy, tight tolerances): −4055.92324350286.
    expect(fit.logLikelihood).toBeCloseTo(-4055.92324350286, 5);
  });

  it("expected average order value of the first ten customers", () => {
    const values = rows.slice(0, 10).map((row) => gammaGammaExpectedValue(PUBLISHED, row.x, row.zbar));
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    values.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(0.1));
  });

  it("population mean p·γ/(q − 1) ≈ 35.2, used for customers without repeat purchases", () => {
    expect(gammaGammaPopulationMean(PUBLISHED).toFixed(1)).toBe("35.2");
    expect(gammaGammaExpectedValue(PUBLISHED, 0, 0)).toBe(gammaGammaPopulationMean(PUBLISHED));
  });

  it("the total log-likelihood is the sum of the per-customer ones", () => {
    const sum = rows.filter((row) => row.x > 0).reduce((s, row) => s + gammaGammaLogLikelihood(fit, { x: row.x, mbar: row.zbar }), 0);
    expect(sum).toBeCloseTo(fit.logLikelihood, 6);
  });
});

describe("Gamma-Gamma validation", () => {
  it("rejects non-positive spend for repeat customers and empty input", () => {
    expect(() => fitGammaGamma([{ x: 2, mbar: 0 }])).toThrow(/positive/);
    expect(() => fitGammaGamma([{ x: 0, mbar: 0 }])).toThrow(RangeError);
    expect(() => gammaGammaPopulationMean({ p: 1, q: 0.5, gamma: 1 })).toThrow(/q > 1/);
    expect(() => gammaGammaExpectedValue(PUBLISHED, -1, 10)).toThrow(RangeError);
  });

  it("shrinks a customer's mean towards the population mean, less so with more purchases", () => {
    const population = gammaGammaPopulationMean(PUBLISHED);
    const one = gammaGammaExpectedValue(PUBLISHED, 1, 100);
    const many = gammaGammaExpectedValue(PUBLISHED, 50, 100);
    expect(one).toBeGreaterThan(population);
    expect(one).toBeLessThan(many);
    expect(many).toBeLessThan(100);
  });
});

// Pareto/NBD against the published CDNOW results (Schmittlein, Morrison & Colombo 1987; Fader & Hardie
// 2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions"; the BTYD walkthrough and tests,
// as listed in the shared EXPECTED.md for CDNOW).
import { describe, expect, it } from "vitest";
import {
  fitParetoNbd,
  paretoNbdConditionalExpected,
  paretoNbdConditionalExpectedAt,
  paretoNbdExpectedNew,
  paretoNbdLogLikelihood,
  paretoNbdPAlive,
  paretoNbdTotalLogLikelihood,
  type ParetoNbdParams,
} from "../../../src/analytics/pareto.js";
import { deriveSummary, readSummary, readTransactions } from "./cdnow-fixtures.js";

// Parameters as BTYD prints them (4 decimals).
const BTYD: ParetoNbdParams = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
const relative = (value: number, expected: number) => Math.abs(value / expected - 1);

describe("Pareto/NBD on the CDNOW summary", () => {
  const customers = readSummary();
  // BTYD works on t_x and T derived from the log, unrounded (the summary file rounds them to 2 decimals).
  const exact = [...deriveSummary(readTransactions(), "1997-09-30").values()].map((d) => ({ x: d.x, tx: d.txWeeks, T: d.TWeeks }));
  const fit = fitParetoNbd(customers);
  const exactFit = fitParetoNbd(exact);

  it("reproduces the published parameters r = 0.553, α = 10.578, s = 0.606, β = 11.669 and log-likelihood −9595.0", () => {
    expect(fit.customers).toBe(2357);
    expect(fit.atEdge).toEqual([]);
    expect(fit.r).toBeCloseTo(0.553, 3);
    expect(fit.alpha).toBeCloseTo(10.578, 2);
    expect(fit.s).toBeCloseTo(0.606, 3);
    expect(fit.beta).toBeCloseTo(11.669, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 1);
    expect(fit.logLikelihood).toBeCloseTo(paretoNbdTotalLogLikelihood(fit, customers), 8);
  });

  it("reproduces BTYD's log-likelihood −9594.976 at its parameters, and its fit is no better than ours", () => {
    expect(paretoNbdTotalLogLikelihood(BTYD, exact)).toBeCloseTo(-9594.976, 3);
    expect(exactFit.logLikelihood).toBeGreaterThanOrEqual(paretoNbdTotalLogLikelihood(BTYD, exact));
    expect(exactFit.logLikelihood).toBeCloseTo(-9594.976, 2);
  });

  it("E[X(52)] for a new customer is 1.473434", () => {
    expect(paretoNbdExpectedNew(exactFit, 52)).toBeCloseTo(1.473434, 6);
  });

  it("customer 1516: P(alive) = 0.997874, E[Y(52)] = 25.45647", () => {
    expect(paretoNbdPAlive(exactFit, 26, 30.85714, 31)).toBeCloseTo(0.997874, 5);
    // BTYD's expectation comes from its own estimates, printed to 4 decimals only; parameter differences
    // within that rounding move it by about 5e-5 of its value.
    expect(relative(paretoNbdConditionalExpected(exactFit, 52, 26, 30.85714, 31), 25.45647)).toBeLessThan(1e-4);
  });

  it("shows the 'paradox': more past purchases, fewer expected, when the last one was long ago", () => {
    const expected = [0.7062289, 0.1442396, 0.02250658, 0.00309267];
    const got = [10, 15, 20, 25].map((x) => paretoNbdConditionalExpected(BTYD, 52, x, 20, 39));
    // At the 4-decimal parameters: within 5e-4 of BTYD's values, which used its unrounded ones.
    got.forEach((v, i) => expect(relative(v, expected[i]!)).toBeLessThan(5e-4));
    expect(got).toEqual([...got].sort((p, q) => q - p));
  });

  it("E[X(t)] for t = 1 … 9 weeks", () => {
    const published = [0.0508, 0.0992, 0.1454, 0.1898, 0.2325, 0.2736, 0.3134, 0.3518, 0.3891];
    published.forEach((v, i) => expect(Math.abs(paretoNbdExpectedNew(BTYD, i + 1) - v)).toBeLessThan(0.01));
  });

  it("gives a one-time buyer P(alive) < 1, falling as T grows", () => {
    const p = [10, 20, 39, 78].map((T) => paretoNbdPAlive(fit, 0, 0, T));
    expect(p[0]).toBeLessThan(1);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeLessThan(p[i - 1]!);
  });

  it("computes the expectations at several horizons as one at a time", () => {
    const many = paretoNbdConditionalExpectedAt(fit, [4, 26, 52], 3, 20, 39);
    expect(many).toEqual([4, 26, 52].map((t) => paretoNbdConditionalExpected(fit, t, 3, 20, 39)));
  });

  it("stays finite for a heavy buyer, whichever of α and β is larger", () => {
    for (const p of [fit, { ...fit, alpha: fit.beta * 3 }, { ...fit, beta: fit.alpha * 3 }]) {
      const ll = paretoNbdLogLikelihood(p, { x: 1000, tx: 38, T: 39 });
      expect(Number.isFinite(ll)).toBe(true);
      const alive = paretoNbdPAlive(p, 1000, 10, 100);
      expect(alive).toBeGreaterThanOrEqual(0);
      expect(alive).toBeLessThan(1e-6);
    }
    // α = β: the hypergeometric argument is 0.
    expect(Number.isFinite(paretoNbdLogLikelihood({ r: 0.5, alpha: 10, s: 0.6, beta: 10 }, { x: 3, tx: 20, T: 39 }))).toBe(true);
  });

  it("matches the likelihood's integral definition (numerical quadrature) for α < β and α > β", () => {
    // L = Γ(r+x)α^r/Γ(r) · [ (α+T)^−(r+x) (β/(β+T))^s + ∫_{t_x}^{T} (α+τ)^−(r+x) sβ^s (β+τ)^−(s+1) dτ ]
    const direct = (p: ParetoNbdParams, x: number, tx: number, T: number) => {
      const { r, alpha, s, beta } = p;
      const n = 20_000;
      let integral = 0;
      for (let i = 0; i < n; i++) {
        const tau = tx + ((i + 0.5) * (T - tx)) / n;
        integral += Math.pow(alpha + tau, -(r + x)) * s * Math.pow(beta, s) * Math.pow(beta + tau, -(s + 1));
      }
      integral *= (T - tx) / n;
      const alive = Math.pow(alpha + T, -(r + x)) * Math.pow(beta / (beta + T), s);
      let logHead = r * Math.log(alpha);
      for (let k = 0; k < x; k++) logHead += Math.log(r + k);
      return logHead + Math.log(alive + integral);
    };
    for (const p of [BTYD, { r: 0.8, alpha: 20, s: 1.4, beta: 3 }, { r: 2, alpha: 1, s: 0.3, beta: 30 }])
      for (const [x, tx, T] of [
        [0, 0, 30],
        [2, 10, 39],
        [7, 35, 39],
      ] as const)
        expect(paretoNbdLogLikelihood(p, { x, tx, T })).toBeCloseTo(direct(p, x, tx, T), 6);
  });
});

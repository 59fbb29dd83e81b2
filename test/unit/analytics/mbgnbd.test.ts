// MBG/NBD (Batislam, Denizel & Filiztekin 2007) against the published CDNOW fit (BTYDplus, reproduced by
// `lifetimes`' tests: r = 0.525, α = 6.183, a = 0.891, b = 1.614).
import { describe, expect, it } from "vitest";
import {
  fitMbgNbd,
  mbgnbdConditionalExpected,
  mbgnbdConditionalExpectedAt,
  mbgnbdExpectedNew,
  mbgnbdLogLikelihood,
  mbgnbdPAlive,
  mbgnbdTotalLogLikelihood,
} from "../../../src/analytics/mbgnbd.js";
import { readSummary } from "./cdnow-fixtures.js";

describe("MBG/NBD on the CDNOW summary", () => {
  const customers = readSummary();
  const fit = fitMbgNbd(customers);

  it("reproduces the published parameters to the digits given", () => {
    expect(fit.customers).toBe(2357);
    expect(fit.atEdge).toEqual([]);
    expect(fit.r).toBeCloseTo(0.525, 3);
    expect(fit.alpha).toBeCloseTo(6.183, 3);
    expect(fit.a).toBeCloseTo(0.891, 3);
    expect(fit.b).toBeCloseTo(1.614, 3);
    expect(fit.logLikelihood).toBeCloseTo(mbgnbdTotalLogLikelihood(fit, customers), 8);
    expect(fit.logLikelihood).toBeLessThan(0);
  });

  it("lifetimes' per-customer log-likelihood: A1 + A2 + A3 + log(1 + e^A4), also for x = 0", () => {
    const p = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
    const byHand = (x: number, tx: number, T: number) => {
      let a1 = p.r * Math.log(p.alpha);
      for (let k = 0; k < x; k++) a1 += Math.log(p.r + k);
      // B(a, b + x + 1) / B(a, b) = Π_{k=0..x} (b + k) / (a + b + k)
      let a2 = 0;
      for (let k = 0; k <= x; k++) a2 += Math.log((p.b + k) / (p.a + p.b + k));
      const a3 = -(p.r + x) * Math.log(p.alpha + T);
      const a4 = Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx));
      return a1 + a2 + a3 + Math.log1p(Math.exp(a4));
    };
    for (const [x, tx, T] of [
      [0, 0, 30],
      [1, 5, 30],
      [12, 29, 39],
    ] as const)
      expect(mbgnbdLogLikelihood(p, { x, tx, T })).toBeCloseTo(byHand(x, tx, T), 10);
  });

  it("gives a one-time buyer P(alive) < 1, falling with time (unlike BG/NBD)", () => {
    const p = [1, 13, 39, 78].map((T) => mbgnbdPAlive(fit, 0, 0, T));
    expect(p[0]).toBeLessThan(1);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeLessThan(p[i - 1]!);
  });

  it("expected purchases: increasing in t, the same one at a time and at several horizons", () => {
    const news = [1, 13, 39, 78].map((t) => mbgnbdExpectedNew(fit, t));
    for (let i = 1; i < news.length; i++) expect(news[i]).toBeGreaterThan(news[i - 1]!);
    const many = mbgnbdConditionalExpectedAt(fit, [4, 26, 52], 26, 30.86, 31);
    expect(many).toEqual([4, 26, 52].map((t) => mbgnbdConditionalExpected(fit, t, 26, 30.86, 31)));
    // A heavy recent buyer is expected to keep buying at about their pace (26 in 31 weeks).
    expect(many[2]).toBeGreaterThan(20);
    expect(many[2]).toBeLessThan(45);
  });

  it("P(alive) of a heavy buyer long gone is 0, not NaN", () => {
    expect(mbgnbdPAlive(fit, 1000, 10, 100)).toBe(0);
  });
});

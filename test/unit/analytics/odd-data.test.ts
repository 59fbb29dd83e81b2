// Data the models cannot learn from must never produce a confident wrong answer: when every customer
// looks alike, the heterogeneity parameters run to the edge of the parameter space, and the fits say
// so (atEdge) instead of overflowing into absurd log-likelihoods.
import { describe, expect, it } from "vitest";
import { bgnbdLogLikelihood, bgnbdTotalLogLikelihood, fitBgNbd } from "../../../src/analytics/bgnbd.js";
import { fitGammaGamma, gammaGammaLogLikelihood } from "../../../src/analytics/gammagamma.js";
import { fitMbgNbd } from "../../../src/analytics/mbgnbd.js";
import { fitParetoNbd } from "../../../src/analytics/pareto.js";
import { lgamma, lgammaDelta } from "../../../src/analytics/special.js";

describe("log-gamma differences at large arguments", () => {
  it("lgammaDelta(x, d) = log Γ(x + d) − log Γ(x), exact where the plain difference is not", () => {
    for (const [x, d] of [
      [0.3, 2.5],
      [12, 0.7],
      [150, 40],
    ] as const)
      expect(lgammaDelta(x, d)).toBeCloseTo(lgamma(x + d) - lgamma(x), 10);
    // log Γ(x + d) − log Γ(x) → d log x for large x (the next term is d(d − 1)/(2x)).
    for (const x of [1e10, 1e15, 1e19]) {
      const d = 2.5;
      expect(lgammaDelta(x, d)).toBeCloseTo(d * Math.log(x) + (d * (d - 1)) / (2 * x), 9);
    }
    // The plain difference at 1e19 is off by whole units (each term is about 4e20).
    expect(Math.abs(lgamma(1e19 + 2.5) - lgamma(1e19) - 2.5 * Math.log(1e19))).toBeGreaterThan(1);
  });

  it("the BG/NBD likelihood at huge a and b tends to the limit of a fixed drop-out probability", () => {
    // With a, b → ∞ and a/(a + b) = p fixed, B(a, b + x)/B(a, b) → (1 − p)^x and a/(b + x − 1) → p/(1 − p).
    const p = 0.25;
    const base = { r: 2, alpha: 5 };
    const limit = (x: number, tx: number, T: number) => {
      let head = base.r * Math.log(base.alpha) + x * Math.log(1 - p);
      for (let k = 0; k < x; k++) head += Math.log(base.r + k);
      const alive = Math.pow(base.alpha + T, -(base.r + x));
      const died = (p / (1 - p)) * Math.pow(base.alpha + tx, -(base.r + x));
      return head + Math.log(alive + died);
    };
    const scale = 1e18;
    const params = { ...base, a: p * scale, b: (1 - p) * scale };
    expect(bgnbdLogLikelihood(params, { x: 3, tx: 20, T: 40 })).toBeCloseTo(limit(3, 20, 40), 6);
  });
});

describe("200 identical customers", () => {
  const same = Array.from({ length: 200 }, () => ({ x: 2, tx: 20, T: 40 }));

  it("BG/NBD: parameters at the edge, a finite non-positive log-likelihood that is really the likelihood there", () => {
    const fit = fitBgNbd(same);
    expect(fit.atEdge.length).toBeGreaterThan(0);
    expect(fit.logLikelihood).toBeLessThan(0);
    expect(fit.logLikelihood).toBeCloseTo(bgnbdTotalLogLikelihood(fit, same), 6);
    for (const v of [fit.r, fit.alpha, fit.a, fit.b]) expect(v).toBeLessThanOrEqual(1e8 * 1.0001);
  });

  it("MBG/NBD and Pareto/NBD: parameters at the edge", () => {
    expect(fitMbgNbd(same).atEdge.length).toBeGreaterThan(0);
    const pareto = fitParetoNbd(same);
    expect(pareto.atEdge.length).toBeGreaterThan(0);
    expect(pareto.logLikelihood).toBeLessThan(0);
  });

  it("one-time buyers only: the fits end at the edge, the likelihood is a probability (≤ 0 in logs, up to rounding)", () => {
    const once = Array.from({ length: 200 }, () => ({ x: 0, tx: 0, T: 30 }));
    for (const fit of [fitBgNbd(once), fitMbgNbd(once), fitParetoNbd(once)]) {
      expect(fit.atEdge.length).toBeGreaterThan(0);
      expect(fit.logLikelihood).toBeLessThanOrEqual(1e-6);
    }
  });

  it("Gamma-Gamma: p and q at the edge instead of p ≈ 8e13, the likelihood still exact there", () => {
    const spend = Array.from({ length: 200 }, () => ({ x: 2, mbar: 10 }));
    const fit = fitGammaGamma(spend);
    expect(fit.atEdge).toEqual(expect.arrayContaining(["p", "q"]));
    expect(fit.p).toBeLessThanOrEqual(1e8 * 1.0001);
    expect(fit.logLikelihood).toBeCloseTo(200 * gammaGammaLogLikelihood(fit, { x: 2, mbar: 10 }), 4);
  });
});

// The pieces that make the customer models fast on large data: digamma and the analytic gradients
// (checked against finite differences), BFGS, the sampled-then-polished fits (checked against plain
// Nelder–Mead on the same data), and the batched 2F1 / E[Y(t)] used by the CLV (checked bit for bit).
import { describe, expect, it } from "vitest";
import { digamma, lgamma, logHyp2f1, logHyp2f1Many } from "../../../src/analytics/special.js";
import { bfgs } from "../../../src/analytics/optimize.js";
import {
  bgnbdConditionalExpected,
  bgnbdConditionalExpectedAt,
  bgnbdObjective,
  fitBgNbd,
  LARGE_FIT_ROWS,
  type BgNbdCustomer,
} from "../../../src/analytics/bgnbd.js";
import { fitGammaGamma, gammaGammaObjective, type GammaGammaCustomer } from "../../../src/analytics/gammagamma.js";
import { readSummary } from "./cdnow-fixtures.js";

/** A small deterministic PRNG (Park–Miller), so the synthetic customers are the same every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Customers drawn from a BG/NBD-like process, in days turned into weeks, as the app builds them. */
function syntheticCustomers(n: number, seed: number): { bg: BgNbdCustomer[]; gg: GammaGammaCustomer[] } {
  const rnd = random(seed);
  const bg: BgNbdCustomer[] = [];
  const gg: GammaGammaCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const ageDays = 1 + Math.floor(rnd() * 1000);
    const rate = -Math.log(1 - rnd()) * 0.04;
    const dropout = rnd() * 0.3;
    let day = 0;
    let x = 0;
    let last = 0;
    let spend = 0;
    const basket = 10 + rnd() * 90;
    for (;;) {
      if (rnd() < dropout) break;
      day += Math.ceil(-Math.log(1 - rnd()) / Math.max(rate, 1e-3));
      if (day > ageDays) break;
      x++;
      last = day;
      spend += basket * (0.5 + rnd());
    }
    bg.push({ x, tx: last / 7, T: ageDays / 7 });
    if (x > 0) gg.push({ x, mbar: Math.round((spend / x) * 100) / 100 });
  }
  return { bg, gg };
}

function centralDifference(f: (p: number[]) => number, p: number[], i: number, h = 1e-5): number {
  const up = [...p];
  const down = [...p];
  up[i]! += h;
  down[i]! -= h;
  return (f(up) - f(down)) / (2 * h);
}

describe("digamma", () => {
  // Reference values from mpmath (ψ(1) = −γ, ψ(1/2) = −γ − 2 log 2).
  it.each([
    [1, -0.5772156649015329],
    [0.5, -1.9635100260214235],
    [10, 2.251752589066721],
    [0.1, -10.423754940411076],
    [123.456, 4.811829323828985],
  ])("ψ(%d) matches the reference (mpmath) to 1e-13", (x, expected) => {
    expect(Math.abs(digamma(x) - expected)).toBeLessThan(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it("is the derivative of lgamma and satisfies ψ(x + 1) = ψ(x) + 1/x", () => {
    for (const x of [0.3, 2.7, 9.99, 10.01, 57.5]) {
      expect(digamma(x)).toBeCloseTo((lgamma(x + 1e-6) - lgamma(x - 1e-6)) / 2e-6, 6);
      expect(digamma(x + 1)).toBeCloseTo(digamma(x) + 1 / x, 13);
    }
  });

  it("uses the reflection formula for negative non-integers and has poles at 0, −1, …", () => {
    expect(digamma(-0.5)).toBeCloseTo(0.03648997397857652, 12);
    expect(digamma(0)).toBeNaN();
    expect(digamma(-2)).toBeNaN();
  });
});

describe("bfgs", () => {
  it("finds the minimum of the Rosenbrock function from the usual start", () => {
    const result = bfgs(
      (p, g) => {
        const [x, y] = [p[0]!, p[1]!];
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
        g[1] = 200 * (y - x * x);
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
      },
      [-1.2, 1],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.evaluations).toBeLessThan(200);
  });

  it("backs off from regions where f is not finite", () => {
    // log barrier: f = x − log(x) is infinite (NaN) for x ≤ 0; minimum at x = 1.
    const result = bfgs(
      (p, g) => {
        g[0] = 1 - 1 / p[0]!;
        return p[0]! - Math.log(p[0]!);
      },
      [0.05],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it("reports failure when it cannot start", () => {
    expect(bfgs(() => NaN, [0]).converged).toBe(false);
  });
});

describe("BG/NBD and Gamma-Gamma gradients", () => {
  const { bg, gg } = syntheticCustomers(3000, 7);

  it("BG/NBD: the analytic gradient matches central differences", () => {
    const objective = bgnbdObjective(bg);
    const p = [Math.log(0.6), Math.log(3.1), Math.log(0.8), Math.log(6.5)];
    const gradient = new Float64Array(4);
    const value = objective.withGradient(p, gradient);
    expect(value).toBe(objective.value(p));
    for (let i = 0; i < 4; i++) expect(gradient[i]).toBeCloseTo(centralDifference(objective.value, p, i), 7);
  });

  it("Gamma-Gamma: the analytic gradient matches central differences", () => {
    const objective = gammaGammaObjective(gg);
    const p = [Math.log(4), Math.log(3), Math.log(20)];
    const gradient = new Float64Array(3);
    const value = objective.withGradient(p, gradient);
    expect(value).toBeCloseTo(objective.value(p), 12);
    for (let i = 0; i < 3; i++) expect(gradient[i]).toBeCloseTo(centralDifference(objective.value, p, i), 7);
  });
});

describe("fits on many distinct customers (sampled Nelder–Mead, then BFGS)", () => {
  const { bg, gg } = syntheticCustomers(40_000, 11);

  it("has enough distinct customers to take the large-data path", () => {
    expect(new Set(bg.map((c) => `${c.x}|${c.tx}|${c.T}`)).size).toBeGreaterThan(LARGE_FIT_ROWS);
    expect(new Set(gg.map((c) => `${c.x}|${c.mbar}`)).size).toBeGreaterThan(LARGE_FIT_ROWS);
  });

  it("BG/NBD: reaches the maximum plain Nelder–Mead finds (same likelihood, parameters to 1e-5)", () => {
    const fast = fitBgNbd(bg);
    const plain = fitBgNbd(bg, { optimizer: {} });
    expect(fast.logLikelihood).toBeGreaterThanOrEqual(plain.logLikelihood - 1e-6);
    for (const k of ["r", "alpha", "a", "b"] as const) expect(Math.abs(fast[k] / plain[k] - 1)).toBeLessThan(1e-5);
    expect(fast.customers).toBe(plain.customers);
  });

  it("Gamma-Gamma: reaches the maximum plain Nelder–Mead finds", () => {
    const fast = fitGammaGamma(gg);
    const plain = fitGammaGamma(gg, { optimizer: {} });
    expect(fast.logLikelihood).toBeGreaterThanOrEqual(plain.logLikelihood - 1e-6);
    for (const k of ["p", "q", "gamma"] as const) expect(Math.abs(fast[k] / plain[k] - 1)).toBeLessThan(1e-5);
  });

  it("small data (CDNOW) still takes plain Nelder–Mead: the same result as an explicit optimizer run", () => {
    const cdnow = readSummary().map(({ x, tx, T }) => ({ x, tx, T }));
    expect(fitBgNbd(cdnow)).toEqual(fitBgNbd(cdnow, { optimizer: { initialStep: 0.5, xTolerance: 1e-6, fTolerance: 1e-11 } }));
  });
});

describe("batched hypergeometric and conditional expectations", () => {
  const rnd = random(3);

  it("logHyp2f1Many gives logHyp2f1's values bit for bit", () => {
    for (let k = 0; k < 300; k++) {
      const a = 0.1 + rnd() * 50;
      const b = 0.1 + rnd() * 50;
      const c = 0.2 + rnd() * 60;
      const zs = [0, ...Array.from({ length: 6 }, () => rnd() * 0.97)];
      expect(logHyp2f1Many(a, b, c, zs)).toEqual(zs.map((z) => logHyp2f1(a, b, c, z)));
    }
  });

  it("bgnbdConditionalExpectedAt gives bgnbdConditionalExpected's values bit for bit", () => {
    const ts = Array.from({ length: 12 }, (_, i) => ((i + 1) * 30) / 7);
    for (let k = 0; k < 300; k++) {
      const params = { r: 0.1 + rnd() * 3, alpha: 0.5 + rnd() * 10, a: 0.2 + rnd() * 3, b: 0.5 + rnd() * 20 };
      const x = Math.floor(rnd() * (k % 10 === 0 ? 300 : 15));
      const T = rnd() * 160;
      const tx = x ? rnd() * T : 0;
      expect(bgnbdConditionalExpectedAt(params, ts, x, tx, T)).toEqual(ts.map((t) => bgnbdConditionalExpected(params, t, x, tx, T)));
    }
  });

  it("throws what the single version throws", () => {
    expect(() => bgnbdConditionalExpectedAt({ r: 1, alpha: 1, a: 1, b: 2 }, [1], 1, 0.5, 2)).toThrow(RangeError);
    expect(() => logHyp2f1Many(1, 1, 2, [0.5, 1])).toThrow(RangeError);
  });
});

// Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): purchases at a Poisson rate λ ~ Gamma(r, α)
// while alive, an exponential lifetime with rate μ ~ Gamma(s, β). Likelihood, P(alive) and expected
// purchases as in Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related
// Expressions", and the BTYD package. Unlike BG/NBD, a customer with no repeat purchase may be gone:
// their P(alive) falls as time passes without a purchase.
// Inputs as for BG/NBD: x repeat purchases, t_x the time of the last since the first, T the age.

import { checkHistory, checkHorizon, distinctRows, type BgNbdCustomer } from "./bgnbd.js";
import { distinctIds, distinctValues } from "./distinct.js";
import { minimisePositive } from "./optimize.js";
import { lgammaDelta, logAddExp } from "./special.js";

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export interface ParetoNbdFit extends ParetoNbdParams {
  logLikelihood: number;
  customers: number;
  /** Names of the parameters that ran to the edge of the parameter space (see minimisePositive). */
  atEdge: string[];
}

const NAMES = ["r", "alpha", "s", "beta"] as const;

/**
 * The two terms of a customer's likelihood, in logs, without the common factor
 * Γ(r + x) α^r β^s / Γ(r): `alive` = −(r + x) log(α + T) − s log(β + T), the customer still alive at T;
 * `gone` = log(s/(r + s + x)) + log A0, the customer gone between t_x and T, where
 *   A0 = F(t_x)/(m + t_x)^(r+s+x) − F(T)/(m + T)^(r+s+x),
 *   F(t) = 2F1(r + s + x, k; r + s + x + 1; |α − β|/(m + t)),
 * m = max(α, β), k = r + x when α < β, else s + 1 (the form that keeps the argument in [0, 1)).
 */
function terms(p: ParetoNbdParams, x: number, tx: number, T: number): { alive: number; gone: number } {
  return combine(p, x, T, logPart(p, x, tx), logPart(p, x, T));
}

/**
 * log[F(t)/(m + t)^(r+s+x)], the part of A0 at time t (see terms). With c = r + s + x, Euler's
 * transformation turns F(t) = 2F1(c, k; c + 1; z) into (1 − z)^(1 − k) · 2F1(1, c + 1 − k; c + 1; z),
 * whose terms are all positive and shrink by a ratio below z (c + 1 − k < c + 1): the sum never
 * overflows, whichever of α and β is larger, and its tail after a term u is below u·z/(1 − z). Far
 * outside any plausible fit (z within ~2e-3 of 1, one of α and β hundreds of times the other plus T)
 * the series would need more than MAX_TERMS terms: NaN, which the fit treats as a point to move away
 * from and the predictions report as a RangeError.
 */
function logPart(p: ParetoNbdParams, x: number, t: number): number {
  const { r, alpha, s, beta } = p;
  const m = Math.max(alpha, beta);
  const c = r + s + x;
  const k = alpha < beta ? r + x : s + 1;
  const z = Math.abs(alpha - beta) / (m + t);
  const b = c + 1 - k;
  let term = 1;
  let sum = 1;
  const stop = 1e-17 * (1 - z);
  for (let n = 0; term > stop * sum; n++) {
    if (n === MAX_TERMS) return NaN;
    term *= ((b + n) / (c + 1 + n)) * z;
    sum += term;
  }
  return (1 - k) * Math.log1p(-z) + Math.log(sum) - c * Math.log(m + t);
}

const MAX_TERMS = 20_000;

/**
 * logPart for every distinct (x, t) of the fit's rows at once, the same values bit for bit: z,
 * log1p(−z) and log(m + t) depend on t alone and are computed once per distinct t; the series' ratios
 * (b + n)/(c + 1 + n) depend on x alone and are computed once per x (and n), not once per pair.
 */
class PartTable {
  /** The part of each pair, after evaluate(). */
  readonly part: Float64Array;
  /** Per row: the pair (x, t_x) and the pair (x, T). */
  readonly firstOf: Int32Array;
  readonly secondOf: Int32Array;
  private readonly xs: Float64Array;
  private readonly ts: Float64Array;
  /** The pairs, grouped by x: pairs byX[start[k]..start[k + 1]) have x = xs[k]; pairT[i] indexes ts. */
  private readonly byX: Int32Array;
  private readonly start: Int32Array;
  private readonly pairT: Int32Array;
  private readonly z: Float64Array;
  private readonly log1pNegZ: Float64Array;
  private readonly logMT: Float64Array;
  private readonly ratio = new Float64Array(MAX_TERMS);

  constructor(rows: readonly { x: number; tx: number; T: number }[]) {
    const n = rows.length;
    const x = distinctValues(rows.map((row) => row.x));
    const t = distinctValues(rows.flatMap((row) => [row.tx, row.T]));
    // Pair (x, t_x) of row i is item i, pair (x, T) item n + i.
    const pairK = new Float64Array(2 * n);
    const pairJ = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      pairK[i] = pairK[n + i] = x.ids[i]!;
      pairJ[i] = t.ids[2 * i]!;
      pairJ[n + i] = t.ids[2 * i + 1]!;
    }
    const pairs = distinctIds([pairK, pairJ], 2 * n);
    this.firstOf = pairs.ids.slice(0, n);
    this.secondOf = pairs.ids.slice(n);
    const pairX = Array.from(pairs.first, (i) => pairK[i]!);
    this.xs = x.values;
    this.ts = t.values;
    this.pairT = Int32Array.from(pairs.first, (i) => pairJ[i]!);
    this.part = new Float64Array(pairX.length);
    this.start = new Int32Array(this.xs.length + 1);
    for (const k of pairX) this.start[k + 1]!++;
    for (let k = 0; k < this.xs.length; k++) this.start[k + 1]! += this.start[k]!;
    const next = this.start.slice(0, this.xs.length);
    this.byX = new Int32Array(pairX.length);
    pairX.forEach((k, i) => (this.byX[next[k]!++] = i));
    this.z = new Float64Array(this.ts.length);
    this.log1pNegZ = new Float64Array(this.ts.length);
    this.logMT = new Float64Array(this.ts.length);
  }

  /** part[i] = logPart(p, x, t) of every pair i. */
  evaluate(p: ParetoNbdParams): void {
    const { r, alpha, s, beta } = p;
    const { xs, ts, z, log1pNegZ, logMT, byX, start, pairT, part, ratio } = this;
    const m = Math.max(alpha, beta);
    for (let j = 0; j < ts.length; j++) {
      z[j] = Math.abs(alpha - beta) / (m + ts[j]!);
      log1pNegZ[j] = Math.log1p(-z[j]!);
      logMT[j] = Math.log(m + ts[j]!);
    }
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!;
      const c = r + s + x;
      const kk = alpha < beta ? r + x : s + 1;
      const b = c + 1 - kk;
      let ratios = 0; // ratio[n] is known for n < ratios
      for (let q = start[k]!; q < start[k + 1]!; q++) {
        const i = byX[q]!;
        const j = pairT[i]!;
        const zj = z[j]!;
        let term = 1;
        let sum = 1;
        const stop = 1e-17 * (1 - zj);
        let n = 0;
        let converged = true;
        while (term > stop * sum) {
          if (n === ratios) {
            if (n === MAX_TERMS) {
              converged = false;
              break;
            }
            ratio[ratios++] = (b + n) / (c + 1 + n);
          }
          term *= ratio[n++]! * zj;
          sum += term;
        }
        part[i] = converged ? (1 - kk) * log1pNegZ[j]! + Math.log(sum) - c * logMT[j]! : NaN;
      }
    }
  }
}

function combine(p: ParetoNbdParams, x: number, T: number, first: number, second: number): { alive: number; gone: number } {
  const { r, alpha, s, beta } = p;
  // log(e^first − e^second); −Infinity when t_x = T (no time left to have gone).
  const logA0 = second < first ? first + Math.log(-Math.expm1(second - first)) : -Infinity;
  return {
    alive: -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T),
    gone: Math.log(s) - Math.log(r + s + x) + logA0,
  };
}

function head(p: ParetoNbdParams, x: number): number {
  return p.r * Math.log(p.alpha) + p.s * Math.log(p.beta) + lgammaDelta(p.r, x);
}

/** Log-likelihood of one customer's (x, t_x, T) (Fader & Hardie 2005, eq. 22). */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, customer: BgNbdCustomer): number {
  checkParams(params);
  checkHistory(customer.x, customer.tx, customer.T);
  const { x, T } = customer;
  const tx = x === 0 ? 0 : customer.tx;
  const { alive, gone } = terms(params, x, tx, T);
  return head(params, x) + logAddExp(alive, gone);
}

/** Total log-likelihood of the customers, each weighted by its count. */
export function paretoNbdTotalLogLikelihood(params: ParetoNbdParams, customers: readonly BgNbdCustomer[]): number {
  checkParams(params);
  let total = 0;
  for (const row of distinctRows(customers)) {
    const { alive, gone } = terms(params, row.x, row.tx, row.T);
    total += row.w * (head(params, row.x) + logAddExp(alive, gone));
  }
  return total;
}

/**
 * Maximum-likelihood fit (Nelder–Mead on log-parameters, the mean negative log-likelihood as the
 * objective; customers with the same (x, t_x, T) share one term). Start: r = α = s = β = 1 unless given.
 */
export function fitParetoNbd(
  customers: readonly BgNbdCustomer[],
  start: ParetoNbdParams = { r: 1, alpha: 1, s: 1, beta: 1 },
  options: { initialStep?: number } = {},
): ParetoNbdFit {
  const rows = distinctRows(customers);
  const total = rows.reduce((sum, row) => sum + row.w, 0);
  if (total === 0) throw new RangeError("fitParetoNbd: no customers to fit");
  checkParams(start);
  // log A0's parts depend on (x, t_x) and on (x, T): each distinct pair is computed once per evaluation,
  // and what a part shares with others is computed once too (see PartTable).
  const parts = new PartTable(rows);
  const { firstOf, secondOf, part } = parts;
  const { values: xs, ids: rowX } = distinctValues(rows.map((row) => row.x));
  const { values: Ts, ids: rowT } = distinctValues(rows.map((row) => row.T));
  const rowWeight = Float64Array.from(rows, (row) => row.w);
  const headByX = new Float64Array(xs.length);
  const logShareByX = new Float64Array(xs.length);
  const logAlphaT = new Float64Array(Ts.length);
  const logBetaT = new Float64Array(Ts.length);
  const fit = minimisePositive(
    (v) => {
      const p = { r: v[0]!, alpha: v[1]!, s: v[2]!, beta: v[3]! };
      const { r, alpha, s, beta } = p;
      parts.evaluate(p);
      for (let k = 0; k < xs.length; k++) {
        headByX[k] = head(p, xs[k]!);
        logShareByX[k] = Math.log(s) - Math.log(r + s + xs[k]!);
      }
      for (let j = 0; j < Ts.length; j++) {
        logAlphaT[j] = Math.log(alpha + Ts[j]!);
        logBetaT[j] = Math.log(beta + Ts[j]!);
      }
      let sum = 0;
      for (let i = 0; i < rows.length; i++) {
        const k = rowX[i]!;
        const j = rowT[i]!;
        const first = part[firstOf[i]!]!;
        const second = part[secondOf[i]!]!;
        const alive = -(r + xs[k]!) * logAlphaT[j]! - s * logBetaT[j]!;
        const gone = second < first ? logShareByX[k]! + first + Math.log(-Math.expm1(second - first)) : -Infinity;
        sum += rowWeight[i]! * (headByX[k]! + logAddExp(alive, gone));
      }
      return -sum / total;
    },
    NAMES.map((name) => start[name]),
    { xTolerance: 1e-5, fTolerance: 1e-10, ...options },
  );
  const [r, alpha, s, beta] = fit.values as [number, number, number, number];
  return { r, alpha, s, beta, logLikelihood: -fit.value * total, customers: total, atEdge: fit.atEdge.map((i) => NAMES[i]!) };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + s/(r + s + x) · (α + T)^(r+x) (β + T)^s · A0), as a logistic of the
 * difference of the likelihood's two terms (no overflow for large x).
 */
export function paretoNbdPAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkHistory(x, tx, T);
  const { alive, gone } = terms(params, x, x === 0 ? 0 : tx, T);
  return logistic(alive - gone);
}

/**
 * E[Y(t) | x, t_x, T] = (r + x)(β + T) / ((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^(s−1)] · P(alive)
 * (Schmittlein et al. 1987; BTYD's pnbd.ConditionalExpectedTransactions), with its limit at s = 1.
 */
export function paretoNbdConditionalExpected(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  return paretoNbdConditionalExpectedAt(params, [t], x, tx, T)[0]!;
}

/** E[Y(t) | x, t_x, T] at several horizons, P(alive) computed once. */
export function paretoNbdConditionalExpectedAt(params: ParetoNbdParams, ts: readonly number[], x: number, tx: number, T: number): number[] {
  for (const t of ts) checkHorizon(t);
  const pAlive = paretoNbdPAlive(params, x, tx, T);
  const { r, alpha, s, beta } = params;
  const scale = ((r + x) / (alpha + T)) * (beta + T) * pAlive;
  return ts.map((t) => scale * powerGrowth(s - 1, Math.log(beta + T) - Math.log(beta + T + t)));
}

/** E[X(t)] for a new customer: rβ / (α(s − 1)) · [1 − (β/(β + t))^(s−1)]. */
export function paretoNbdExpectedNew(params: ParetoNbdParams, t: number): number {
  checkParams(params);
  checkHorizon(t);
  const { r, alpha, s, beta } = params;
  return (r / alpha) * beta * powerGrowth(s - 1, Math.log(beta) - Math.log(beta + t));
}

/** (1 − e^(k·L)) / k for L ≤ 0, and its limit −L at k = 0. */
function powerGrowth(k: number, L: number): number {
  const kL = k * L;
  if (Math.abs(kL) < 1e-10) return -L * (1 + kL / 2);
  return -Math.expm1(kL) / k;
}

function logistic(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

function checkParams(p: ParetoNbdParams): void {
  for (const name of NAMES) {
    const v = p[name];
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`Pareto/NBD parameter ${name} must be a positive finite number, got ${v}`);
  }
}

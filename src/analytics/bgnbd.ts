// BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): fit by maximum
// likelihood on per-customer (x, t_x, T) summaries, then predict future purchases and P(alive).
// x = repeat purchases (distinct purchase days − 1), t_x = time of the last purchase since the first,
// T = age since the first purchase; t_x, T and t share one time unit (the app uses weeks).
// All formulas are evaluated in log space: a customer with hundreds of purchases would otherwise
// overflow (α + T)^(r + x) and the like.

import { atEdge, bfgs, insideBox, nelderMead, type NelderMeadOptions } from "./optimize.js";
import { agesByRepeats, distinctIds, distinctValues } from "./distinct.js";
import { digamma, lgammaDelta, logAddExp, logHyp2f1, logHyp2f1Many } from "./special.js";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdCustomer {
  /** Repeat purchases. */
  x: number;
  /** Time of the last purchase since the first (0 when x = 0). */
  tx: number;
  /** Age: time from the first purchase to the end of the observation period. */
  T: number;
  /** How many customers share this (x, t_x, T); default 1. */
  count?: number;
}

export interface BgNbdFit extends BgNbdParams {
  /** Total log-likelihood at the fitted parameters. */
  logLikelihood: number;
  /** Number of customers fitted (sum of the counts). */
  customers: number;
  /**
   * Names of the parameters that ran to the edge of the parameter space (see minimisePositive in
   * optimize.ts): the data cannot pin them down, so the fit is no result to report.
   */
  atEdge: string[];
}

export interface BgNbdFitOptions {
  /** Start of the search; default r = α = a = b = 1. */
  start?: BgNbdParams;
  optimizer?: NelderMeadOptions;
}

/** Log-likelihood of one customer's (x, t_x, T); `count` is ignored here. */
export function bgnbdLogLikelihood(params: BgNbdParams, customer: BgNbdCustomer): number {
  checkParams(params);
  checkCustomer(customer);
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  // A1 + A2: log[Γ(r + x) α^r / Γ(r)] + log[B(a, b + x) / B(a, b)], as log-gamma differences in steps
  // of x, which stay exact when a and b are huge (log Γ(b + x) − log Γ(b) ≈ x log b).
  const head = lgammaDelta(r, x) + r * Math.log(alpha) + lgammaDelta(b, x) - lgammaDelta(a + b, x);
  // Bracket: (α + T)^−(r+x) + δ(x>0) · a/(b + x − 1) · (α + t_x)^−(r+x), summed in log space.
  const stillAlive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return head + stillAlive;
  const diedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return head + logAddExp(stillAlive, diedAfterLast);
}

/** Sum of the customers' log-likelihoods, each weighted by its count. */
export function bgnbdTotalLogLikelihood(params: BgNbdParams, customers: readonly BgNbdCustomer[]): number {
  checkParams(params);
  const data = columns(distinctRows(customers));
  return -negativeLogLikelihood(data, logParams(params)) * data.totalWeight;
}

/**
 * Maximum-likelihood fit. The search runs on log-parameters (so they stay positive without
 * constraints) and minimises the mean negative log-likelihood (so tolerances do not depend on the
 * number of customers). Customers with identical (x, t_x, T) share one likelihood term.
 */
export function fitBgNbd(customers: readonly BgNbdCustomer[], options: BgNbdFitOptions = {}): BgNbdFit {
  const rows = distinctRows(customers);
  const data = columns(rows);
  if (data.totalWeight === 0) throw new RangeError("fitBgNbd: no customers to fit");
  const start = options.start ?? { r: 1, alpha: 1, a: 1, b: 1 };
  checkParams(start);
  const nelderMeadFit = (on: CompressedCustomers, from: number[]) =>
    nelderMead((p) => (insideBox(p) ? negativeLogLikelihood(on, p) : Infinity), from, {
      initialStep: 0.5,
      xTolerance: 1e-6,
      fTolerance: 1e-11,
      ...options.optimizer,
    });
  let best: { x: number[]; value: number } | undefined;
  if (rows.length > LARGE_FIT_ROWS && !options.optimizer) {
    // Many distinct customers: Nelder–Mead on an evenly spread sample of them finds the neighbourhood
    // of the maximum, and BFGS with the analytic gradient polishes it on all of them — a few dozen
    // passes over the data instead of the ~500 Nelder–Mead needs. Nelder–Mead on all is the fallback.
    const sample = columns(rows.filter((_, i) => i % Math.ceil(rows.length / SAMPLE_ROWS) === 0));
    const near = nelderMead((p) => (insideBox(p) ? negativeLogLikelihood(sample, p) : Infinity), logParams(start), {
      initialStep: 0.5,
      xTolerance: 1e-4,
      fTolerance: 1e-9,
    }).x;
    const polished = bfgs((p, gradient) => negativeLogLikelihoodAndGradient(data, p, gradient), near);
    best = polished.converged && insideBox(polished.x) ? polished : nelderMeadFit(data, near);
  } else best = nelderMeadFit(data, logParams(start));
  const [r, alpha, a, b] = best.x.map(Math.exp) as [number, number, number, number];
  const edge = atEdge([r, alpha, a, b]).map((i) => PARAM_NAMES[i]!);
  return { r, alpha, a, b, logLikelihood: -best.value * data.totalWeight, customers: data.totalWeight, atEdge: edge };
}

/**
 * The objective the fit minimises on these customers — the mean negative log-likelihood at
 * log-parameters log(r, α, a, b) — alone and with its gradient (for tests of the gradient).
 */
export function bgnbdObjective(customers: readonly BgNbdCustomer[]): {
  value: (p: ArrayLike<number>) => number;
  withGradient: (p: ArrayLike<number>, gradient: Float64Array) => number;
} {
  const data = columns(distinctRows(customers));
  return { value: (p) => negativeLogLikelihood(data, p), withGradient: (p, gradient) => negativeLogLikelihoodAndGradient(data, p, gradient) };
}

/**
 * Above this many distinct (x, t_x, T) the fit samples, then polishes with gradients (see fitBgNbd);
 * at or below it, plain Nelder–Mead as always (CDNOW's 2,357 customers take that path).
 */
export const LARGE_FIT_ROWS = 20_000;
const SAMPLE_ROWS = 2_500;

/**
 * P(customer still alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)).
 * Computed as a logistic of a log-odds, so x = 1000 gives 0 rather than NaN.
 */
export function bgnbdPAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkHistory(x, tx, T);
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOddsDead = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return logistic(-logOddsDead);
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t time units for a customer with this history
 * (FHL 2005 eq. 10, in the form the `lifetimes` library uses):
 *   (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) · 2F1(r + x, b + x; a + b + x − 1; t/(α + T + t))]
 *   / (1 + δ(x>0) · a/(b + x − 1) · ((α + T)/(α + t_x))^(r+x)).
 * Undefined for a = 1 exactly (a RangeError; the formula's limit is not implemented).
 */
export function bgnbdConditionalExpected(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  checkParams(params);
  checkHistory(x, tx, T);
  checkHorizon(t);
  const { r, alpha, a, b } = params;
  checkNotOne(a);
  const z = t / (alpha + T + t);
  const logHyp = logHyp2f1(r + x, b + x, a + b + x - 1, z);
  const logDiscount = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  const numerator = ((a + b + x - 1) / (a - 1)) * -Math.expm1(logHyp + logDiscount);
  if (x === 0) return numerator;
  const logOddsDead = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return numerator * Math.exp(-logAddExp(0, logOddsDead));
}

/**
 * bgnbdConditionalExpected at several horizons `ts` for one customer: the same values bit for bit,
 * with what does not depend on t (the checks, P(alive), the 2F1 coefficients) computed once.
 */
export function bgnbdConditionalExpectedAt(params: BgNbdParams, ts: readonly number[], x: number, tx: number, T: number): number[] {
  checkParams(params);
  checkHistory(x, tx, T);
  for (const t of ts) checkHorizon(t);
  const { r, alpha, a, b } = params;
  checkNotOne(a);
  const expected = new Array<number>(ts.length);
  for (let i = 0; i < ts.length; i++) expected[i] = ts[i]! / (alpha + T + ts[i]!);
  const logHyps = logHyp2f1Many(r + x, b + x, a + b + x - 1, expected);
  const logAlphaT = Math.log(alpha + T);
  const alive = x === 0 ? 1 : Math.exp(-logAddExp(0, Math.log(a) - Math.log(b + x - 1) + (r + x) * (logAlphaT - Math.log(alpha + tx))));
  for (let i = 0; i < ts.length; i++) {
    const logDiscount = (r + x) * (logAlphaT - Math.log(alpha + T + ts[i]!));
    const numerator = ((a + b + x - 1) / (a - 1)) * -Math.expm1(logHyps[i]! + logDiscount);
    expected[i] = x === 0 ? numerator : numerator * alive;
  }
  return expected;
}

/**
 * bgnbdConditionalExpectedAt(params, ts, …) prepared for many customers: the returned function gives
 * the same values bit for bit, for any history. What depends on (x, T) alone — the 2F1 sums and the
 * discounted numerator — is computed once per distinct (x, T) of `customers`, and the sums of every T
 * with the same x in one logHyp2f1Many call, which computes their coefficient ratios once: at 82,000
 * customers that is 29,000 numerators from 190 calls instead of 82,000 calls. Whatever the preparation
 * cannot compute (a history not among `customers`, a sum that throws) is computed directly, so errors
 * are thrown by the same customer, with the same message, as without it.
 */
export function bgnbdConditionalExpectedFor(
  params: BgNbdParams,
  ts: readonly number[],
  customers: readonly { x: number; T: number }[],
): (x: number, tx: number, T: number) => number[] {
  const direct = (x: number, tx: number, T: number) => bgnbdConditionalExpectedAt(params, ts, x, tx, T);
  // Where each (x, T)'s values start in one array (typed arrays of 12 each would cost an allocation apiece).
  const numerators = new Map<number, Map<number, number>>();
  let values = new Float64Array(0);
  try {
    checkParams(params);
    for (const t of ts) checkHorizon(t);
    checkNotOne(params.a);
  } catch {
    return direct;
  }
  const { r, alpha, a, b } = params;
  const TsByX = agesByRepeats(customers);
  let size = 0;
  for (const Ts of TsByX.values()) size += Ts.length * ts.length;
  values = new Float64Array(size);
  let next = 0;
  for (const [x, Ts] of TsByX) {
    const zs = new Array<number>(Ts.length * ts.length);
    for (let j = 0; j < Ts.length; j++) for (let i = 0; i < ts.length; i++) zs[j * ts.length + i] = ts[i]! / (alpha + Ts[j]! + ts[i]!);
    let logHyps: number[];
    try {
      logHyps = logHyp2f1Many(r + x, b + x, a + b + x - 1, zs);
    } catch {
      continue; // these customers are computed directly
    }
    const byT = new Map<number, number>();
    for (let j = 0; j < Ts.length; j++) {
      const T = Ts[j]!;
      const logAlphaT = Math.log(alpha + T);
      const start = next;
      next += ts.length;
      for (let i = 0; i < ts.length; i++) {
        const logDiscount = (r + x) * (logAlphaT - Math.log(alpha + T + ts[i]!));
        values[start + i] = ((a + b + x - 1) / (a - 1)) * -Math.expm1(logHyps[j * ts.length + i]! + logDiscount);
      }
      byT.set(T, start);
    }
    numerators.set(x, byT);
  }
  return (x, tx, T) => {
    const start = numerators.get(x)?.get(T);
    if (start === undefined) return direct(x, tx, T);
    checkHistory(x, tx, T);
    const expected = new Array<number>(ts.length);
    if (x === 0) {
      for (let i = 0; i < ts.length; i++) expected[i] = values[start + i]!;
      return expected;
    }
    const alive = Math.exp(-logAddExp(0, Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))));
    for (let i = 0; i < ts.length; i++) expected[i] = values[start + i]! * alive;
    return expected;
  };
}

/**
 * E[X(t)]: expected purchases in the first t time units of a new customer (FHL 2005 eq. 9):
 *   (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r · 2F1(r, b; a + b − 1; t/(α + t))].
 */
export function bgnbdExpectedNew(params: BgNbdParams, t: number): number {
  checkParams(params);
  checkHorizon(t);
  const { r, alpha, a, b } = params;
  checkNotOne(a);
  const logHyp = logHyp2f1(r, b, a + b - 1, t / (alpha + t));
  const logDiscount = r * (Math.log(alpha) - Math.log(alpha + t));
  return ((a + b - 1) / (a - 1)) * -Math.expm1(logHyp + logDiscount);
}

function logistic(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

function logParams(p: BgNbdParams): number[] {
  return [Math.log(p.r), Math.log(p.alpha), Math.log(p.a), Math.log(p.b)];
}

const PARAM_NAMES = ["r", "alpha", "a", "b"] as const;

function checkParams(p: BgNbdParams): void {
  for (const name of PARAM_NAMES) {
    const v = p[name];
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`BG/NBD parameter ${name} must be a positive finite number, got ${v}`);
  }
}

/** The expectation formulas divide by a − 1; their limit at a = 1 is not implemented. */
function checkNotOne(a: number): void {
  if (a === 1) throw new RangeError("BG/NBD: expectations are undefined at a = 1 exactly (the formula divides by a − 1)");
}

function checkCustomer(c: BgNbdCustomer): void {
  checkHistory(c.x, c.tx, c.T);
  if (c.count !== undefined && !(Number.isFinite(c.count) && c.count >= 0)) {
    throw new RangeError(`BG/NBD: count must be a non-negative number, got ${c.count}`);
  }
}

/** checkCustomer without a count, and without an object to build (the predictions run per customer). */
export function checkHistory(x: number, tx: number, T: number): void {
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`BG/NBD: x must be a non-negative integer, got ${x}`);
  if (!(Number.isFinite(T) && T >= 0)) throw new RangeError(`BG/NBD: T must be a non-negative number, got ${T}`);
  if (!(Number.isFinite(tx) && tx >= 0 && tx <= T)) {
    throw new RangeError(`BG/NBD: t_x must be between 0 and T (${T}), got ${tx}`);
  }
}

export function checkHorizon(t: number): void {
  if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`BG/NBD: t must be a non-negative number, got ${t}`);
}

/**
 * Customers reduced to distinct (x, t_x, T) rows with weights; x, T and t_x values are also listed
 * once each, so that per evaluation every lgamma and log is computed once per distinct value rather
 * than once per customer.
 */
interface CompressedCustomers {
  xs: Float64Array;
  Ts: Float64Array;
  txs: Float64Array;
  rowX: Int32Array;
  rowT: Int32Array;
  rowTx: Int32Array;
  rowWeight: Float64Array;
  totalWeight: number;
  // Scratch space reused by every evaluation.
  headByX: Float64Array;
  logA4ByX: Float64Array;
  logAlphaT: Float64Array;
  logAlphaTx: Float64Array;
}

export interface DistinctRow {
  x: number;
  tx: number;
  T: number;
  w: number;
}

/**
 * Distinct (x, t_x, T) with their total weight, in order of first appearance (t_x set to 0 when
 * x = 0, where it plays no part); shared by the count models.
 */
export function distinctRows(customers: readonly BgNbdCustomer[]): DistinctRow[] {
  const n = customers.length;
  const xs = new Float64Array(n);
  const Ts = new Float64Array(n);
  const txs = new Float64Array(n);
  const ws = new Float64Array(n);
  let m = 0;
  for (const c of customers) {
    checkCustomer(c);
    const w = c.count ?? 1;
    if (w === 0) continue;
    xs[m] = c.x;
    Ts[m] = c.T;
    txs[m] = c.x === 0 ? 0 : c.tx; // t_x plays no part when x = 0
    ws[m++] = w;
  }
  const { ids, first } = distinctIds([xs, Ts, txs], m);
  const rows: DistinctRow[] = Array.from(first, (i) => ({ x: xs[i]!, tx: txs[i]!, T: Ts[i]!, w: 0 }));
  for (let i = 0; i < m; i++) rows[ids[i]!]!.w += ws[i]!;
  return rows;
}

function columns(rows: readonly DistinctRow[]): CompressedCustomers {
  const x = distinctValues(rows.map((row) => row.x));
  const T = distinctValues(rows.map((row) => row.T));
  const tx = distinctValues(rows.map((row) => row.tx));
  const n = rows.length;
  const data: CompressedCustomers = {
    xs: x.values,
    Ts: T.values,
    txs: tx.values,
    rowX: x.ids,
    rowT: T.ids,
    rowTx: tx.ids,
    rowWeight: new Float64Array(n),
    totalWeight: 0,
    headByX: new Float64Array(x.values.length),
    logA4ByX: new Float64Array(x.values.length),
    logAlphaT: new Float64Array(T.values.length),
    logAlphaTx: new Float64Array(tx.values.length),
  };
  let i = 0;
  for (const row of rows) {
    data.rowWeight[i] = row.w;
    data.totalWeight += row.w;
    i++;
  }
  return data;
}

/** Mean negative log-likelihood at log-parameters p = log(r, α, a, b); the objective of the fit. */
function negativeLogLikelihood(data: CompressedCustomers, p: ArrayLike<number>): number {
  const r = Math.exp(p[0]);
  const alpha = Math.exp(p[1]);
  const a = Math.exp(p[2]);
  const b = Math.exp(p[3]);
  const { xs, Ts, txs, headByX, logA4ByX, logAlphaT, logAlphaTx } = data;
  const common = r * Math.log(alpha);
  const logA = Math.log(a);
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    headByX[k] = common + lgammaDelta(r, x) + lgammaDelta(b, x) - lgammaDelta(a + b, x);
    logA4ByX[k] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }
  for (let j = 0; j < Ts.length; j++) logAlphaT[j] = Math.log(alpha + Ts[j]);
  for (let j = 0; j < txs.length; j++) logAlphaTx[j] = Math.log(alpha + txs[j]);

  const { rowX, rowT, rowTx, rowWeight } = data;
  let total = 0;
  for (let i = 0; i < rowX.length; i++) {
    const k = rowX[i];
    const power = r + xs[k];
    const stillAlive = -power * logAlphaT[rowT[i]];
    let ll = headByX[k] + stillAlive;
    if (xs[k] > 0) {
      const diedAfterLast = logA4ByX[k] - power * logAlphaTx[rowTx[i]];
      ll = headByX[k] + logAddExp(stillAlive, diedAfterLast);
    }
    total += rowWeight[i] * ll;
  }
  return -total / data.totalWeight;
}

/**
 * The mean negative log-likelihood at log-parameters p = log(r, α, a, b), as negativeLogLikelihood,
 * and its gradient with respect to p (written into `gradient`), for the BFGS polish. With
 * ℓ = head(x) + log(e^u + δ e^v), u = −(r + x) log(α + T), v = log a − log(b + x − 1) − (r + x) log(α + t_x):
 *   ∂ℓ/∂r = ψ(r + x) − ψ(r) + log α − σ log(α + T) − (1 − σ) log(α + t_x)
 *   ∂ℓ/∂α = r/α − (r + x) [σ/(α + T) + (1 − σ)/(α + t_x)]
 *   ∂ℓ/∂a = ψ(a + b) − ψ(a + b + x) + (1 − σ)/a
 *   ∂ℓ/∂b = ψ(a + b) − ψ(b) + ψ(b + x) − ψ(a + b + x) − (1 − σ)/(b + x − 1)
 * where σ = e^u / (e^u + e^v) (1 when x = 0); each times the parameter for the log scale.
 */
function negativeLogLikelihoodAndGradient(data: CompressedCustomers, p: ArrayLike<number>, gradient: Float64Array): number {
  const r = Math.exp(p[0]);
  const alpha = Math.exp(p[1]);
  const a = Math.exp(p[2]);
  const b = Math.exp(p[3]);
  const { xs, Ts, txs, headByX, logA4ByX, logAlphaT, logAlphaTx } = data;
  const nx = xs.length;
  const dHeadR = new Float64Array(nx);
  const dHeadA = new Float64Array(nx);
  const dHeadB = new Float64Array(nx);
  const invBx = new Float64Array(nx);
  const common = r * Math.log(alpha);
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  const logA = Math.log(a);
  const logAlpha = Math.log(alpha);
  for (let k = 0; k < nx; k++) {
    const x = xs[k];
    headByX[k] = common + lgammaDelta(r, x) + lgammaDelta(b, x) - lgammaDelta(a + b, x);
    logA4ByX[k] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
    const psiABX = digamma(a + b + x);
    dHeadR[k] = digamma(r + x) - psiR + logAlpha;
    dHeadA[k] = psiAB - psiABX;
    dHeadB[k] = psiAB - psiB + digamma(b + x) - psiABX;
    invBx[k] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  const invAlphaT = new Float64Array(Ts.length);
  const invAlphaTx = new Float64Array(txs.length);
  for (let j = 0; j < Ts.length; j++) {
    logAlphaT[j] = Math.log(alpha + Ts[j]);
    invAlphaT[j] = 1 / (alpha + Ts[j]);
  }
  for (let j = 0; j < txs.length; j++) {
    logAlphaTx[j] = Math.log(alpha + txs[j]);
    invAlphaTx[j] = 1 / (alpha + txs[j]);
  }

  const { rowX, rowT, rowTx, rowWeight } = data;
  let total = 0;
  let gr = 0;
  let galpha = 0;
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < rowX.length; i++) {
    const k = rowX[i];
    const w = rowWeight[i];
    const power = r + xs[k];
    const t = rowT[i];
    const stillAlive = -power * logAlphaT[t];
    let ll: number;
    let sigma = 1;
    let dR = dHeadR[k] - logAlphaT[t];
    let dAlpha = r / alpha - power * invAlphaT[t];
    if (xs[k] > 0) {
      const tx = rowTx[i];
      const diedAfterLast = logA4ByX[k] - power * logAlphaTx[tx];
      ll = headByX[k] + logAddExp(stillAlive, diedAfterLast);
      sigma = 1 / (1 + Math.exp(diedAfterLast - stillAlive));
      dR = dHeadR[k] - sigma * logAlphaT[t] - (1 - sigma) * logAlphaTx[tx];
      dAlpha = r / alpha - power * (sigma * invAlphaT[t] + (1 - sigma) * invAlphaTx[tx]);
    } else ll = headByX[k] + stillAlive;
    total += w * ll;
    gr += w * dR;
    galpha += w * dAlpha;
    ga += w * (dHeadA[k] + (1 - sigma) / a);
    gb += w * (dHeadB[k] - (1 - sigma) * invBx[k]);
  }
  const scale = -1 / data.totalWeight;
  gradient[0] = gr * r * scale;
  gradient[1] = galpha * alpha * scale;
  gradient[2] = ga * a * scale;
  gradient[3] = gb * b * scale;
  return total * scale;
}

// MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison of models
// for customer base analysis"): BG/NBD in which a customer may also drop out right after the first
// purchase, so that a one-time buyer's P(alive) falls as time passes without a purchase. Formulas as
// in `lifetimes`' ModifiedBetaGeoFitter; inputs as for BG/NBD (x, t_x, T in one time unit).

import { checkHistory, checkHorizon, distinctRows, type BgNbdCustomer } from "./bgnbd.js";
import { agesByRepeats, distinctValues } from "./distinct.js";
import { minimisePositive } from "./optimize.js";
import { lgammaDelta, logAddExp, logHyp2f1Many } from "./special.js";

export interface MbgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface MbgNbdFit extends MbgNbdParams {
  logLikelihood: number;
  customers: number;
  /** Names of the parameters that ran to the edge of the parameter space (see minimisePositive). */
  atEdge: string[];
}

const NAMES = ["r", "alpha", "a", "b"] as const;

/**
 * Log-likelihood of one customer:
 *   log[Γ(r + x) α^r / Γ(r)] + log[B(a, b + x + 1) / B(a, b)] − (r + x) log(α + T)
 *   + log(1 + a/(b + x) · ((α + T)/(α + t_x))^(r+x)),
 * the log-gamma differences taken in steps of x with lgammaDelta, so that they stay exact when a and b
 * are huge.
 */
export function mbgnbdLogLikelihood(params: MbgNbdParams, customer: BgNbdCustomer): number {
  checkParams(params);
  checkHistory(customer.x, customer.tx, customer.T);
  const { x, T } = customer;
  return logLikelihood(params, x, x === 0 ? 0 : customer.tx, T);
}

function headOf(p: MbgNbdParams, x: number): number {
  const { r, alpha, a, b } = p;
  return lgammaDelta(r, x) + r * Math.log(alpha) + lgammaDelta(b, x + 1) - lgammaDelta(a + b, x + 1);
}

function logLikelihood(p: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha } = p;
  const logAlphaT = Math.log(alpha + T);
  return headOf(p, x) - (r + x) * logAlphaT + logAddExp(0, logOddsDead(p, x, logAlphaT, Math.log(alpha + tx)));
}

/** log[a/(b + x) · ((α + T)/(α + t_x))^(r+x)], the log-odds that the customer is gone. */
function logOddsDead(p: MbgNbdParams, x: number, logAlphaT: number, logAlphaTx: number): number {
  return Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (logAlphaT - logAlphaTx);
}

/** Total log-likelihood, each customer weighted by its count. */
export function mbgnbdTotalLogLikelihood(params: MbgNbdParams, customers: readonly BgNbdCustomer[]): number {
  checkParams(params);
  let total = 0;
  for (const row of distinctRows(customers)) total += row.w * logLikelihood(params, row.x, row.tx, row.T);
  return total;
}

/**
 * Maximum-likelihood fit (Nelder–Mead on log-parameters inside a box, the mean negative
 * log-likelihood as the objective; customers with the same (x, t_x, T) share one term).
 */
export function fitMbgNbd(
  customers: readonly BgNbdCustomer[],
  start: MbgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 },
  options: { initialStep?: number } = {},
): MbgNbdFit {
  const rows = distinctRows(customers);
  const total = rows.reduce((sum, row) => sum + row.w, 0);
  if (total === 0) throw new RangeError("fitMbgNbd: no customers to fit");
  checkParams(start);
  const { values: xs, ids: rowX } = distinctValues(rows.map((row) => row.x));
  const { values: Ts, ids: rowT } = distinctValues(rows.map((row) => row.T));
  const { values: txs, ids: rowTx } = distinctValues(rows.map((row) => row.tx));
  const headByX = new Float64Array(xs.length);
  const logShareByX = new Float64Array(xs.length);
  const logAlphaT = new Float64Array(Ts.length);
  const logAlphaTx = new Float64Array(txs.length);
  const fit = minimisePositive(
    (v) => {
      const p = { r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! };
      for (let k = 0; k < xs.length; k++) {
        headByX[k] = headOf(p, xs[k]!);
        logShareByX[k] = Math.log(p.a) - Math.log(p.b + xs[k]!);
      }
      for (let j = 0; j < Ts.length; j++) logAlphaT[j] = Math.log(p.alpha + Ts[j]!);
      for (let j = 0; j < txs.length; j++) logAlphaTx[j] = Math.log(p.alpha + txs[j]!);
      let sum = 0;
      for (let i = 0; i < rows.length; i++) {
        const k = rowX[i]!;
        const power = p.r + xs[k]!;
        const lT = logAlphaT[rowT[i]!]!;
        sum += rows[i]!.w * (headByX[k]! - power * lT + logAddExp(0, logShareByX[k]! + power * (lT - logAlphaTx[rowTx[i]!]!)));
      }
      return -sum / total;
    },
    NAMES.map((name) => start[name]),
    { xTolerance: 1e-5, fTolerance: 1e-10, ...options },
  );
  const [r, alpha, a, b] = fit.values as [number, number, number, number];
  return { r, alpha, a, b, logLikelihood: -fit.value * total, customers: total, atEdge: fit.atEdge.map((i) => NAMES[i]!) };
}

/** P(alive | x, t_x, T) = 1 / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r+x)); below 1 also when x = 0. */
export function mbgnbdPAlive(params: MbgNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkHistory(x, tx, T);
  const { alpha } = params;
  return Math.exp(-logAddExp(0, logOddsDead(params, x, Math.log(alpha + T), Math.log(alpha + (x === 0 ? 0 : tx)))));
}

/**
 * E[Y(t) | x, t_x, T] at several horizons:
 *   (a + b + x)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) · 2F1(r + x, b + x + 1; a + b + x; t/(α + T + t))]
 *   · P(alive).
 * Undefined at a = 1 exactly (a RangeError).
 */
export function mbgnbdConditionalExpectedAt(params: MbgNbdParams, ts: readonly number[], x: number, tx: number, T: number): number[] {
  for (const t of ts) checkHorizon(t);
  const pAlive = mbgnbdPAlive(params, x, tx, T);
  const { r, alpha, a, b } = params;
  checkNotOne(a);
  const logHyps = logHyp2f1Many(
    r + x,
    b + x + 1,
    a + b + x,
    ts.map((t) => t / (alpha + T + t)),
  );
  const logAlphaT = Math.log(alpha + T);
  return ts.map((t, i) => ((a + b + x) / (a - 1)) * -Math.expm1(logHyps[i]! + (r + x) * (logAlphaT - Math.log(alpha + T + t))) * pAlive);
}

/**
 * mbgnbdConditionalExpectedAt(params, ts, …) prepared for many customers, the same values bit for bit
 * (as bgnbdConditionalExpectedFor): the part that depends on (x, T) alone is computed once per
 * distinct (x, T) of `customers`, the 2F1 sums of one x in one call; anything else directly.
 */
export function mbgnbdConditionalExpectedFor(
  params: MbgNbdParams,
  ts: readonly number[],
  customers: readonly { x: number; T: number }[],
): (x: number, tx: number, T: number) => number[] {
  const direct = (x: number, tx: number, T: number) => mbgnbdConditionalExpectedAt(params, ts, x, tx, T);
  // Where each (x, T)'s values start in one array (typed arrays of 12 each would cost an allocation apiece).
  const growths = new Map<number, Map<number, number>>();
  let values = new Float64Array(0);
  try {
    for (const t of ts) checkHorizon(t);
    checkParams(params);
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
      logHyps = logHyp2f1Many(r + x, b + x + 1, a + b + x, zs);
    } catch {
      continue;
    }
    const byT = new Map<number, number>();
    for (let j = 0; j < Ts.length; j++) {
      const T = Ts[j]!;
      const logAlphaT = Math.log(alpha + T);
      const start = next;
      next += ts.length;
      for (let i = 0; i < ts.length; i++)
        values[start + i] = ((a + b + x) / (a - 1)) * -Math.expm1(logHyps[j * ts.length + i]! + (r + x) * (logAlphaT - Math.log(alpha + T + ts[i]!)));
      byT.set(T, start);
    }
    growths.set(x, byT);
  }
  return (x, tx, T) => {
    const start = growths.get(x)?.get(T);
    if (start === undefined) return direct(x, tx, T);
    const pAlive = mbgnbdPAlive(params, x, tx, T);
    const expected = new Array<number>(ts.length);
    for (let i = 0; i < ts.length; i++) expected[i] = values[start + i]! * pAlive;
    return expected;
  };
}

/** mbgnbdConditionalExpectedAt at one horizon. */
export function mbgnbdConditionalExpected(params: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  return mbgnbdConditionalExpectedAt(params, [t], x, tx, T)[0]!;
}

/** E[X(t)] for a new customer: b/(a − 1) · [1 − (α/(α + t))^r · 2F1(r, b + 1; a + b; t/(α + t))]. */
export function mbgnbdExpectedNew(params: MbgNbdParams, t: number): number {
  checkParams(params);
  checkHorizon(t);
  const { r, alpha, a, b } = params;
  checkNotOne(a);
  const logHyp = logHyp2f1Many(r, b + 1, a + b, [t / (alpha + t)])[0]!;
  return (b / (a - 1)) * -Math.expm1(logHyp + r * (Math.log(alpha) - Math.log(alpha + t)));
}

function checkNotOne(a: number): void {
  if (a === 1) throw new RangeError("MBG/NBD: expectations are undefined at a = 1 exactly (the formula divides by a − 1)");
}

function checkParams(p: MbgNbdParams): void {
  for (const name of NAMES) {
    const v = p[name];
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`MBG/NBD parameter ${name} must be a positive finite number, got ${v}`);
  }
}

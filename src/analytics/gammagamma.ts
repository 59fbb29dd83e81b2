// Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's note
// "The Gamma-Gamma Model of Monetary Value"): fit on customers with repeat purchases from their
// number of repeat purchases x and the mean value m̄ of those purchases, then estimate each
// customer's expected average order value, shrunk towards the population mean.

import { nelderMead, type NelderMeadOptions } from "./optimize.js";
import { lgamma } from "./special.js";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaCustomer {
  /** Repeat purchases. */
  x: number;
  /** Mean value of the repeat purchases (ignored when x = 0). */
  mbar: number;
  /** How many customers share this (x, m̄); default 1. */
  count?: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  /** Total log-likelihood of the customers fitted. */
  logLikelihood: number;
  /** Number of customers fitted: those with x > 0. */
  customers: number;
}

export interface GammaGammaFitOptions {
  /** Start of the search; default p = q = γ = 1. */
  start?: GammaGammaParams;
  optimizer?: NelderMeadOptions;
}

/**
 * Log-likelihood of one customer with x > 0 repeat purchases of mean value m̄:
 *   log Γ(px + q) − log Γ(px) − log Γ(q) + q log γ + (px − 1) log m̄ + px log x − (px + q) log(γ + x m̄).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customer: GammaGammaCustomer): number {
  checkParams(params);
  checkCustomer(customer);
  if (customer.x === 0) throw new RangeError("Gamma-Gamma: the likelihood needs x > 0 (repeat purchases)");
  const { p, q, gamma } = params;
  const { x, mbar } = customer;
  const px = p * x;
  return (
    lgamma(px + q) - lgamma(px) - lgamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(mbar) +
    px * Math.log(x) - (px + q) * Math.log(gamma + x * mbar)
  );
}

/**
 * Maximum-likelihood fit on the customers with x > 0 (the others carry no spend information and are
 * skipped). Searches log-parameters; customers with identical (x, m̄) share one likelihood term.
 * Throws a RangeError when a customer with x > 0 has m̄ ≤ 0: the model is for positive spend, so such
 * rows must be removed (or fixed) by the caller rather than silently dropped here.
 */
export function fitGammaGamma(customers: readonly GammaGammaCustomer[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const data = compress(customers);
  if (data.totalWeight === 0) throw new RangeError("fitGammaGamma: needs at least one customer with repeat purchases (x > 0)");
  const start = options.start ?? { p: 1, q: 1, gamma: 1 };
  checkParams(start);
  const result = nelderMead(
    (lp) => negativeLogLikelihood(data, lp),
    [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)],
    { initialStep: 0.5, xTolerance: 1e-6, fTolerance: 1e-11, ...options.optimizer },
  );
  const [p, q, gamma] = result.x.map(Math.exp) as [number, number, number];
  return { p, q, gamma, logLikelihood: -result.value * data.totalWeight, customers: data.totalWeight };
}

/** Mean spend per transaction over all customers, p·γ/(q − 1); infinite (a RangeError) when q ≤ 1. */
export function gammaGammaPopulationMean(params: GammaGammaParams): number {
  checkParams(params);
  const { p, q, gamma } = params;
  if (!(q > 1)) throw new RangeError(`Gamma-Gamma: the population mean needs q > 1, got q = ${q}`);
  return (p * gamma) / (q - 1);
}

/**
 * Expected average order value of a customer: a weighted mean of the population mean and the
 * customer's own m̄, the weight px/(px + q − 1) growing with the number of repeat purchases.
 * A customer with x = 0 gets the population mean.
 */
export function gammaGammaExpectedValue(params: GammaGammaParams, x: number, mbar: number): number {
  checkParams(params);
  checkCustomer({ x, mbar });
  if (x === 0) return gammaGammaPopulationMean(params);
  const { p, q, gamma } = params;
  const px = p * x;
  if (!(px + q > 1)) throw new RangeError(`Gamma-Gamma: expected value needs p·x + q > 1, got ${px + q}`);
  return (p * (gamma + x * mbar)) / (px + q - 1);
}

function checkParams(params: GammaGammaParams): void {
  for (const name of ["p", "q", "gamma"] as const) {
    const v = params[name];
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`Gamma-Gamma parameter ${name} must be a positive finite number, got ${v}`);
  }
}

function checkCustomer(c: GammaGammaCustomer): void {
  if (!(Number.isInteger(c.x) && c.x >= 0)) throw new RangeError(`Gamma-Gamma: x must be a non-negative integer, got ${c.x}`);
  if (c.x > 0 && !(c.mbar > 0 && Number.isFinite(c.mbar))) {
    throw new RangeError(`Gamma-Gamma: mean repeat-purchase value must be positive when x > 0, got ${c.mbar} (x = ${c.x})`);
  }
  if (c.count !== undefined && !(Number.isFinite(c.count) && c.count >= 0)) {
    throw new RangeError(`Gamma-Gamma: count must be a non-negative number, got ${c.count}`);
  }
}

/** Distinct (x, m̄) rows with weights, plus the per-row constants of the likelihood. */
interface CompressedSpend {
  xs: Float64Array; // distinct x
  logXs: Float64Array;
  rowX: Int32Array;
  rowXMbar: Float64Array; // x·m̄ of the row
  rowLogMbar: Float64Array;
  rowWeight: Float64Array;
  totalWeight: number;
  headByX: Float64Array; // scratch: per-x terms of the current evaluation
}

function compress(customers: readonly GammaGammaCustomer[]): CompressedSpend {
  const rows = new Map<string, { x: number; mbar: number; w: number }>();
  for (const c of customers) {
    checkCustomer(c);
    const w = c.count ?? 1;
    if (c.x === 0 || w === 0) continue;
    const key = `${c.x}|${c.mbar}`;
    const row = rows.get(key);
    if (row) row.w += w;
    else rows.set(key, { x: c.x, mbar: c.mbar, w });
  }
  const xIndex = new Map<number, number>();
  for (const row of rows.values()) if (!xIndex.has(row.x)) xIndex.set(row.x, xIndex.size);
  const xs = Float64Array.from(xIndex.keys());
  const n = rows.size;
  const data: CompressedSpend = {
    xs,
    logXs: xs.map(Math.log),
    rowX: new Int32Array(n),
    rowXMbar: new Float64Array(n),
    rowLogMbar: new Float64Array(n),
    rowWeight: new Float64Array(n),
    totalWeight: 0,
    headByX: new Float64Array(xs.length),
  };
  let i = 0;
  for (const row of rows.values()) {
    data.rowX[i] = xIndex.get(row.x)!;
    data.rowXMbar[i] = row.x * row.mbar;
    data.rowLogMbar[i] = Math.log(row.mbar);
    data.rowWeight[i] = row.w;
    data.totalWeight += row.w;
    i++;
  }
  return data;
}

/** Mean negative log-likelihood at log-parameters lp = log(p, q, γ). */
function negativeLogLikelihood(data: CompressedSpend, lp: ArrayLike<number>): number {
  const p = Math.exp(lp[0]);
  const q = Math.exp(lp[1]);
  const gamma = Math.exp(lp[2]);
  const { xs, logXs, headByX } = data;
  const common = -lgamma(q) + q * Math.log(gamma);
  for (let k = 0; k < xs.length; k++) {
    const px = p * xs[k];
    headByX[k] = common + lgamma(px + q) - lgamma(px) + px * logXs[k];
  }
  const { rowX, rowXMbar, rowLogMbar, rowWeight } = data;
  let total = 0;
  for (let i = 0; i < rowX.length; i++) {
    const px = p * xs[rowX[i]];
    const ll = headByX[rowX[i]] + (px - 1) * rowLogMbar[i] - (px + q) * Math.log(gamma + rowXMbar[i]);
    total += rowWeight[i] * ll;
  }
  return -total / data.totalWeight;
}

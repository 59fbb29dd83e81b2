// Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's note
// "The Gamma-Gamma Model of Monetary Value"): fit on customers with repeat purchases from their
// number of repeat purchases x and the mean value m̄ of those purchases, then estimate each
// customer's expected average order value, shrunk towards the population mean.

import { distinctIds } from "./distinct.js";
import { atEdge, bfgs, insideBox, nelderMead, type NelderMeadOptions } from "./optimize.js";
import { digamma, lgamma, lgammaDelta } from "./special.js";

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
  /** Names of the parameters that ran to the edge of the parameter space (see BgNbdFit). */
  atEdge: string[];
}

export interface GammaGammaFitOptions {
  /** Start of the search; default p = q = γ = 1. */
  start?: GammaGammaParams;
  optimizer?: NelderMeadOptions;
}

/**
 * Log-likelihood of one customer with x > 0 repeat purchases of mean value m̄:
 *   log Γ(px + q) − log Γ(px) − log Γ(q) + q log γ + (px − 1) log m̄ + px log x − (px + q) log(γ + x m̄),
 * evaluated as lgammaDelta(px, q) − log Γ(q) + q log γ − log m̄ − px log1p(γ/(x m̄)) − q log(γ + x m̄),
 * which has no huge terms to cancel when p is large.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customer: GammaGammaCustomer): number {
  checkParams(params);
  checkCustomer(customer);
  if (customer.x === 0) throw new RangeError("Gamma-Gamma: the likelihood needs x > 0 (repeat purchases)");
  const { p, q, gamma } = params;
  const { x, mbar } = customer;
  const px = p * x;
  return lgammaDelta(px, q) - lgamma(q) + q * Math.log(gamma) - Math.log(mbar) - px * Math.log1p(gamma / (x * mbar)) - q * Math.log(gamma + x * mbar);
}

/**
 * Maximum-likelihood fit on the customers with x > 0 (the others carry no spend information and are
 * skipped). Searches log-parameters; customers with identical (x, m̄) share one likelihood term.
 * Throws a RangeError when a customer with x > 0 has m̄ ≤ 0: the model is for positive spend, so such
 * rows must be removed (or fixed) by the caller rather than silently dropped here.
 */
export function fitGammaGamma(customers: readonly GammaGammaCustomer[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const rows = distinctRows(customers);
  const data = columns(rows);
  if (data.totalWeight === 0) throw new RangeError("fitGammaGamma: needs at least one customer with repeat purchases (x > 0)");
  const start = options.start ?? { p: 1, q: 1, gamma: 1 };
  checkParams(start);
  const startPoint = [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)];
  const nelderMeadFit = (on: CompressedSpend, from: number[]) =>
    nelderMead((lp) => (insideBox(lp) ? negativeLogLikelihood(on, lp) : Infinity), from, {
      initialStep: 0.5,
      xTolerance: 1e-6,
      fTolerance: 1e-11,
      ...options.optimizer,
    });
  let best: { x: number[]; value: number };
  if (rows.length > LARGE_FIT_ROWS && !options.optimizer) {
    // As for BG/NBD: Nelder–Mead on an evenly spread sample, then BFGS with the gradient on all.
    const sample = columns(rows.filter((_, i) => i % Math.ceil(rows.length / SAMPLE_ROWS) === 0));
    const near = nelderMead((lp) => (insideBox(lp) ? negativeLogLikelihood(sample, lp) : Infinity), startPoint, {
      initialStep: 0.5,
      xTolerance: 1e-4,
      fTolerance: 1e-9,
    }).x;
    const polished = bfgs((lp, gradient) => negativeLogLikelihoodAndGradient(data, lp, gradient), near);
    best = polished.converged && insideBox(polished.x) ? polished : nelderMeadFit(data, near);
  } else best = nelderMeadFit(data, startPoint);
  const [p, q, gamma] = best.x.map(Math.exp) as [number, number, number];
  const edge = atEdge([p, q, gamma]).map((i) => PARAM_NAMES[i]!);
  return { p, q, gamma, logLikelihood: -best.value * data.totalWeight, customers: data.totalWeight, atEdge: edge };
}

/** Above this many distinct (x, m̄) the fit samples, then polishes with gradients; else plain Nelder–Mead. */
const LARGE_FIT_ROWS = 20_000;
const SAMPLE_ROWS = 2_500;

/**
 * The objective the fit minimises — the mean negative log-likelihood at log(p, q, γ) — alone and
 * with its gradient (for tests of the gradient).
 */
export function gammaGammaObjective(customers: readonly GammaGammaCustomer[]): {
  value: (lp: ArrayLike<number>) => number;
  withGradient: (lp: ArrayLike<number>, gradient: Float64Array) => number;
} {
  const data = columns(distinctRows(customers));
  return { value: (lp) => negativeLogLikelihood(data, lp), withGradient: (lp, gradient) => negativeLogLikelihoodAndGradient(data, lp, gradient) };
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
 * A customer with x = 0 gets the population mean. m̄ = 0 (repeat purchases of nothing, which the fit
 * cannot take) is allowed here: the formula's limit, p·γ/(px + q − 1), shrinks towards 0 with x.
 */
export function gammaGammaExpectedValue(params: GammaGammaParams, x: number, mbar: number): number {
  checkParams(params);
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`Gamma-Gamma: x must be a non-negative integer, got ${x}`);
  if (x > 0 && !(mbar >= 0 && Number.isFinite(mbar)))
    throw new RangeError(`Gamma-Gamma: mean repeat-purchase value must not be negative, got ${mbar} (x = ${x})`);
  if (x === 0) return gammaGammaPopulationMean(params);
  const { p, q, gamma } = params;
  const px = p * x;
  if (!(px + q > 1)) throw new RangeError(`Gamma-Gamma: expected value needs p·x + q > 1, got ${px + q}`);
  return (p * (gamma + x * mbar)) / (px + q - 1);
}

const PARAM_NAMES = ["p", "q", "gamma"] as const;

function checkParams(params: GammaGammaParams): void {
  for (const name of PARAM_NAMES) {
    const v = params[name];
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`Gamma-Gamma parameter ${name} must be a positive finite number, got ${v}`);
  }
}

function checkCustomer(c: GammaGammaCustomer): void {
  checkSpend(c.x, c.mbar);
  if (c.count !== undefined && !(Number.isFinite(c.count) && c.count >= 0)) {
    throw new RangeError(`Gamma-Gamma: count must be a non-negative number, got ${c.count}`);
  }
}

/** checkCustomer without a count, and without an object to build. */
function checkSpend(x: number, mbar: number): void {
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`Gamma-Gamma: x must be a non-negative integer, got ${x}`);
  if (x > 0 && !(mbar > 0 && Number.isFinite(mbar))) {
    throw new RangeError(`Gamma-Gamma: mean repeat-purchase value must be positive when x > 0, got ${mbar} (x = ${x})`);
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

interface DistinctRow {
  x: number;
  mbar: number;
  w: number;
}

/** Distinct (x, m̄) of the customers with x > 0, with their total weight, in order of first appearance. */
function distinctRows(customers: readonly GammaGammaCustomer[]): DistinctRow[] {
  const n = customers.length;
  const xs = new Float64Array(n);
  const mbars = new Float64Array(n);
  const ws = new Float64Array(n);
  let m = 0;
  for (const c of customers) {
    checkCustomer(c);
    const w = c.count ?? 1;
    if (c.x === 0 || w === 0) continue;
    xs[m] = c.x;
    mbars[m] = c.mbar;
    ws[m++] = w;
  }
  const { ids, first } = distinctIds([xs, mbars], m);
  const rows: DistinctRow[] = Array.from(first, (i) => ({ x: xs[i]!, mbar: mbars[i]!, w: 0 }));
  for (let i = 0; i < m; i++) rows[ids[i]!]!.w += ws[i]!;
  return rows;
}

function columns(rows: readonly DistinctRow[]): CompressedSpend {
  const xIndex = new Map<number, number>();
  for (const row of rows) if (!xIndex.has(row.x)) xIndex.set(row.x, xIndex.size);
  const xs = Float64Array.from(xIndex.keys());
  const n = rows.length;
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
  for (const row of rows) {
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
  const { xs, headByX } = data;
  const common = -lgamma(q) + q * Math.log(gamma);
  for (let k = 0; k < xs.length; k++) {
    const px = p * xs[k];
    headByX[k] = common + lgammaDelta(px, q);
  }
  const { rowX, rowXMbar, rowLogMbar, rowWeight } = data;
  let total = 0;
  for (let i = 0; i < rowX.length; i++) {
    const px = p * xs[rowX[i]];
    const ll = headByX[rowX[i]] - rowLogMbar[i] - px * Math.log1p(gamma / rowXMbar[i]) - q * Math.log(gamma + rowXMbar[i]);
    total += rowWeight[i] * ll;
  }
  return -total / data.totalWeight;
}

/**
 * The mean negative log-likelihood at lp = log(p, q, γ), as negativeLogLikelihood, and its gradient
 * with respect to lp (into `gradient`), for the BFGS polish. Per customer:
 *   ∂ℓ/∂p = x [ψ(px + q) − ψ(px) + log x + log m̄ − log(γ + x m̄)]
 *   ∂ℓ/∂q = ψ(px + q) − ψ(q) + log γ − log(γ + x m̄)
 *   ∂ℓ/∂γ = q/γ − (px + q)/(γ + x m̄)
 * each times the parameter for the log scale.
 */
function negativeLogLikelihoodAndGradient(data: CompressedSpend, lp: ArrayLike<number>, gradient: Float64Array): number {
  const p = Math.exp(lp[0]);
  const q = Math.exp(lp[1]);
  const gamma = Math.exp(lp[2]);
  const { xs, logXs, headByX } = data;
  const logGamma = Math.log(gamma);
  const common = -lgamma(q) + q * logGamma;
  const psiQ = digamma(q);
  const dHeadP = new Float64Array(xs.length);
  const dHeadQ = new Float64Array(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const px = p * xs[k];
    const psiPxQ = digamma(px + q);
    headByX[k] = common + lgammaDelta(px, q);
    dHeadP[k] = xs[k] * (psiPxQ - digamma(px) + logXs[k]);
    dHeadQ[k] = psiPxQ - psiQ + logGamma;
  }
  const { rowX, rowXMbar, rowLogMbar, rowWeight } = data;
  let total = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let i = 0; i < rowX.length; i++) {
    const k = rowX[i];
    const x = xs[k];
    const px = p * x;
    const w = rowWeight[i];
    const logSpend = Math.log(gamma + rowXMbar[i]);
    total += w * (headByX[k] - rowLogMbar[i] - px * Math.log1p(gamma / rowXMbar[i]) - q * logSpend);
    gp += w * (dHeadP[k] + x * (rowLogMbar[i] - logSpend));
    gq += w * (dHeadQ[k] - logSpend);
    gg += w * (q / gamma - (px + q) / (gamma + rowXMbar[i]));
  }
  const scale = -1 / data.totalWeight;
  gradient[0] = gp * p * scale;
  gradient[1] = gq * q * scale;
  gradient[2] = gg * gamma * scale;
  return total * scale;
}

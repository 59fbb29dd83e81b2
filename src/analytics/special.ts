// Special functions for the customer-base models: log-gamma, log-beta, log-sum-exp and the Gauss
// hypergeometric function 2F1 (in log form). Pure, dependency-free; everything the likelihoods need
// is computed in log space so that large purchase counts do not overflow.

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// Coefficients B_2k / (2k (2k − 1)) of the Stirling series for log Γ, k = 1..8.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * log Γ(x) for real x (log |Γ(x)| for negative non-integers).
 *
 * For x ≥ 10 the Stirling series with 8 terms is used: its truncation error there is below 1e-16.
 * Smaller x are shifted up with Γ(x) = Γ(x + n) / (x (x + 1) … (x + n − 1)), which costs at most a few
 * ulps of log Γ(10) ≈ 12.8, i.e. an absolute error of a few 1e-15.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity; // poles
    // Reflection: Γ(x) Γ(1 − x) = π / sin(π x).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + STIRLING[k];
  const stirling = (y - 0.5) * Math.log(y) - y + HALF_LOG_TWO_PI + series * inv;
  return product === 1 ? stirling : stirling - Math.log(product);
}

/**
 * log Γ(x + d) − log Γ(x) for x > 0, d ≥ 0, without the cancellation of subtracting two huge values:
 * at x = 1e19 each log Γ is about 8e20, whose rounding (1e5) swamps the difference. For x ≥ 10 the two
 * Stirling series are subtracted term by term: (x − ½) log1p(d/x) + d log(x + d) − d + S(x + d) − S(x),
 * S the correction series of lgamma; smaller x have no cancellation to fear.
 */
export function lgammaDelta(x: number, d: number): number {
  if (!(x >= 10) || !Number.isFinite(x) || !Number.isFinite(d) || d < 0) return lgamma(x + d) - lgamma(x);
  if (d === 0) return 0;
  const y = x + d;
  return (x - 0.5) * Math.log1p(d / x) + d * Math.log(y) - d + stirlingSeries(y) - stirlingSeries(x);
}

/** Σ B_2k / (2k (2k − 1) x^(2k − 1)), the correction of the Stirling series for log Γ (x ≥ 10). */
function stirlingSeries(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + STIRLING[k]!;
  return series * inv;
}

/**
 * ψ(x) = d/dx log Γ(x), the digamma function (for the gradients of the likelihoods). x is shifted up
 * to 10 or more with ψ(x) = ψ(x + 1) − 1/x, then the asymptotic series
 * log x − 1/(2x) − Σ B_2k / (2k x^2k) with 5 terms is used (truncation error below 1e-13 there).
 * Negative non-integers use the reflection ψ(1 − x) − ψ(x) = π cot(πx); the poles give NaN.
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || (x <= 0 && Number.isInteger(x))) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** log(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log Σ e^v without overflow; −Infinity for an empty list. */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** Options for the hypergeometric series. */
export interface Hyp2f1Options {
  /** Relative accuracy at which the series is stopped. */
  tolerance?: number;
  /** Upper bound on terms; beyond it a RangeError is thrown rather than a silently wrong value. */
  maxTerms?: number;
}

/**
 * log 2F1(a, b; c; z) for 0 ≤ z < 1, when the function value is positive (which it is for the
 * arguments the BG/NBD formulas produce).
 *
 * When c − a − b < 0 the plain series has terms that grow like (1 − z)^(c − a − b) before they shrink
 * (for a customer with x repeat purchases that is (1 − z)^−x, which overflows for large x), so Euler's
 * transformation 2F1(a, b; c; z) = (1 − z)^(c − a − b) 2F1(c − a, c − b; c; z) is applied first and its
 * power is added in log space. The remaining series is summed with a running rescale, so even then no
 * intermediate can overflow.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1: z must be in [0, 1), got ${z}`);
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`logHyp2f1: c must not be zero or a negative integer, got ${c}`);
  }
  if (z === 0) return 0;
  const excess = c - a - b;
  if (excess < 0) return excess * Math.log1p(-z) + logHyp2f1Series(c - a, c - b, c, z, options);
  return logHyp2f1Series(a, b, c, z, options);
}

/**
 * logHyp2f1(a, b, c, z) for several z at once, bit for bit the same values: the series' coefficient
 * ratios, which depend on a, b, c and n but not on z, are computed once per n for all of them (the
 * CLV needs the same a, b, c at twelve monthly horizons). Throws as logHyp2f1 does.
 */
export function logHyp2f1Many(a: number, b: number, c: number, zs: readonly number[], options: Hyp2f1Options = {}): number[] {
  for (const z of zs) if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1: z must be in [0, 1), got ${z}`);
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`logHyp2f1: c must not be zero or a negative integer, got ${c}`);
  }
  const excess = c - a - b;
  const out = new Array<number>(zs.length);
  if (excess < 0) {
    logHyp2f1SeriesMany(c - a, c - b, c, zs, out, options);
    for (let j = 0; j < zs.length; j++) if (zs[j] !== 0) out[j] = excess * Math.log1p(-zs[j]!) + out[j]!;
  } else logHyp2f1SeriesMany(a, b, c, zs, out, options);
  return out;
}

const newScratch = (size: number) => ({
  term: new Float64Array(size),
  sum: new Float64Array(size),
  logScale: new Float64Array(size),
  active: new Int32Array(size),
});
let scratch = newScratch(16);

/**
 * logHyp2f1Series for every non-zero z (0 for z = 0) into `out`, sharing the coefficient ratios;
 * the arithmetic per z is exactly the single version's.
 */
function logHyp2f1SeriesMany(a: number, b: number, c: number, zs: readonly number[], out: number[], options: Hyp2f1Options): void {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  const size = zs.length;
  if (scratch.term.length < size) scratch = newScratch(size);
  // Scratch space shared by every call (the function never re-enters): a CLV report makes this call
  // once per customer, and allocating its arrays each time cost as much as the sums.
  const { term, sum, logScale, active } = scratch;
  term.fill(1, 0, size);
  sum.fill(1, 0, size);
  logScale.fill(0, 0, size);
  // The z still being summed, compacted in place as they finish.
  let count = 0;
  for (let j = 0; j < size; j++) {
    if (zs[j] === 0) out[j] = 0;
    else active[count++] = j;
  }
  for (let n = 0; n < maxTerms && count > 0; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1));
    const ratioNext = ((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2));
    const pastSignChanges = n + 1 > -a && n + 1 > -b;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const j = active[i]!;
      const z = zs[j]!;
      term[j] *= ratio * z;
      sum[j] += term[j]!;
      if (term[j] === 0) {
        out[j] = finishSeries(sum[j]!, logScale[j]!, a, b, c, z);
        continue;
      }
      if (Math.abs(sum[j]!) > 1e250) {
        const scale = Math.abs(sum[j]!);
        logScale[j] += Math.log(scale);
        sum[j] /= scale;
        term[j] /= scale;
      }
      const bound = Math.max(Math.abs(ratioNext * z), z);
      if (bound < 1 && pastSignChanges && (Math.abs(term[j]!) * bound) / (1 - bound) <= tolerance * Math.abs(sum[j]!)) {
        out[j] = finishSeries(sum[j]!, logScale[j]!, a, b, c, z);
        continue;
      }
      active[kept++] = j;
    }
    count = kept;
  }
  if (count > 0) throw new RangeError(`logHyp2f1: series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${zs[active[0]!]})`);
}

/** The hypergeometric series Σ (a)_n (b)_n / ((c)_n n!) z^n, returned as its logarithm. */
function logHyp2f1Series(a: number, b: number, c: number, z: number, options: Hyp2f1Options): number {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  let term = 1;
  let sum = 1;
  let logScale = 0; // the true sum is sum · e^logScale
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (term === 0) return finishSeries(sum, logScale, a, b, c, z);
    if (Math.abs(sum) > 1e250) {
      const scale = Math.abs(sum);
      logScale += Math.log(scale);
      sum /= scale;
      term /= scale;
    }
    // Once the ratio of successive terms is below 1 and no longer rising past z, the tail is bounded
    // by a geometric series with ratio max(next ratio, z).
    const next = Math.abs((((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z);
    const ratio = Math.max(next, z);
    if (ratio < 1 && n + 1 > -a && n + 1 > -b) {
      const tail = (Math.abs(term) * ratio) / (1 - ratio);
      if (tail <= tolerance * Math.abs(sum)) return finishSeries(sum, logScale, a, b, c, z);
    }
  }
  throw new RangeError(`logHyp2f1: series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}

function finishSeries(sum: number, logScale: number, a: number, b: number, c: number, z: number): number {
  if (!(sum > 0)) throw new RangeError(`logHyp2f1: value is not positive (a=${a}, b=${b}, c=${c}, z=${z})`);
  return Math.log(sum) + logScale;
}

// RFM analysis: score customers 1–5 on recency, frequency and monetary value by quintile, name their
// segment by the rules of the `rfm` R package, and summarise the segments.

export interface RfmCustomer {
  id: string | number;
  /** Days since the last purchase, as of the report date. */
  recencyDays: number;
  /** Number of purchases. */
  frequency: number;
  /** Spend (total, or mean per purchase — the caller's choice; summaries add it up as given). */
  monetary: number;
}

/** Segment names, in the order their rules are tried; "Others" is what matches no rule. */
export const RFM_SEGMENTS = [
  "Champions",
  "Potential Loyalist",
  "Loyal Customers",
  "Promising",
  "New Customers",
  "Can't Lose Them",
  "At Risk",
  "Need Attention",
  "About To Sleep",
  "Lost",
  "Others",
] as const;

export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmScoredCustomer extends RfmCustomer {
  /** Scores 1–5, 5 best: most recent, most frequent, highest spend. */
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

type Range = readonly [number, number];

// [segment, R range, F range, M range]; the first rule that matches wins (`rfm` R package).
const SEGMENT_RULES: readonly (readonly [RfmSegment, Range, Range, Range])[] = [
  ["Champions", [5, 5], [5, 5], [5, 5]],
  ["Potential Loyalist", [3, 5], [3, 5], [2, 5]],
  ["Loyal Customers", [2, 4], [2, 4], [2, 4]],
  ["Promising", [3, 4], [1, 3], [3, 5]],
  ["New Customers", [4, 5], [1, 3], [1, 5]],
  ["Can't Lose Them", [1, 2], [3, 4], [4, 5]],
  ["At Risk", [1, 2], [2, 5], [4, 5]],
  ["Need Attention", [1, 3], [3, 5], [3, 5]],
  ["About To Sleep", [2, 3], [1, 3], [1, 4]],
  ["Lost", [1, 1], [1, 5], [1, 5]],
];

const within = (v: number, [low, high]: Range): boolean => v >= low && v <= high;

/** The segment for scores (r, f, m): the first matching rule of the table, else "Others". */
export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  for (const [segment, rr, fr, mr] of SEGMENT_RULES) if (within(r, rr) && within(f, fr) && within(m, mr)) return segment;
  return "Others";
}

/**
 * Quintile scores 1–5 for one measure, in input order — by value breaks, exactly as the `rfm` R
 * package (rfm_table_customer / rfm_table_order) computes them, so equal values always get equal
 * scores and the result does not depend on input order or on ids.
 *
 * Exact rule: the breaks b₁…b₄ are the 20th, 40th, 60th and 80th percentiles of the values (R's
 * default `quantile`, type 7: sorted x₀…xₙ₋₁, h = (n − 1)·p, b = x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋)).
 * A value v passes break k when v ≥ bₖ + 1 (the package's bins are [bₖ₋₁ + 1, bₖ + 1): for whole
 * days and counts, "more than the break"). With c the number of breaks passed, the score is 1 + c
 * when higher is better (frequency, spend) and 5 − c when lower is better (recency). When many
 * customers share a value, breaks coincide and some scores stay empty: on CDNOW every one-time buyer
 * gets F = 1 however many there are.
 */
export function quintileScores(values: readonly number[], better: "higher" | "lower"): number[] {
  const breaks = quintileBreaks(values);
  return values.map((v) => {
    let passed = 0;
    for (const b of breaks) if (v >= b + 1) passed++;
    return better === "higher" ? 1 + passed : 5 - passed;
  });
}

/** The 20th, 40th, 60th and 80th percentiles by R's type 7 (empty for no values). */
export function quintileBreaks(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return [];
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`RFM: values must be finite numbers, got ${v}`);
    sorted[i] = v;
  }
  sorted.sort();
  // Probabilities as R's seq(0, 1, length.out = 6) makes them (0.2 · 3 is 0.6000000000000001 there too).
  return [1, 2, 3, 4].map((k) => {
    const h = (n - 1) * (k * 0.2);
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    const fraction = h - lo;
    return fraction > 0 && sorted[hi] !== sorted[lo] ? (1 - fraction) * sorted[lo]! + fraction * sorted[hi]! : sorted[lo]!;
  });
}

/** Scores and segment of every customer, in input order (only the RFM fields are carried over).
 * Ids must be unique. */
export function rfmScores(customers: readonly RfmCustomer[]): RfmScoredCustomer[] {
  checkCustomers(customers);
  const r = quintileScores(
    customers.map((c) => c.recencyDays),
    "lower",
  );
  const f = quintileScores(
    customers.map((c) => c.frequency),
    "higher",
  );
  const m = quintileScores(
    customers.map((c) => c.monetary),
    "higher",
  );
  // Fields copied one by one rather than spread: spreading 100,000 objects is several times slower.
  return customers.map((c, i) => ({
    id: c.id,
    recencyDays: c.recencyDays,
    frequency: c.frequency,
    monetary: c.monetary,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    segment: rfmSegment(r[i]!, f[i]!, m[i]!),
  }));
}

export interface RfmSegmentSummary {
  segment: RfmSegment;
  customers: number;
  /** Fraction (0–1) of all customers. */
  share: number;
  /** Sum of `monetary` over the segment. */
  revenue: number;
  meanRecencyDays: number;
  meanFrequency: number;
  meanMonetary: number;
}

/** One row per non-empty segment, in RFM_SEGMENTS order. */
export function rfmSummary(scored: readonly RfmScoredCustomer[]): RfmSegmentSummary[] {
  const totals = new Map<RfmSegment, { customers: number; recency: number; frequency: number; monetary: number }>();
  for (const c of scored) {
    const t = totals.get(c.segment) ?? { customers: 0, recency: 0, frequency: 0, monetary: 0 };
    t.customers += 1;
    t.recency += c.recencyDays;
    t.frequency += c.frequency;
    t.monetary += c.monetary;
    totals.set(c.segment, t);
  }
  return RFM_SEGMENTS.filter((segment) => totals.has(segment)).map((segment) => {
    const t = totals.get(segment)!;
    return {
      segment,
      customers: t.customers,
      share: t.customers / scored.length,
      revenue: t.monetary,
      meanRecencyDays: t.recency / t.customers,
      meanFrequency: t.frequency / t.customers,
      meanMonetary: t.monetary / t.customers,
    };
  });
}

function checkCustomers(customers: readonly RfmCustomer[]): void {
  const seen = new Set<string | number>();
  for (const c of customers) {
    if (seen.has(c.id)) throw new RangeError(`RFM: customer id ${String(c.id)} appears twice`);
    seen.add(c.id);
    if (!(Number.isFinite(c.recencyDays) && c.recencyDays >= 0)) {
      throw new RangeError(`RFM: recencyDays of customer ${String(c.id)} must be a non-negative number, got ${c.recencyDays}`);
    }
    if (!(Number.isFinite(c.frequency) && c.frequency >= 0)) {
      throw new RangeError(`RFM: frequency of customer ${String(c.id)} must be a non-negative number, got ${c.frequency}`);
    }
    if (!Number.isFinite(c.monetary)) throw new RangeError(`RFM: monetary of customer ${String(c.id)} must be a finite number, got ${c.monetary}`);
  }
}

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
 * Quintile scores 1–5 for one measure, in input order.
 *
 * Exact rule: customers are ordered from worst to best value (`better` says which direction is
 * best); customers with equal values are ordered by id ascending (numbers numerically and before
 * strings, strings by UTF-16 code units), so ties are broken stably and the result does not depend
 * on input order. With rank = position 0..n−1 in that order, score = floor(rank · 5 / n) + 1.
 * Every score thus covers n/5 customers (±1) even when many values are equal, and two customers with
 * the same value can land in neighbouring quintiles when their tie straddles a boundary.
 */
export function quintileScores(customers: readonly { id: string | number }[], values: readonly number[], better: "higher" | "lower"): number[] {
  return scoresByRank(values, idRanks(customers), better);
}

/** Position of each customer in id order, so that tie-breaks compare two integers. */
function idRanks(customers: readonly { id: string | number }[]): Int32Array {
  const order = Array.from({ length: customers.length }, (_, i) => i);
  order.sort((i, j) => compareIds(customers[i]!.id, customers[j]!.id));
  const ranks = new Int32Array(customers.length);
  order.forEach((index, rank) => {
    ranks[index] = rank;
  });
  return ranks;
}

/**
 * Scores for one measure given each customer's position in id order. Sorting 100,000 indices with a
 * comparator function is slow, so the order is found with native numeric sorts of typed arrays:
 * each value is replaced by its rank among the sorted values (equal values share one), and
 * valueRank · n + idRank, unique and exact below 2^53, sorts exactly as (value, id) do.
 */
function scoresByRank(values: readonly number[], idRank: Int32Array, better: "higher" | "lower"): number[] {
  const n = values.length;
  // "+ 0" turns −0 into 0, which typed-array sort would otherwise put before 0.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`RFM: values must be finite numbers, got ${v}`);
    keys[i] = (better === "higher" ? v : -v) + 0;
  }
  const sortedKeys = keys.slice().sort();
  const indexByIdRank = new Int32Array(n);
  const composite = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    indexByIdRank[idRank[i]!] = i;
    composite[i] = firstAtLeast(sortedKeys, keys[i]!) * n + idRank[i]!;
  }
  composite.sort();
  const scores = new Array<number>(n);
  for (let rank = 0; rank < n; rank++) scores[indexByIdRank[composite[rank]! % n]!] = Math.floor((rank * 5) / n) + 1;
  return scores;
}

/** Index of the first element ≥ value in an ascending array. */
function firstAtLeast(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Scores and segment of every customer, in input order (only the RFM fields are carried over).
 * Ids must be unique. */
export function rfmScores(customers: readonly RfmCustomer[]): RfmScoredCustomer[] {
  checkCustomers(customers);
  const ids = idRanks(customers);
  const r = scoresByRank(
    customers.map((c) => c.recencyDays),
    ids,
    "lower",
  );
  const f = scoresByRank(
    customers.map((c) => c.frequency),
    ids,
    "higher",
  );
  const m = scoresByRank(
    customers.map((c) => c.monetary),
    ids,
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

function compareIds(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
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

// k-means segmentation of customers on their recency, frequency and monetary value: standardised
// log features, k-means++ seeding from a fixed-seed PRNG (so the same data always gives the same
// segments), Lloyd iterations, and k chosen by the silhouette score when the user does not give one.

import type { RfmCustomer } from "./rfm.js";

/** mulberry32: a small, fast 32-bit PRNG; deterministic for a given seed. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_SEED = 20050101;

/** Points stored row by row in one array: point i, coordinate j is at i·dim + j. */
export interface PointSet {
  data: Float64Array;
  dim: number;
  count: number;
}

export function toPointSet(points: readonly (readonly number[])[]): PointSet {
  const dim = points[0]?.length ?? 0;
  const data = new Float64Array(points.length * dim);
  points.forEach((p, i) => {
    if (p.length !== dim) throw new RangeError(`k-means: point ${i} has ${p.length} coordinates, expected ${dim}`);
    for (let j = 0; j < dim; j++) {
      if (!Number.isFinite(p[j])) throw new RangeError(`k-means: point ${i} has a non-finite coordinate`);
      data[i * dim + j] = p[j];
    }
  });
  return { data, dim, count: points.length };
}

export interface KMeansOptions {
  seed?: number;
  /** Lloyd iterations per run; default 300. */
  maxIterations?: number;
  /** Independent k-means++ starts; the one with the lowest inertia is kept. Default 10, as scikit-learn's
   * KMeans (n_init) before version 1.4: fewer starts land in worse optima on real customer data. */
  runs?: number;
}

export interface KMeansResult {
  /** Centroids, one per non-empty cluster (fewer than k when the data has fewer distinct points). */
  centroids: number[][];
  /** Cluster of each point, in input order. */
  labels: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
  iterations: number;
}

/** k-means (Lloyd) with k-means++ seeding; deterministic for a given seed. */
export function kmeans(points: PointSet, k: number, options: KMeansOptions = {}): KMeansResult {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k-means: k must be a positive integer, got ${k}`);
  if (points.count === 0) return { centroids: [], labels: new Int32Array(0), inertia: 0, iterations: 0 };
  const random = mulberry32(options.seed ?? DEFAULT_SEED);
  const runs = options.runs ?? 10;
  let best: KMeansResult | undefined;
  for (let run = 0; run < runs; run++) {
    const result = lloyd(points, seedCentroids(points, Math.min(k, points.count), random), options.maxIterations ?? 300);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** Above this many points the starts are compared on a fixed sample of this size. */
const STARTS_SAMPLE = 10_000;

/**
 * kmeans() for any number of points within a report's time budget: up to STARTS_SAMPLE points it is
 * kmeans() itself (CDNOW's 2,357 customers included); above, the starts run on a fixed sample of
 * STARTS_SAMPLE points, and Lloyd iterations on all points then refine the best start's centroids —
 * ten full runs on 100,000 customers would take seconds.
 */
function kmeansOfMany(points: PointSet, k: number, options: KMeansOptions): KMeansResult {
  if (points.count <= STARTS_SAMPLE) return kmeans(points, k, options);
  const sample = subset(points, deterministicSample(points.count, STARTS_SAMPLE, options.seed ?? DEFAULT_SEED));
  const best = kmeans(sample, k, options);
  return lloyd(
    points,
    best.centroids.map((c) => Float64Array.from(c)),
    options.maxIterations ?? 300,
  );
}

/** k-means++: each next centre is a point drawn with probability proportional to D², its squared
 * distance to the nearest centre so far. Stops early if every point already coincides with a centre. */
function seedCentroids(points: PointSet, k: number, random: () => number): Float64Array[] {
  const { data, dim, count } = points;
  const first = Math.min(Math.floor(random() * count), count - 1);
  const centroids = [data.slice(first * dim, first * dim + dim)];
  const nearest = new Float64Array(count).fill(Infinity);
  while (centroids.length < k) {
    const latest = centroids[centroids.length - 1];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const d = squaredDistance(data, i * dim, latest, dim);
      if (d < nearest[i]) nearest[i] = d;
      total += nearest[i];
    }
    if (total === 0) break;
    let target = random() * total;
    let chosen = count - 1;
    for (let i = 0; i < count; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
    centroids.push(data.slice(chosen * dim, chosen * dim + dim));
  }
  return centroids;
}

function lloyd(points: PointSet, initial: Float64Array[], maxIterations: number): KMeansResult {
  const { dim, count } = points;
  const k = initial.length;
  // Centroids in one flat array (centroid c, coordinate j at c·dim + j): the assignment loop below is
  // the hot spot of every report that clusters, so it avoids allocation and indirection.
  const centroids = new Float64Array(k * dim);
  initial.forEach((c, index) => centroids.set(c, index * dim));
  const previous = new Float64Array(k * dim);
  const labels = new Int32Array(count).fill(-1);
  const distances = new Float64Array(count);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const changed = assignPoints(points, centroids, k, labels, distances);
    if (changed === 0) break;
    previous.set(centroids);
    updateCentroids(points, labels, centroids, k, distances);
    if (squaredShift(previous, centroids) <= CONVERGENCE_SHIFT) {
      assignPoints(points, centroids, k, labels, distances);
      break;
    }
  }
  return compactClusters(labels, distances, centroids, k, dim, iterations);
}

/** Lloyd stops once the centroids move less than this in total (squared, in standardised units, as
 * scikit-learn's default tol = 1e-4 × feature variance): on diffuse customer data the last hundreds of
 * iterations would only reshuffle a handful of boundary points. */
const CONVERGENCE_SHIFT = 1e-4;

function squaredShift(previous: Float64Array, current: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < current.length; i++) sum += (current[i] - previous[i]) ** 2;
  return sum;
}

/** Sets every point's label to its nearest centroid (lowest index on ties); returns how many changed. */
function assignPoints(points: PointSet, centroids: Float64Array, k: number, labels: Int32Array, distances: Float64Array): number {
  const { data, dim, count } = points;
  let changed = 0;
  for (let i = 0; i < count; i++) {
    const offset = i * dim;
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = data[offset + j] - centroids[c * dim + j];
        d2 += d * d;
      }
      if (d2 < bestDistance) {
        bestDistance = d2;
        best = c;
      }
    }
    distances[i] = bestDistance;
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
  }
  return changed;
}

/** Centroids become the means of their points; an empty cluster takes over the point farthest from
 * its centroid, which is the usual deterministic repair. */
function updateCentroids(points: PointSet, labels: Int32Array, centroids: Float64Array, k: number, distances: Float64Array): void {
  const { data, dim, count } = points;
  const sizes = new Float64Array(k);
  centroids.fill(0);
  for (let i = 0; i < count; i++) {
    const c = labels[i];
    sizes[c]++;
    for (let j = 0; j < dim; j++) centroids[c * dim + j] += data[i * dim + j];
  }
  for (let c = 0; c < k; c++) {
    if (sizes[c] > 0) {
      for (let j = 0; j < dim; j++) centroids[c * dim + j] /= sizes[c];
      continue;
    }
    let farthest = 0;
    for (let i = 1; i < count; i++) if (distances[i] > distances[farthest]) farthest = i;
    centroids.set(data.subarray(farthest * dim, farthest * dim + dim), c * dim);
    distances[farthest] = 0;
  }
}

/** Drops clusters left empty (only possible when there are fewer distinct points than k) and
 * renumbers the rest. */
function compactClusters(labels: Int32Array, distances: Float64Array, centroids: Float64Array, k: number, dim: number, iterations: number): KMeansResult {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  const renumber = new Int32Array(k).fill(-1);
  const kept: number[][] = [];
  for (let c = 0; c < k; c++) {
    if (sizes[c] > 0) {
      renumber[c] = kept.length;
      kept.push(Array.from(centroids.subarray(c * dim, c * dim + dim)));
    }
  }
  let inertia = 0;
  for (let i = 0; i < labels.length; i++) {
    labels[i] = renumber[labels[i]];
    inertia += distances[i];
  }
  return { centroids: kept, labels, inertia, iterations };
}

function squaredDistance(data: Float64Array, offset: number, centroid: Float64Array, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const d = data[offset + j] - centroid[j];
    sum += d * d;
  }
  return sum;
}

/**
 * Mean silhouette over the points listed in `sample` (default all), with distances measured among
 * the sampled points only: s(i) = (b − a)/max(a, b), a the mean distance to the other points of its
 * cluster, b the smallest mean distance to another cluster; s(i) = 0 for a point alone in its cluster.
 * NaN when the sample covers fewer than two clusters. Cost O(sample² · dim).
 */
export function silhouetteScore(points: PointSet, labels: Int32Array, sample?: readonly number[]): number {
  const subsetPoints = sample ? subset(points, sample) : points;
  const subsetLabels = sample ? Int32Array.from(sample, (i) => labels[i]) : labels;
  const { data, dim, count } = subsetPoints;
  let clusters = 0;
  for (let i = 0; i < count; i++) clusters = Math.max(clusters, subsetLabels[i] + 1);
  const sizes = new Float64Array(clusters);
  for (let i = 0; i < count; i++) sizes[subsetLabels[i]]++;
  if (sizes.filter((size) => size > 0).length < 2) return NaN;

  // sums[i·clusters + c] = total distance from point i to the points of cluster c; each pair's
  // distance is computed once and added for both points.
  const sums = new Float64Array(count * clusters);
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let d2 = 0;
      for (let t = 0; t < dim; t++) {
        const d = data[i * dim + t] - data[j * dim + t];
        d2 += d * d;
      }
      const distance = Math.sqrt(d2);
      sums[i * clusters + subsetLabels[j]] += distance;
      sums[j * clusters + subsetLabels[i]] += distance;
    }
  }
  let total = 0;
  for (let i = 0; i < count; i++) {
    const own = subsetLabels[i];
    if (sizes[own] <= 1) continue; // s(i) = 0
    const a = sums[i * clusters + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < clusters; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[i * clusters + c] / sizes[c]);
    const scale = Math.max(a, b);
    total += scale === 0 ? 0 : (b - a) / scale;
  }
  return total / count;
}

/** At most `size` point indices, drawn with a fixed-seed shuffle and returned in increasing order. */
export function deterministicSample(count: number, size: number, seed: number = DEFAULT_SEED): number[] {
  const indices = Array.from({ length: count }, (_, i) => i);
  if (count <= size) return indices;
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (count - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, size).sort((p, q) => p - q);
}

export interface ChooseKOptions extends KMeansOptions {
  minK?: number;
  maxK?: number;
  /** Largest number of points the silhouette is computed on; default 2,000. */
  sampleSize?: number;
}

export interface ChooseKResult {
  k: number;
  /** Silhouette of each k tried, in order of k. */
  scores: { k: number; silhouette: number }[];
}

/**
 * The k in minK..maxK (default 2..8) with the highest silhouette; ties go to the smaller k.
 * The silhouette is quadratic in the number of points, so with more than sampleSize points (default
 * 2,000) both k-means and the silhouette run on a fixed sample of that size, the same for every k;
 * the caller then fits the chosen k on all points. This keeps choosing k well under a second at
 * 100,000 customers.
 */
export function chooseK(points: PointSet, options: ChooseKOptions = {}): ChooseKResult {
  const minK = options.minK ?? 2;
  const maxK = Math.min(options.maxK ?? 8, points.count - 1);
  if (maxK < minK) return { k: Math.min(points.count, 1), scores: [] };
  const sample = subset(points, deterministicSample(points.count, options.sampleSize ?? 2000, options.seed ?? DEFAULT_SEED));
  const scores: { k: number; silhouette: number }[] = [];
  let best = { k: 1, silhouette: -Infinity };
  for (let k = minK; k <= maxK; k++) {
    const { labels } = kmeans(sample, k, options);
    const silhouette = silhouetteScore(sample, labels);
    scores.push({ k, silhouette });
    if (silhouette > best.silhouette) best = { k, silhouette };
  }
  return { k: best.k, scores };
}

function subset(points: PointSet, indices: readonly number[]): PointSet {
  if (indices.length === points.count) return points;
  const { data, dim } = points;
  const out = new Float64Array(indices.length * dim);
  indices.forEach((index, i) => out.set(data.subarray(index * dim, index * dim + dim), i * dim));
  return { data: out, dim, count: indices.length };
}

export interface RfmValues {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface RfmCluster {
  cluster: number;
  customers: number;
  /** Fraction (0–1) of all customers. */
  share: number;
  /** The centroid back in user terms: expm1 of the unstandardised log centroid (a geometric-style
   * "typical" customer of the cluster). */
  centroid: RfmValues;
  /** Arithmetic means of the cluster's customers. */
  mean: RfmValues;
}

export interface RfmClustering {
  k: number;
  /** Mean silhouette of the final clustering (on the sample); null when undefined (k < 2). */
  silhouette: number | null;
  /** Silhouette per k tried, when k was chosen automatically. */
  scores: { k: number; silhouette: number }[];
  /** Sum of squared distances of the customers to their centroids, in the standardised features. */
  inertia: number;
  /** Ordered by centroid monetary value, highest first (then by recency, most recent first). */
  clusters: RfmCluster[];
  /** Cluster number of each customer, in input order. */
  assignment: number[];
}

export interface RfmClusteringOptions extends ChooseKOptions {
  /** Number of clusters; chosen by silhouette when absent. */
  k?: number;
}

/** The features clustered: standardised log(1 + R), log(1 + F), log(1 + M), and how to undo it. */
export function rfmFeatures(customers: readonly RfmValues[]): { points: PointSet; mean: number[]; sd: number[] } {
  const dim = 3;
  const data = new Float64Array(customers.length * dim);
  customers.forEach((c, i) => {
    const values = [c.recencyDays, c.frequency, c.monetary];
    values.forEach((v, j) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`k-means: recency, frequency and monetary must be non-negative, got ${v} (customer ${i})`);
      data[i * dim + j] = Math.log1p(v);
    });
  });
  const mean = [0, 0, 0];
  const sd = [0, 0, 0];
  const n = customers.length;
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) mean[j] += data[i * dim + j] / n;
    for (let i = 0; i < n; i++) sd[j] += (data[i * dim + j] - mean[j]) ** 2 / n;
    // A feature with no spread carries no information; dividing by 1 keeps it at 0 instead of NaN.
    sd[j] = Math.sqrt(sd[j]) || 1;
    for (let i = 0; i < n; i++) data[i * dim + j] = (data[i * dim + j] - mean[j]) / sd[j];
  }
  return { points: { data, dim, count: n }, mean, sd };
}

/** Segment customers by k-means on their RFM values; deterministic for a given seed. */
export function kmeansSegments(input: readonly RfmCustomer[], options: RfmClusteringOptions = {}): RfmClustering {
  // Clustered in the order of their values, not the order given (the order contacts were imported
  // in): the seeding draws points by position, so this makes the clusters depend on the data alone.
  // Customers with equal values are interchangeable, so no further tie-break is needed.
  const order = input.map((_, i) => i).sort((p, q) => compareValues(input[p]!, input[q]!));
  const customers = order.map((i) => input[i]!);
  const { points, mean, sd } = rfmFeatures(customers);
  if (points.count === 0) return { k: 0, silhouette: null, scores: [], inertia: 0, clusters: [], assignment: [] };
  let scores: { k: number; silhouette: number }[] = [];
  let k = options.k;
  if (k === undefined) ({ k, scores } = chooseK(points, options));
  const result = kmeansOfMany(points, k, options);
  const sample = deterministicSample(points.count, options.sampleSize ?? 2000, options.seed ?? DEFAULT_SEED);
  const silhouette = result.centroids.length >= 2 ? silhouetteScore(points, result.labels, sample) : NaN;

  const described = result.centroids.map((centroid, cluster) => describeCluster(customers, result.labels, cluster, centroid, mean, sd));
  described.sort((p, q) => q.centroid.monetary - p.centroid.monetary || p.centroid.recencyDays - q.centroid.recencyDays);
  const renumber = new Map(described.map((c, index) => [c.cluster, index]));
  return {
    k: described.length,
    silhouette: Number.isNaN(silhouette) ? null : silhouette,
    scores,
    inertia: result.inertia,
    clusters: described.map((c, index) => ({ ...c, cluster: index })),
    assignment: unsort(
      order,
      Array.from(result.labels, (label) => renumber.get(label)!),
    ),
  };
}

function compareValues(p: RfmValues, q: RfmValues): number {
  return p.recencyDays - q.recencyDays || p.frequency - q.frequency || p.monetary - q.monetary;
}

/** Values given in `order` back in input order. */
function unsort<T>(order: readonly number[], values: readonly T[]): T[] {
  const out = new Array<T>(values.length);
  order.forEach((index, position) => (out[index] = values[position]!));
  return out;
}

function describeCluster(customers: readonly RfmValues[], labels: Int32Array, cluster: number, centroid: number[], mean: number[], sd: number[]): RfmCluster {
  const back = centroid.map((z, j) => Math.expm1(z * sd[j] + mean[j]));
  const sums = { recencyDays: 0, frequency: 0, monetary: 0 };
  let size = 0;
  customers.forEach((c, i) => {
    if (labels[i] !== cluster) return;
    size++;
    sums.recencyDays += c.recencyDays;
    sums.frequency += c.frequency;
    sums.monetary += c.monetary;
  });
  return {
    cluster,
    customers: size,
    share: size / customers.length,
    centroid: { recencyDays: back[0], frequency: back[1], monetary: back[2] },
    mean: { recencyDays: sums.recencyDays / size, frequency: sums.frequency / size, monetary: sums.monetary / size },
  };
}

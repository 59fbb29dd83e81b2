import { describe, expect, it } from "vitest";
import { chooseK, deterministicSample, kmeans, kmeansSegments, mulberry32, rfmFeatures, silhouetteScore, toPointSet } from "../../../src/analytics/kmeans.js";
import type { RfmCustomer } from "../../../src/analytics/rfm.js";

/** Three well-separated groups of customers: recent big spenders, occasional mid, lapsed small. */
function toyCustomers(): RfmCustomer[] {
  const random = mulberry32(7);
  const jitter = (v: number) => v * (0.85 + 0.3 * random());
  const out: RfmCustomer[] = [];
  for (let i = 0; i < 40; i++) out.push({ id: `vip${i}`, recencyDays: jitter(5), frequency: Math.round(jitter(30)), monetary: jitter(5000) });
  for (let i = 0; i < 60; i++) out.push({ id: `mid${i}`, recencyDays: jitter(60), frequency: Math.round(jitter(5)), monetary: jitter(400) });
  for (let i = 0; i < 100; i++) out.push({ id: `old${i}`, recencyDays: jitter(600), frequency: 1, monetary: jitter(30) });
  return out;
}

describe("mulberry32", () => {
  it("is deterministic and in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const v = a();
      expect(v).toBe(b());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});

describe("k-means segmentation", () => {
  it("finds the three groups of a toy set and chooses k = 3 by silhouette", () => {
    const customers = toyCustomers();
    const result = kmeansSegments(customers);
    expect(result.k).toBe(3);
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(result.silhouette).toBeGreaterThan(0.7);
    // Each group in exactly one cluster; clusters ordered by monetary value, highest first.
    const clusterOf = (prefix: string) => new Set(customers.flatMap((c, i) => (String(c.id).startsWith(prefix) ? [result.assignment[i]] : [])));
    expect([...clusterOf("vip")]).toEqual([0]);
    expect([...clusterOf("mid")]).toEqual([1]);
    expect([...clusterOf("old")]).toEqual([2]);
    expect(result.clusters.map((c) => c.customers)).toEqual([40, 60, 100]);
    expect(result.clusters[2]!.share).toBe(0.5);
    // Centroids are reported in user terms.
    expect(result.clusters[0]!.centroid.monetary).toBeGreaterThan(4000);
    expect(result.clusters[0]!.centroid.monetary).toBeLessThan(6000);
    expect(result.clusters[2]!.centroid.recencyDays).toBeGreaterThan(500);
    expect(result.clusters[2]!.centroid.frequency).toBeCloseTo(1, 10);
    expect(result.clusters[1]!.mean.frequency).toBeGreaterThan(3);
  });

  it("gives identical output on two runs", () => {
    const customers = toyCustomers();
    expect(kmeansSegments(customers)).toEqual(kmeansSegments(customers));
    expect(kmeansSegments(customers, { k: 5 })).toEqual(kmeansSegments(customers, { k: 5 }));
  });

  it("does not depend on the order the customers come in, also above 10,000 customers (starts on a sample)", () => {
    const random = mulberry32(5);
    const customers: RfmCustomer[] = Array.from({ length: 12_000 }, (_, i) => ({
      id: i,
      recencyDays: Math.floor(random() * 700),
      frequency: 1 + Math.floor(-Math.log(1 - random()) * 3),
      monetary: Math.round(-Math.log(1 - random()) * 10_000) / 100,
    }));
    const clusterOf = (list: RfmCustomer[]) => {
      const { assignment } = kmeansSegments(list, { k: 3 });
      return new Map(list.map((c, i) => [c.id, assignment[i]]));
    };
    const inOrder = clusterOf(customers);
    const reversed = clusterOf([...customers].reverse());
    expect(customers.every((c) => reversed.get(c.id) === inOrder.get(c.id))).toBe(true);
  });

  it("honours a given k", () => {
    const result = kmeansSegments(toyCustomers(), { k: 2 });
    expect(result.k).toBe(2);
    expect(result.scores).toEqual([]);
    expect(result.clusters.reduce((s, c) => s + c.customers, 0)).toBe(200);
  });

  it("copes with tiny and degenerate input", () => {
    expect(kmeansSegments([])).toEqual({ k: 0, silhouette: null, scores: [], inertia: 0, clusters: [], assignment: [] });
    const one = kmeansSegments([{ id: 1, recencyDays: 3, frequency: 2, monetary: 50 }]);
    expect(one.k).toBe(1);
    expect(one.assignment).toEqual([0]);
    expect(one.clusters[0]!.centroid.monetary).toBeCloseTo(50, 10);
    // All customers identical: one cluster whatever k is asked for.
    const same = Array.from({ length: 5 }, (_, i) => ({ id: i, recencyDays: 10, frequency: 2, monetary: 20 }));
    const result = kmeansSegments(same, { k: 3 });
    expect(result.k).toBe(1);
    expect(result.assignment).toEqual([0, 0, 0, 0, 0]);
    expect(() => kmeansSegments([{ id: 1, recencyDays: 1, frequency: 1, monetary: -5 }])).toThrow(RangeError);
  });
});

describe("k-means building blocks", () => {
  it("standardises log(1 + x) features to mean 0 and sd 1", () => {
    const { points, mean } = rfmFeatures(toyCustomers());
    for (let j = 0; j < 3; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < points.count; i++) m += points.data[i * 3 + j]! / points.count;
      for (let i = 0; i < points.count; i++) v += (points.data[i * 3 + j]! - m) ** 2 / points.count;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
    expect(mean[1]).toBeGreaterThan(0);
  });

  it("clusters 1-d points and scores the silhouette as computed by hand", () => {
    const points = toPointSet([[0], [1], [10], [11]]);
    const result = kmeans(points, 2);
    expect(result.labels[0]).toBe(result.labels[1]);
    expect(result.labels[2]).toBe(result.labels[3]);
    expect(result.labels[0]).not.toBe(result.labels[2]);
    expect(result.inertia).toBeCloseTo(1, 12);
    // Point 0: a = 1, b = (10 + 11)/2 = 10.5 → s = 9.5/10.5; point 1: a = 1, b = 9.5 → 8.5/9.5; symmetric.
    const expected = (2 * (9.5 / 10.5) + 2 * (8.5 / 9.5)) / 4;
    expect(silhouetteScore(points, result.labels)).toBeCloseTo(expected, 12);
    expect(chooseK(points, { maxK: 3 }).k).toBe(2);
  });

  it("samples deterministically and without repeats", () => {
    const a = deterministicSample(10_000, 2000);
    expect(a).toEqual(deterministicSample(10_000, 2000));
    expect(new Set(a).size).toBe(2000);
    expect(a.every((v, i) => i === 0 || v > a[i - 1]!)).toBe(true);
    expect(deterministicSample(5, 2000)).toEqual([0, 1, 2, 3, 4]);
  });
});

import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../src/analytics/kmeans.js";
import { RFM_SEGMENTS, quintileScores, rfmScores, rfmSegment, rfmSummary, type RfmCustomer } from "../../../src/analytics/rfm.js";

// Ten customers, so each quintile holds two ranks: score = floor(rank / 2) + 1.
const CUSTOMERS: RfmCustomer[] = [
  { id: "c01", recencyDays: 1, frequency: 12, monetary: 900 },
  { id: "c02", recencyDays: 10, frequency: 6, monetary: 300 },
  { id: "c03", recencyDays: 30, frequency: 4, monetary: 250 },
  { id: "c04", recencyDays: 30, frequency: 1, monetary: 400 },
  { id: "c05", recencyDays: 1, frequency: 1, monetary: 20 },
  { id: "c06", recencyDays: 200, frequency: 6, monetary: 800 },
  { id: "c07", recencyDays: 90, frequency: 12, monetary: 500 },
  { id: "c08", recencyDays: 30, frequency: 1, monetary: 100 },
  { id: "c09", recencyDays: 365, frequency: 2, monetary: 100 },
  { id: "c10", recencyDays: 10, frequency: 4, monetary: 20 },
];

// Worked by hand.
// R, worst (oldest) first, ties by id: 365 c09, 200 c06 | 90 c07, 30 c03 | 30 c04, 30 c08 | 10 c02, 10 c10 | 1 c01, 1 c05
//   → c03 and c04 both have 30 days but the tie straddles a boundary: c03 gets 2, c04 gets 3.
// F, lowest first: 1 c04, 1 c05 | 1 c08, 2 c09 | 4 c03, 4 c10 | 6 c02, 6 c06 | 12 c01, 12 c07  (c08 gets 2)
// M, lowest first: 20 c05, 20 c10 | 100 c08, 100 c09 | 250 c03, 300 c02 | 400 c04, 500 c07 | 800 c06, 900 c01
const EXPECTED: Record<string, [number, number, number, string]> = {
  c01: [5, 5, 5, "Champions"],
  c02: [4, 4, 3, "Potential Loyalist"],
  c03: [2, 3, 3, "Loyal Customers"],
  c04: [3, 1, 4, "Promising"],
  c05: [5, 1, 1, "New Customers"],
  c06: [1, 4, 5, "Can't Lose Them"],
  c07: [2, 5, 4, "At Risk"],
  c08: [3, 2, 2, "Loyal Customers"],
  c09: [1, 2, 2, "Lost"],
  c10: [4, 3, 1, "New Customers"],
};

describe("RFM scores", () => {
  it("scores by quintile with ties broken by id, and names segments by the rules", () => {
    const scored = rfmScores(CUSTOMERS);
    expect(scored.map((c) => c.id)).toEqual(CUSTOMERS.map((c) => c.id));
    for (const c of scored) expect([c.r, c.f, c.m, c.segment]).toEqual(EXPECTED[c.id as string]);
  });

  it("does not depend on input order", () => {
    const reversed = rfmScores([...CUSTOMERS].reverse());
    for (const c of reversed) expect([c.r, c.f, c.m, c.segment]).toEqual(EXPECTED[c.id as string]);
  });

  it("uses score = floor(rank · 5 / n) + 1 for any n, numeric ids numerically", () => {
    const seven = Array.from({ length: 7 }, (_, i) => ({ id: 7 - i }));
    // All values equal: order is by id 1..7, ranks 0..6 → 1,1,2,3,3,4,5.
    const scores = quintileScores(seven, new Array(7).fill(5), "higher");
    const byId = new Map(seven.map((c, i) => [c.id, scores[i]]));
    expect([1, 2, 3, 4, 5, 6, 7].map((id) => byId.get(id))).toEqual([1, 1, 2, 3, 3, 4, 5]);
    expect(quintileScores([{ id: 10 }, { id: 9 }], [1, 1], "higher")).toEqual([3, 1]);
    expect(quintileScores([], [], "lower")).toEqual([]);
  });

  it("agrees with a plain sort by (value, id) on data full of ties", () => {
    const random = mulberry32(11);
    const customers = Array.from({ length: 1003 }, (_, i) => ({ id: i % 3 === 0 ? i * 7 : `id-${(i * 7919) % 1003}` }));
    const values = customers.map(() => Math.floor(random() * 12) - 3 + (random() < 0.05 ? -0 : 0));
    for (const better of ["higher", "lower"] as const) {
      const sign = better === "higher" ? 1 : -1;
      const byId = (a: string | number, b: string | number) =>
        typeof a === "number" && typeof b === "number" ? a - b : typeof a === "number" ? -1 : typeof b === "number" ? 1 : a < b ? -1 : a > b ? 1 : 0;
      const order = customers.map((_, i) => i).sort((i, j) => sign * (values[i]! - values[j]!) || byId(customers[i]!.id, customers[j]!.id));
      const expected = new Array<number>(customers.length);
      order.forEach((index, rank) => (expected[index] = Math.floor((rank * 5) / customers.length) + 1));
      expect(quintileScores(customers, values, better)).toEqual(expected);
    }
  });

  it("rejects duplicate ids and invalid values", () => {
    expect(() => rfmScores([CUSTOMERS[0]!, CUSTOMERS[0]!])).toThrow(/twice/);
    expect(() => rfmScores([{ id: 1, recencyDays: -1, frequency: 1, monetary: 1 }])).toThrow(RangeError);
    expect(() => rfmScores([{ id: 1, recencyDays: 1, frequency: NaN, monetary: 1 }])).toThrow(RangeError);
  });
});

describe("RFM segment rules", () => {
  it.each([
    [5, 5, 5, "Champions"],
    [3, 3, 2, "Potential Loyalist"],
    [5, 5, 4, "Potential Loyalist"],
    [2, 2, 2, "Loyal Customers"],
    [4, 1, 5, "Promising"],
    [4, 2, 1, "New Customers"],
    [2, 3, 4, "Loyal Customers"], // matches Loyal Customers before Can't Lose Them
    [2, 3, 5, "Can't Lose Them"],
    [1, 5, 5, "At Risk"],
    [1, 2, 4, "At Risk"],
    [1, 3, 3, "Need Attention"],
    [3, 5, 3, "Potential Loyalist"],
    [2, 5, 3, "Need Attention"],
    [3, 1, 2, "About To Sleep"],
    [2, 1, 1, "About To Sleep"],
    [1, 1, 1, "Lost"],
    [1, 5, 2, "Lost"],
    [2, 5, 2, "Others"],
    [2, 1, 5, "Others"],
  ] as const)("R%d F%d M%d → %s", (r, f, m, segment) => {
    expect(rfmSegment(r, f, m)).toBe(segment);
  });

  it("lists the segments in rule order, Others last", () => {
    expect(RFM_SEGMENTS[0]).toBe("Champions");
    expect(RFM_SEGMENTS).toHaveLength(11);
    expect(RFM_SEGMENTS[RFM_SEGMENTS.length - 1]).toBe("Others");
  });
});

describe("RFM summary", () => {
  it("aggregates per non-empty segment, in segment order", () => {
    const summary = rfmSummary(rfmScores(CUSTOMERS));
    expect(summary.map((s) => s.segment)).toEqual([
      "Champions",
      "Potential Loyalist",
      "Loyal Customers",
      "Promising",
      "New Customers",
      "Can't Lose Them",
      "At Risk",
      "Lost",
    ]);
    const loyal = summary.find((s) => s.segment === "Loyal Customers")!;
    // c03 (30 days, 4, 250) and c08 (30 days, 1, 100)
    expect(loyal).toEqual({
      segment: "Loyal Customers",
      customers: 2,
      share: 0.2,
      revenue: 350,
      meanRecencyDays: 30,
      meanFrequency: 2.5,
      meanMonetary: 175,
    });
    expect(summary.reduce((s, row) => s + row.customers, 0)).toBe(10);
    expect(summary.reduce((s, row) => s + row.revenue, 0)).toBe(3390);
  });
});

import { describe, expect, it } from "vitest";
import { RFM_SEGMENTS, quintileBreaks, quintileScores, rfmScores, rfmSegment, rfmSummary, type RfmCustomer } from "../../../src/analytics/rfm.js";

// Ten customers with ties in every measure.
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

// Worked by hand with the `rfm` package's rule: breaks at the 20/40/60/80th percentiles (R type 7,
// h = 9p over the 10 sorted values), a value passes a break b when it is ≥ b + 1.
// R sorted 1 1 10 10 30 30 30 90 200 365: breaks 8.2, 22, 30, 112 → pass at 9.2, 23, 31, 113;
//   score 5 − passed: 1 → 5, 10 → 4, 30 → 3, 90 → 2, 200 and 365 → 1.
// F sorted 1 1 1 2 4 4 6 6 12 12: breaks 1, 3.2, 4.8, 7.2 → pass at 2, 4.2, 5.8, 8.2;
//   score 1 + passed: 1 → 1, 2 and 4 → 2, 6 → 4, 12 → 5 (no customer gets 3).
// M sorted 20 20 100 100 250 300 400 500 800 900: breaks 84, 190, 340, 560 → pass at 85, 191, 341, 561;
//   20 → 1, 100 → 2, 250 and 300 → 3, 400 and 500 → 4, 800 and 900 → 5.
const EXPECTED: Record<string, [number, number, number, string]> = {
  c01: [5, 5, 5, "Champions"],
  c02: [4, 4, 3, "Potential Loyalist"],
  c03: [3, 2, 3, "Loyal Customers"],
  c04: [3, 1, 4, "Promising"],
  c05: [5, 1, 1, "New Customers"],
  c06: [1, 4, 5, "Can't Lose Them"],
  c07: [2, 5, 4, "At Risk"],
  c08: [3, 1, 2, "About To Sleep"],
  c09: [1, 2, 2, "Lost"],
  c10: [4, 2, 1, "New Customers"],
};

describe("RFM scores", () => {
  it("scores by value breaks and names segments by the rules", () => {
    const scored = rfmScores(CUSTOMERS);
    expect(scored.map((c) => c.id)).toEqual(CUSTOMERS.map((c) => c.id));
    for (const c of scored) expect([c.r, c.f, c.m, c.segment]).toEqual(EXPECTED[c.id as string]);
  });

  it("gives equal values equal scores (30 days: c03, c04, c08 all R3; one purchase: c04, c05, c08 all F1)", () => {
    const scored = new Map(rfmScores(CUSTOMERS).map((c) => [c.id, c]));
    expect(["c03", "c04", "c08"].map((id) => scored.get(id)!.r)).toEqual([3, 3, 3]);
    expect(["c04", "c05", "c08"].map((id) => scored.get(id)!.f)).toEqual([1, 1, 1]);
  });

  it("does not depend on input order or on ids", () => {
    const reversed = rfmScores([...CUSTOMERS].reverse());
    for (const c of reversed) expect([c.r, c.f, c.m, c.segment]).toEqual(EXPECTED[c.id as string]);
    const renamed = rfmScores(CUSTOMERS.map((c, i) => ({ ...c, id: 100 - i })));
    expect(renamed.map((c) => [c.r, c.f, c.m])).toEqual(CUSTOMERS.map((c) => EXPECTED[c.id as string]!.slice(0, 3)));
  });

  it("computes the breaks as R's quantile(type = 7)", () => {
    // quantile(c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), c(.2, .4, .6, .8)) is 2.8 4.6 6.4 8.2 in R.
    expect(quintileBreaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]).map((b) => +b.toFixed(10))).toEqual([2.8, 4.6, 6.4, 8.2]);
    expect(quintileBreaks([7])).toEqual([7, 7, 7, 7]);
    expect(quintileBreaks([])).toEqual([]);
  });

  it("puts everyone in the lowest frequency score when most customers bought once", () => {
    // 60 one-time buyers and 40 who bought 2..41 times: the 20th, 40th and 60th percentiles are all 1.
    const frequencies = [...new Array<number>(60).fill(1), ...Array.from({ length: 40 }, (_, i) => i + 2)];
    const scores = quintileScores(frequencies, "higher");
    expect(new Set(scores.slice(0, 60))).toEqual(new Set([1]));
    expect(scores.slice(60).every((s) => s >= 2)).toBe(true);
    // All values equal: nobody passes a break.
    expect(quintileScores(new Array(7).fill(5), "higher")).toEqual(new Array(7).fill(1));
    expect(quintileScores(new Array(7).fill(5), "lower")).toEqual(new Array(7).fill(5));
    expect(quintileScores([], "lower")).toEqual([]);
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
      "About To Sleep",
      "Lost",
    ]);
    const loyal = summary.find((s) => s.segment === "Loyal Customers")!;
    // c03 alone (30 days, 4 purchases, 250)
    expect(loyal).toEqual({
      segment: "Loyal Customers",
      customers: 1,
      share: 0.1,
      revenue: 250,
      meanRecencyDays: 30,
      meanFrequency: 4,
      meanMonetary: 250,
    });
    expect(summary.reduce((s, row) => s + row.customers, 0)).toBe(10);
    expect(summary.reduce((s, row) => s + row.revenue, 0)).toBe(3390);
  });
});

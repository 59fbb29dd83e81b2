import { describe, expect, it } from "vitest";
import { csat, csatByPeriod, nps, npsByPeriod, npsFromCounts } from "../../../src/analytics/nps.js";

const repeat = (value: number, times: number) => new Array<number>(times).fill(value);

describe("NPS (Reichheld)", () => {
  it("30 promoters, 50 passives, 20 detractors → NPS 10 ± 13.72", () => {
    const result = npsFromCounts(30, 50, 20);
    expect(result.nps).toBeCloseTo(10, 12);
    // p + d − (p − d)² = 0.5 − 0.01 = 0.49; sqrt(0.49/100) = 0.07; × 196 = 13.72
    expect(result.marginOfError).toBeCloseTo(13.72, 12);
    expect(result.promoterShare).toBe(0.3);
    expect(result.passiveShare).toBe(0.5);
    expect(result.detractorShare).toBe(0.2);
  });

  it("classifies answers 9–10, 7–8 and 0–6", () => {
    const answers = [...repeat(10, 15), ...repeat(9, 15), ...repeat(8, 25), ...repeat(7, 25), ...repeat(6, 10), ...repeat(0, 10)];
    expect(nps(answers)).toEqual(npsFromCounts(30, 50, 20));
  });

  it("ranges from −100 to 100 and has no margin when everyone agrees", () => {
    expect(nps(repeat(10, 4)).nps).toBe(100);
    expect(nps(repeat(3, 4)).nps).toBe(-100);
    expect(nps(repeat(10, 4)).marginOfError).toBe(0);
    expect(nps(repeat(8, 4)).nps).toBe(0);
  });

  it("returns null scores without responses and rejects invalid answers", () => {
    const empty = nps([]);
    expect(empty.responses).toBe(0);
    expect(empty.nps).toBeNull();
    expect(empty.marginOfError).toBeNull();
    expect(() => nps([11])).toThrow(RangeError);
    expect(() => nps([7.5])).toThrow(RangeError);
    expect(() => npsFromCounts(-1, 0, 0)).toThrow(RangeError);
  });
});

describe("CSAT", () => {
  it("5, 5, 4, 3, 1 → 60 % satisfied, mean 3.6", () => {
    expect(csat([5, 5, 4, 3, 1])).toEqual({ responses: 5, satisfied: 3, csat: 60, mean: 3.6 });
  });

  it("returns nulls without responses and rejects answers outside 1–5", () => {
    expect(csat([])).toEqual({ responses: 0, satisfied: 0, csat: null, mean: null });
    expect(() => csat([0])).toThrow(RangeError);
    expect(() => csat([6])).toThrow(RangeError);
  });
});

describe("scores per period", () => {
  const responses = [
    { date: "2024-04-02", score: 10 },
    { date: "2024-01-15", score: 10 },
    { date: "2024-02-20", score: 3 },
    { date: "2024-03-31", score: 8 },
    { date: "2023-12-31", score: 9 },
  ];

  it("groups NPS by month, quarter and year in chronological order", () => {
    expect(npsByPeriod(responses, "month").map((p) => [p.period, p.result.nps])).toEqual([
      ["2023-12", 100],
      ["2024-01", 100],
      ["2024-02", -100],
      ["2024-03", 0],
      ["2024-04", 100],
    ]);
    expect(npsByPeriod(responses, "quarter").map((p) => [p.period, p.result.responses])).toEqual([
      ["2023-Q4", 1],
      ["2024-Q1", 3],
      ["2024-Q2", 1],
    ]);
    expect(npsByPeriod(responses, "year").map((p) => p.period)).toEqual(["2023", "2024"]);
  });

  it("groups CSAT the same way", () => {
    const result = csatByPeriod(
      [
        { date: "2024-05-01", score: 5 },
        { date: "2024-05-30", score: 2 },
        { date: "2024-06-01", score: 4 },
      ],
      "month",
    );
    expect(result).toEqual([
      { period: "2024-05", result: { responses: 2, satisfied: 1, csat: 50, mean: 3.5 } },
      { period: "2024-06", result: { responses: 1, satisfied: 1, csat: 100, mean: 4 } },
    ]);
  });
});

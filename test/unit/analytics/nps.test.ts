// The satisfaction maths: Reichheld's NPS (passives in the total only), its 95% margin of error, and
// CSAT as the share of 4–5 answers with the mean beside it.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { csat, npsCategory, npsFromCounts, nps, npsMarginOfError, proportionMarginOfError, countNps } from "../../../src/analytics/nps.js";

const repeat = (score: number, times: number) => Array.from({ length: times }, () => score);

describe("NPS (Reichheld 2003)", () => {
  it("30 promoters, 50 passives, 20 detractors give 10, not 0: passives are not subtracted", () => {
    const r = npsFromCounts({ promoters: 30, passives: 50, detractors: 20 });
    expect(r.nps).toBe(10);
    expect(r.nps).not.toBe(0);
    expect(r).toMatchObject({ responses: 100, promoterShare: 30, passiveShare: 50, detractorShare: 20 });
  });

  it("the margin of error of 30/50/20 is 1.96·100·sqrt((0.3 + 0.2 − 0.1²)/100) = 13.72", () => {
    const r = npsFromCounts({ promoters: 30, passives: 50, detractors: 20 });
    expect(r.marginOfError).toBeCloseTo(13.72, 10);
    expect(npsMarginOfError(0.3, 0.2, 100)).toBeCloseTo(1.96 * 100 * Math.sqrt(0.49 / 100), 12);
  });

  it("classes answers 9–10 as promoters, 7–8 as passives, 0–6 as detractors", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([...repeat(0, 7).map(() => "detractor"), "passive", "passive", "promoter", "promoter"]);
  });

  it("computes the score from raw answers", () => {
    // 3 promoters (9, 10, 10), 2 passives (7, 8), 3 detractors (0, 5, 6): (3 − 3)/8 → 0; add a promoter → 100/9.
    expect(nps([9, 10, 10, 7, 8, 0, 5, 6]).nps).toBe(0);
    expect(nps([9, 10, 10, 7, 8, 0, 5, 6, 9]).nps).toBeCloseTo(100 / 9, 12);
    expect(countNps([9, 10, 7, 8, 6])).toEqual({ promoters: 2, passives: 2, detractors: 1 });
  });

  it("is 100 when everyone promotes and −100 when everyone detracts, with no uncertainty", () => {
    expect(nps(repeat(10, 12))).toMatchObject({ nps: 100, marginOfError: 0 });
    expect(nps(repeat(3, 12))).toMatchObject({ nps: -100, marginOfError: 0 });
    expect(nps(repeat(8, 12))).toMatchObject({ nps: 0, marginOfError: 0 });
  });

  it("has no score and no margin without answers", () => {
    expect(nps([])).toEqual({
      nps: null,
      promoters: 0,
      passives: 0,
      detractors: 0,
      responses: 0,
      promoterShare: null,
      passiveShare: null,
      detractorShare: null,
      marginOfError: null,
    });
  });

  it("refuses answers that are not whole numbers from 0 to 10", () => {
    for (const bad of [11, -1, 7.5, Number.NaN]) expect(() => nps([bad])).toThrow(RangeError);
  });

  it("equals %promoters − %detractors and stays within −100…100 (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (scores) => {
        const r = nps(scores);
        expect(r.nps!).toBeGreaterThanOrEqual(-100);
        expect(r.nps!).toBeLessThanOrEqual(100);
        expect(r.nps!).toBeCloseTo(r.promoterShare! - r.detractorShare!, 9);
        expect(r.promoters + r.passives + r.detractors).toBe(scores.length);
      }),
    );
  });

  it("has the margin of error of the mean of answers coded +100/0/−100 (property)", () => {
    // Independent of the closed form: the population variance of the coded answers, 1.96·sqrt(var/n).
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (scores) => {
        const coded: number[] = scores.map((s) => (s >= 9 ? 100 : s >= 7 ? 0 : -100));
        const mean = coded.reduce((a, b) => a + b, 0) / coded.length;
        const variance = coded.reduce((a, b) => a + (b - mean) ** 2, 0) / coded.length;
        const r = nps(scores);
        expect(r.nps!).toBeCloseTo(mean, 9);
        expect(r.marginOfError!).toBeCloseTo(1.96 * Math.sqrt(variance / coded.length), 9);
      }),
    );
  });

  it("adding passives dilutes the score but never changes its sign (property)", () => {
    fc.assert(
      fc.property(fc.nat(200), fc.nat(200), fc.nat(200), fc.integer({ min: 1, max: 200 }), (p, pa, d, extra) => {
        fc.pre(p + pa + d > 0);
        const before = npsFromCounts({ promoters: p, passives: pa, detractors: d }).nps!;
        const after = npsFromCounts({ promoters: p, passives: pa + extra, detractors: d }).nps!;
        expect(Math.sign(after)).toBe(Math.sign(before));
        expect(Math.abs(after)).toBeLessThanOrEqual(Math.abs(before));
        expect(after).toBeCloseTo(((p - d) * 100) / (p + pa + d + extra), 9);
      }),
    );
  });
});

describe("CSAT", () => {
  it("on answers 5, 5, 4, 3, 1 is 60% satisfied with a mean of 3.6", () => {
    const r = csat([5, 5, 4, 3, 1]);
    expect(r).toMatchObject({ csat: 60, satisfied: 3, responses: 5 });
    expect(r.mean).toBeCloseTo(3.6, 12);
    expect(r.marginOfError).toBeCloseTo(1.96 * 100 * Math.sqrt((0.6 * 0.4) / 5), 12);
  });

  it("counts only 4 and 5 as satisfied", () => {
    expect(csat([3, 3, 3]).csat).toBe(0);
    expect(csat([4, 4, 5]).csat).toBe(100);
    expect(csat([1, 2, 3, 4]).satisfied).toBe(1);
  });

  it("has no score without answers, and refuses answers outside 1–5", () => {
    expect(csat([])).toEqual({ csat: null, satisfied: 0, responses: 0, mean: null, marginOfError: null });
    for (const bad of [0, 6, 4.5]) expect(() => csat([bad])).toThrow(RangeError);
  });

  it("uses the normal approximation of a proportion for its margin of error", () => {
    expect(proportionMarginOfError(0.5, 100)).toBeCloseTo(9.8, 12);
    expect(proportionMarginOfError(1, 10)).toBe(0);
  });
});

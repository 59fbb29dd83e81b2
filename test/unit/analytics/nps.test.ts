// The satisfaction maths: Reichheld's NPS (passives in the total only) with Rocks' adjusted Wald
// interval, and CSAT as the share of 4–5 answers with the mean beside it and Wilson's interval.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { csat, npsCategory, npsFromCounts, nps, npsAdjustedWald, wilsonInterval, countNps, MIN_ANSWERS_FOR_MARGIN } from "../../../src/analytics/nps.js";

const repeat = (score: number, times: number) => Array.from({ length: times }, () => score);

describe("NPS (Reichheld 2003)", () => {
  it("30 promoters, 50 passives, 20 detractors give 10, not 0: passives are not subtracted", () => {
    const r = npsFromCounts({ promoters: 30, passives: 50, detractors: 20 });
    expect(r.nps).toBe(10);
    expect(r.nps).not.toBe(0);
    expect(r).toMatchObject({ responses: 100, promotersPercent: 30, passivesPercent: 50, detractorsPercent: 20 });
  });

  it("gives 30/50/20 the adjusted Wald interval −3.82 to 23.24 (±13.53), worked by hand", () => {
    // Rocks (2016): n' = 103, p' = 30.75/103 = 0.298544, d' = 20.75/103 = 0.201456, p' − d' = 0.097087;
    // variance (0.5 − 0.097087²)/103 = 0.0047629, SE 0.069014, 1.96 · SE = 0.135266.
    const r = npsFromCounts({ promoters: 30, passives: 50, detractors: 20 });
    expect(r.npsLow).toBeCloseTo(-3.818, 3);
    expect(r.npsHigh).toBeCloseTo(23.235, 3);
    expect(r.marginOfError).toBeCloseTo(13.527, 3);
    expect(r.fewAnswers).toBe(false);
    const { centre, halfWidth } = npsAdjustedWald({ promoters: 30, passives: 50, detractors: 20 });
    expect(centre).toBeCloseTo((100 * 10) / 103, 12);
    expect(halfWidth).toBeCloseTo(1.96 * 100 * Math.sqrt((51.5 / 103 - (10 / 103) ** 2) / 103), 12);
  });

  it("gives no margin below 30 answers but still an interval clipped to −100…100 (2 promoters: not ±138.6)", () => {
    // n' = 5, p' = 2.75/5 = 0.55, d' = 0.15: centre 40, SE sqrt((0.7 − 0.16)/5) = 0.328634, ±64.41.
    const r = npsFromCounts({ promoters: 2, passives: 0, detractors: 0 });
    expect(r).toMatchObject({ nps: 100, responses: 2, marginOfError: null, fewAnswers: true, npsHigh: 100 });
    expect(r.npsLow).toBeCloseTo(40 - 64.412, 2);
    expect(npsFromCounts({ promoters: 29, passives: 0, detractors: 0 }).fewAnswers).toBe(true);
    expect(npsFromCounts({ promoters: 30, passives: 0, detractors: 0 }).fewAnswers).toBe(false);
    expect(MIN_ANSWERS_FOR_MARGIN).toBe(30);
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

  it("is 100 when everyone promotes and −100 when everyone detracts, and the interval still has a width", () => {
    // The plain Wald margin would be 0 here; the pseudo-answers keep an honest interval.
    const all = nps(repeat(10, 40));
    expect(all).toMatchObject({ nps: 100, npsHigh: 100 });
    expect(all.npsLow!).toBeLessThan(100);
    expect(all.marginOfError!).toBeGreaterThan(0);
    expect(nps(repeat(3, 40))).toMatchObject({ nps: -100, npsLow: -100 });
    expect(nps(repeat(8, 40))).toMatchObject({ nps: 0 });
  });

  it("has no score and no margin without answers", () => {
    expect(nps([])).toEqual({
      nps: null,
      promoters: 0,
      passives: 0,
      detractors: 0,
      responses: 0,
      promotersPercent: null,
      passivesPercent: null,
      detractorsPercent: null,
      npsLow: null,
      npsHigh: null,
      marginOfError: null,
      fewAnswers: true,
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
        expect(r.nps!).toBeCloseTo(r.promotersPercent! - r.detractorsPercent!, 9);
        expect(r.npsLow!).toBeGreaterThanOrEqual(-100);
        expect(r.npsHigh!).toBeLessThanOrEqual(100);
        expect(r.npsLow!).toBeLessThan(r.npsHigh!);
        expect(r.promoters + r.passives + r.detractors).toBe(scores.length);
      }),
    );
  });

  it("has the Wald interval of the mean of answers coded +100/0/−100 after adding the pseudo-answers (property)", () => {
    // Independent of the closed form: 0.75 promoter, 1.5 passive and 0.75 detractor added as weights.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 30, maxLength: 300 }), (scores) => {
        const coded: [number, number][] = [...scores.map((s): [number, number] => [s >= 9 ? 100 : s >= 7 ? 0 : -100, 1]), [100, 0.75], [0, 1.5], [-100, 0.75]];
        const n = coded.reduce((a, [, w]) => a + w, 0);
        const mean = coded.reduce((a, [v, w]) => a + v * w, 0) / n;
        const variance = coded.reduce((a, [v, w]) => a + w * (v - mean) ** 2, 0) / n;
        const r = nps(scores);
        expect(r.marginOfError!).toBeCloseTo(1.96 * Math.sqrt(variance / n), 9);
        expect(r.npsLow!).toBeCloseTo(Math.max(-100, mean - r.marginOfError!), 9);
        expect(r.npsHigh!).toBeCloseTo(Math.min(100, mean + r.marginOfError!), 9);
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
    expect(r).toMatchObject({ csatPercent: 60, satisfied: 3, responses: 5, fewAnswers: true, marginOfError: null });
    expect(r.mean).toBeCloseTo(3.6, 12);
  });

  it("counts only 4 and 5 as satisfied", () => {
    expect(csat([3, 3, 3]).csatPercent).toBe(0);
    expect(csat([4, 4, 5]).csatPercent).toBe(100);
    expect(csat([1, 2, 3, 4]).satisfied).toBe(1);
  });

  it("has no score without answers, and refuses answers outside 1–5", () => {
    expect(csat([])).toEqual({
      csatPercent: null,
      satisfied: 0,
      responses: 0,
      mean: null,
      csatLowPercent: null,
      csatHighPercent: null,
      marginOfError: null,
      fewAnswers: true,
    });
    for (const bad of [0, 6, 4.5]) expect(() => csat([bad])).toThrow(RangeError);
  });

  it.each([
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
    // Medicine 17, 857–872, Table I, method 3 (Wilson score, no continuity correction).
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("gives %d of %d the published Wilson interval %f to %f", (x, n, low, high) => {
    const w = wilsonInterval(x, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  it("gives one satisfied answer the interval 20.7% to 100%, and no margin (not 100.0% ±0.0)", () => {
    const r = csat([5]);
    expect(r).toMatchObject({ csatPercent: 100, csatHighPercent: 100, marginOfError: null, fewAnswers: true });
    expect(r.csatLowPercent).toBeCloseTo(20.654, 3);
  });

  it("gives a margin from 30 answers on: 15 of 30 satisfied, 50% ± 16.8", () => {
    // Wilson: centre (0.5 + 1.96²/60)/(1 + 1.96²/30) = 0.5; half-width 1.96·sqrt(0.25/30 + 1.96²/3600)/(1 + 1.96²/30) = 0.1685.
    const r = csat([...repeat(5, 15), ...repeat(1, 15)]);
    expect(r.marginOfError).toBeCloseTo(16.85, 2);
    expect(r.csatLowPercent! + r.csatHighPercent!).toBeCloseTo(100, 9);
  });
});

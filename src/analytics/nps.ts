// Satisfaction scores as pure functions: Net Promoter Score (Reichheld 2003) and CSAT, with their 95%
// margins of error. No I/O; the survey use-cases feed these arrays of answers.
//
// NPS (Reichheld, "The One Number You Need to Grow", Harvard Business Review, December 2003): answers
// 0–10; promoters 9–10, passives 7–8, detractors 0–6; NPS = %promoters − %detractors, from −100 to 100.
// Passives count in the total only — they are NOT subtracted (30/50/20 gives 10, not 0).
// Intervals (95%), built for small samples and clipped to the scale:
// - NPS: the adjusted Wald interval of Rocks (2016), "Interval Estimation for the 'Net Promoter Score'",
//   The American Statistician 70(4), 365–372 — add 3 pseudo-answers, 0.75 of them promoters and 0.75
//   detractors (so 1.5 passives): n' = n + 3, p' = (P + 0.75)/n', d' = (D + 0.75)/n'; the interval is
//   100·[(p' − d') ± 1.96·sqrt((p' + d' − (p' − d')²)/n')], the Wald interval of the mean of answers
//   coded +1/0/−1, on the adjusted counts.
// - CSAT: the Wilson score interval of the satisfied share s = S/n (Wilson 1927):
//   (s + z²/2n ± z·sqrt(s(1 − s)/n + z²/4n²)) / (1 + z²/n), z = 1.96.
// The margin of error is half the interval's width before clipping; below MIN_ANSWERS_FOR_MARGIN answers
// it is not given (null) and the score says `fewAnswers`.
// CSAT: answers 1–5; CSAT = share of 4 and 5 in percent, with the mean of the answers beside it.

const Z95 = 1.96;

export type SurveyType = "nps" | "csat";
export const SCORE_RANGES: Record<SurveyType, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

export type NpsCategory = "promoter" | "passive" | "detractor";

function assertScore(score: number, type: SurveyType): void {
  const { min, max } = SCORE_RANGES[type];
  if (!Number.isInteger(score) || score < min || score > max)
    throw new RangeError(`${type.toUpperCase()} answers are whole numbers from ${min} to ${max}, got ${score}`);
}

/** Reichheld's classes: 9–10 promoter, 7–8 passive, 0–6 detractor. */
export function npsCategory(score: number): NpsCategory {
  assertScore(score, "nps");
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Below this many answers a margin of error means little: reports say so instead of printing one. */
export const MIN_ANSWERS_FOR_MARGIN = 30;

export interface NpsScore extends NpsCounts {
  /** %promoters − %detractors, −100…100; null without answers. */
  nps: number | null;
  responses: number;
  /** Shares in percent (0–100); null without answers. */
  promotersPercent: number | null;
  passivesPercent: number | null;
  detractorsPercent: number | null;
  /** The 95% interval (adjusted Wald, Rocks 2016), in NPS points within −100…100; null without answers. */
  npsLow: number | null;
  npsHigh: number | null;
  /** Half the interval's width, in NPS points; null without answers or below MIN_ANSWERS_FOR_MARGIN. */
  marginOfError: number | null;
  /** Fewer than MIN_ANSWERS_FOR_MARGIN answers: too few for a margin of error. */
  fewAnswers: boolean;
}

export function countNps(scores: Iterable<number>): NpsCounts {
  const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) {
    const c = npsCategory(s);
    if (c === "promoter") counts.promoters++;
    else if (c === "passive") counts.passives++;
    else counts.detractors++;
  }
  return counts;
}

const clip = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));

/** Rocks' adjusted Wald 95% interval of the NPS, in NPS points: centre and half-width before clipping. */
export function npsAdjustedWald({ promoters, passives, detractors }: NpsCounts): { centre: number; halfWidth: number } {
  const n = promoters + passives + detractors + 3;
  const p = (promoters + 0.75) / n;
  const d = (detractors + 0.75) / n;
  // Clamp the tiny negative a rounding error could leave.
  const variance = Math.max(0, p + d - (p - d) ** 2);
  return { centre: 100 * (p - d), halfWidth: Z95 * 100 * Math.sqrt(variance / n) };
}

export function npsFromCounts(counts: NpsCounts): NpsScore {
  const { promoters, passives, detractors } = counts;
  const n = promoters + passives + detractors;
  if (n === 0)
    return {
      nps: null,
      promoters,
      passives,
      detractors,
      responses: 0,
      promotersPercent: null,
      passivesPercent: null,
      detractorsPercent: null,
      npsLow: null,
      npsHigh: null,
      marginOfError: null,
      fewAnswers: true,
    };
  const { centre, halfWidth } = npsAdjustedWald(counts);
  const fewAnswers = n < MIN_ANSWERS_FOR_MARGIN;
  // One division of integers, so 30/50/20 gives exactly 10.
  return {
    nps: ((promoters - detractors) * 100) / n,
    promoters,
    passives,
    detractors,
    responses: n,
    promotersPercent: (promoters * 100) / n,
    passivesPercent: (passives * 100) / n,
    detractorsPercent: (detractors * 100) / n,
    npsLow: clip(centre - halfWidth, -100, 100),
    npsHigh: clip(centre + halfWidth, -100, 100),
    marginOfError: fewAnswers ? null : halfWidth,
    fewAnswers,
  };
}

/** The Net Promoter Score of answers 0–10. */
export function nps(scores: Iterable<number>): NpsScore {
  return npsFromCounts(countNps(scores));
}

export interface CsatScore {
  /** Share of answers 4 and 5, in percent; null without answers. */
  csatPercent: number | null;
  /** Answers of 4 or 5. */
  satisfied: number;
  responses: number;
  /** Mean answer, 1–5; null without answers. */
  mean: number | null;
  /** The 95% Wilson score interval of `csatPercent`, in percent within 0…100; null without answers. */
  csatLowPercent: number | null;
  csatHighPercent: number | null;
  /** Half the interval's width, in percentage points; null without answers or below MIN_ANSWERS_FOR_MARGIN. */
  marginOfError: number | null;
  /** Fewer than MIN_ANSWERS_FOR_MARGIN answers: too few for a margin of error. */
  fewAnswers: boolean;
}

/** Wilson's 95% score interval of a proportion `successes` of `n`, as fractions within 0…1. */
export function wilsonInterval(successes: number, n: number): { low: number; high: number; halfWidth: number } {
  if (!(n > 0)) throw new RangeError("an interval needs at least one answer");
  const s = successes / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (s + z2 / (2 * n)) / denominator;
  const halfWidth = (Z95 * Math.sqrt(Math.max(0, (s * (1 - s)) / n + z2 / (4 * n * n)))) / denominator;
  return { low: clip(centre - halfWidth, 0, 1), high: clip(centre + halfWidth, 0, 1), halfWidth };
}

/** CSAT of answers 1–5: the share of 4 and 5 in percent, and the mean. */
export function csat(scores: Iterable<number>): CsatScore {
  let n = 0;
  let satisfied = 0;
  let sum = 0;
  for (const s of scores) {
    assertScore(s, "csat");
    n++;
    sum += s;
    if (s >= 4) satisfied++;
  }
  if (n === 0)
    return { csatPercent: null, satisfied: 0, responses: 0, mean: null, csatLowPercent: null, csatHighPercent: null, marginOfError: null, fewAnswers: true };
  const { low, high, halfWidth } = wilsonInterval(satisfied, n);
  const fewAnswers = n < MIN_ANSWERS_FOR_MARGIN;
  return {
    csatPercent: (satisfied * 100) / n,
    satisfied,
    responses: n,
    mean: sum / n,
    csatLowPercent: 100 * low,
    csatHighPercent: 100 * high,
    marginOfError: fewAnswers ? null : 100 * halfWidth,
    fewAnswers,
  };
}

/** The headline number of a survey type: NPS or CSAT percent (null without answers). */
export function headlineScore(type: SurveyType, scores: number[]): number | null {
  return type === "nps" ? nps(scores).nps : csat(scores).csatPercent;
}

// Satisfaction scores as pure functions: Net Promoter Score (Reichheld 2003) and CSAT, with their 95%
// margins of error. No I/O; the survey use-cases feed these arrays of answers.
//
// NPS (Reichheld, "The One Number You Need to Grow", Harvard Business Review, December 2003): answers
// 0–10; promoters 9–10, passives 7–8, detractors 0–6; NPS = %promoters − %detractors, from −100 to 100.
// Passives count in the total only — they are NOT subtracted (30/50/20 gives 10, not 0).
// Margin of error: each answer is coded +100 (promoter), 0 (passive), −100 (detractor); the NPS is
// the mean of that code, whose variance is 100²·(p + d − (p − d)²), so the 95% margin is
// 1.96·100·sqrt((p + d − (p − d)²)/n) with p, d the promoter and detractor shares.
// CSAT: answers 1–5; CSAT = share of 4 and 5 in percent, with the mean of the answers beside it; its
// margin is the normal approximation for a proportion, 1.96·100·sqrt(s·(1 − s)/n).

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

export interface NpsScore extends NpsCounts {
  /** %promoters − %detractors, −100…100; null without answers. */
  nps: number | null;
  responses: number;
  /** Shares in percent (0–100); null without answers. */
  promoterShare: number | null;
  passiveShare: number | null;
  detractorShare: number | null;
  /** Half-width of the 95% confidence interval, in NPS points; null without answers. */
  marginOfError: number | null;
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

/** 1.96·100·sqrt((p + d − (p − d)²)/n), p and d the promoter and detractor shares as fractions. */
export function npsMarginOfError(promoterShare: number, detractorShare: number, n: number): number {
  if (!(n > 0)) throw new RangeError("the margin of error needs at least one answer");
  const p = promoterShare;
  const d = detractorShare;
  // Clamp the tiny negative a rounding error can leave when everyone is in one class.
  const variance = Math.max(0, p + d - (p - d) ** 2);
  return Z95 * 100 * Math.sqrt(variance / n);
}

export function npsFromCounts({ promoters, passives, detractors }: NpsCounts): NpsScore {
  const n = promoters + passives + detractors;
  if (n === 0)
    return { nps: null, promoters, passives, detractors, responses: 0, promoterShare: null, passiveShare: null, detractorShare: null, marginOfError: null };
  // One division of integers, so 30/50/20 gives exactly 10.
  return {
    nps: ((promoters - detractors) * 100) / n,
    promoters,
    passives,
    detractors,
    responses: n,
    promoterShare: (promoters * 100) / n,
    passiveShare: (passives * 100) / n,
    detractorShare: (detractors * 100) / n,
    marginOfError: npsMarginOfError(promoters / n, detractors / n, n),
  };
}

/** The Net Promoter Score of answers 0–10. */
export function nps(scores: Iterable<number>): NpsScore {
  return npsFromCounts(countNps(scores));
}

export interface CsatScore {
  /** Share of answers 4 and 5, in percent; null without answers. */
  csat: number | null;
  /** Answers of 4 or 5. */
  satisfied: number;
  responses: number;
  /** Mean answer, 1–5; null without answers. */
  mean: number | null;
  /** Half-width of the 95% confidence interval of `csat`, in percentage points; null without answers. */
  marginOfError: number | null;
}

/** 1.96·100·sqrt(s·(1 − s)/n), s the satisfied share as a fraction. */
export function proportionMarginOfError(share: number, n: number): number {
  if (!(n > 0)) throw new RangeError("the margin of error needs at least one answer");
  return Z95 * 100 * Math.sqrt(Math.max(0, share * (1 - share)) / n);
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
  if (n === 0) return { csat: null, satisfied: 0, responses: 0, mean: null, marginOfError: null };
  return {
    csat: (satisfied * 100) / n,
    satisfied,
    responses: n,
    mean: sum / n,
    marginOfError: proportionMarginOfError(satisfied / n, n),
  };
}

/** The headline number of a survey type: NPS or CSAT percent (null without answers). */
export function headlineScore(type: SurveyType, scores: number[]): number | null {
  return type === "nps" ? nps(scores).nps : csat(scores).csat;
}

// Survey scores: Net Promoter Score (Reichheld 2003) with its margin of error, and CSAT, overall or
// per calendar period.

import { periodIndex, periodLabel, type PeriodKind } from "./period.js";

export interface NpsResult {
  responses: number;
  /** Answers 9–10. */
  promoters: number;
  /** Answers 7–8: they count in the total only. */
  passives: number;
  /** Answers 0–6. */
  detractors: number;
  /** Fractions (0–1) of all responses. */
  promoterShare: number;
  passiveShare: number;
  detractorShare: number;
  /** %promoters − %detractors, from −100 to 100; null without responses. */
  nps: number | null;
  /** Half-width of the 95 % confidence interval, in NPS points:
   * 1.96 · 100 · sqrt((p + d − (p − d)²)/n), the variance of a promoter(+1)/passive(0)/detractor(−1)
   * score being p + d − (p − d)². Null without responses. */
  marginOfError: number | null;
}

/** NPS from the three counts. */
export function npsFromCounts(promoters: number, passives: number, detractors: number): NpsResult {
  for (const [name, v] of [["promoters", promoters], ["passives", passives], ["detractors", detractors]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`NPS: ${name} must be a non-negative integer, got ${v}`);
  }
  const responses = promoters + passives + detractors;
  if (responses === 0) {
    return { responses, promoters, passives, detractors, promoterShare: 0, passiveShare: 0, detractorShare: 0, nps: null, marginOfError: null };
  }
  const p = promoters / responses;
  const d = detractors / responses;
  return {
    responses,
    promoters,
    passives,
    detractors,
    promoterShare: p,
    passiveShare: passives / responses,
    detractorShare: d,
    nps: 100 * (p - d),
    marginOfError: 1.96 * 100 * Math.sqrt((p + d - (p - d) ** 2) / responses),
  };
}

/** NPS of answers 0–10 (integers; anything else is a RangeError). */
export function nps(scores: readonly number[]): NpsResult {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const score of scores) {
    if (!(Number.isInteger(score) && score >= 0 && score <= 10)) throw new RangeError(`NPS: answers are integers 0–10, got ${score}`);
    if (score >= 9) promoters++;
    else if (score >= 7) passives++;
    else detractors++;
  }
  return npsFromCounts(promoters, passives, detractors);
}

export interface CsatResult {
  responses: number;
  /** Answers 4 or 5. */
  satisfied: number;
  /** Share of answers 4 and 5, in percent; null without responses. */
  csat: number | null;
  /** Mean answer (1–5); null without responses. */
  mean: number | null;
}

/** CSAT of answers 1–5 (integers; anything else is a RangeError). */
export function csat(scores: readonly number[]): CsatResult {
  let satisfied = 0;
  let sum = 0;
  for (const score of scores) {
    if (!(Number.isInteger(score) && score >= 1 && score <= 5)) throw new RangeError(`CSAT: answers are integers 1–5, got ${score}`);
    if (score >= 4) satisfied++;
    sum += score;
  }
  const responses = scores.length;
  if (responses === 0) return { responses, satisfied, csat: null, mean: null };
  return { responses, satisfied, csat: (100 * satisfied) / responses, mean: sum / responses };
}

export interface DatedScore {
  /** ISO date, yyyy-mm-dd. */
  date: string;
  score: number;
}

export interface PeriodResult<T> {
  /** "2024-03", "2024-Q1" or "2024". */
  period: string;
  result: T;
}

/** NPS per period, for the periods that have responses, in chronological order. */
export function npsByPeriod(responses: readonly DatedScore[], kind: PeriodKind): PeriodResult<NpsResult>[] {
  return byPeriod(responses, kind, nps);
}

/** CSAT per period, for the periods that have responses, in chronological order. */
export function csatByPeriod(responses: readonly DatedScore[], kind: PeriodKind): PeriodResult<CsatResult>[] {
  return byPeriod(responses, kind, csat);
}

function byPeriod<T>(responses: readonly DatedScore[], kind: PeriodKind, score: (scores: number[]) => T): PeriodResult<T>[] {
  const groups = new Map<number, number[]>();
  for (const r of responses) {
    const index = periodIndex(r.date, kind);
    const group = groups.get(index);
    if (group) group.push(r.score);
    else groups.set(index, [r.score]);
  }
  return [...groups.keys()]
    .sort((p, q) => p - q)
    .map((index) => ({ period: periodLabel(index, kind), result: score(groups.get(index)!) }));
}

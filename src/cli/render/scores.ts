// NPS and CSAT numbers for people and for JSON/CSV: the survey commands and the score reports share them.
import { MIN_ANSWERS_FOR_MARGIN, type CsatScore, type NpsScore } from "../../analytics/nps.js";

/** Two decimals at most: enough for a score with a margin of error of several points, and no float noise. */
export const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
export const fixed1 = (x: number | null) => (x === null ? "" : x.toFixed(1));

/** The JSON/CSV form of score statistics: the same fields, numbers rounded to two decimals. */
export function scoreRecord(s: NpsScore | CsatScore): Record<string, number | boolean | null> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === "number" ? round2(v) : v]));
}

/**
 * The uncertainty of a score in words: "95% interval 3.2 to 17.1 (±6.9)" with enough answers, else a
 * plain statement that there are too few for a margin of error (the interval would mostly say that).
 */
export function uncertaintyText(low: number | null, high: number | null, margin: number | null, fewAnswers: boolean, unit = ""): string {
  if (low === null || high === null) return "";
  if (fewAnswers || margin === null) return `fewer than ${MIN_ANSWERS_FOR_MARGIN} answers: too few for a margin of error`;
  return `95% interval ${fixed1(low)}${unit} to ${fixed1(high)}${unit} (±${fixed1(margin)})`;
}

/** The ± cell of a trend row: the margin, or "few" when the row has too few answers for one. */
export const marginCell = (s: NpsScore | CsatScore): string => (!s.responses ? "" : s.fewAnswers || s.marginOfError === null ? "few" : fixed1(s.marginOfError));

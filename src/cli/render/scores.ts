// NPS and CSAT numbers for people and for JSON/CSV: the survey commands and the score reports share them.
import type { CsatScore, NpsScore } from "../../analytics/nps.js";

/** Two decimals at most: enough for a score with a margin of error of several points, and no float noise. */
export const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
export const fixed1 = (x: number | null) => (x === null ? "" : x.toFixed(1));

/** The JSON/CSV form of score statistics: the same fields, numbers rounded to two decimals. */
export function scoreRecord(s: NpsScore | CsatScore): Record<string, number | null> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === "number" ? round2(v) : v]));
}

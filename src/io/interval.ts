// Intervals ("3d", "2w", "1m", "30 days"): reading and writing their spelling. Apart from the calendar
// (./dates.ts) because command-line flags are parsed with this at start-up, and the calendar loads
// date-fns, which only commands that do date arithmetic should pay for.
import { usageError, quote } from "../errors.js";

export type IntervalUnit = "day" | "week" | "month" | "year";
export interface Interval {
  count: number;
  unit: IntervalUnit;
}

const INTERVAL_EXAMPLES = 'e.g. 3d, 2w, 1m, 1y, "30 days"';

const UNITS: Record<string, IntervalUnit> = {
  d: "day",
  day: "day",
  days: "day",
  w: "week",
  wk: "week",
  wks: "week",
  week: "week",
  weeks: "week",
  m: "month",
  mo: "month",
  mon: "month",
  month: "month",
  months: "month",
  y: "year",
  yr: "year",
  yrs: "year",
  year: "year",
  years: "year",
};

/** Parses "3d", "2w", "1m", "1y", "30 days", "2 weeks". Returns undefined when it is not an interval. */
export function tryParseInterval(input: string): Interval | undefined {
  const m = /^\s*(\d{1,5})\s*([a-z]+)\s*$/i.exec(input);
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toLowerCase()];
  const count = Number(m[1]);
  if (!unit || count <= 0) return undefined;
  return { count, unit };
}

export function parseInterval(input: string, flag = "interval"): Interval {
  const interval = tryParseInterval(input);
  if (!interval) throw usageError(`invalid ${flag} ${quote(input)}`, `use a positive interval, ${INTERVAL_EXAMPLES}`);
  return interval;
}

/** Normalised spelling of an interval for storage: "30d", "2w", "1m", "1y". */
export function formatInterval(interval: Interval): string {
  return `${interval.count}${interval.unit[0]}`;
}

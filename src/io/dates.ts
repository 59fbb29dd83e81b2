// Dates and intervals as users type them: ISO dates and datetimes, `+2w`, and natural language
// (`friday`, `next monday`, `in 3 days`) through chrono-node, always relative to the resolved "now".
// chrono-node is loaded only when a value is not ISO, so the common paths stay fast.
import { usageError, quote } from "../errors.js";

export interface When {
  /** The instant; for a bare date, local midnight at its start. */
  date: Date;
  /** False when only a calendar day was given ("friday", "2026-03-06"). */
  hasTime: boolean;
}

export type IntervalUnit = "day" | "week" | "month" | "year";
export interface Interval {
  count: number;
  unit: IntervalUnit;
}

const DATE_EXAMPLES = "e.g. 2026-12-01, \"2026-12-01 14:00\", today, tomorrow, friday, \"next monday\", \"in 3 days\", +2w";
const INTERVAL_EXAMPLES = "e.g. 3d, 2w, 1m, 1y, \"30 days\"";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

const UNITS: Record<string, IntervalUnit> = {
  d: "day", day: "day", days: "day",
  w: "week", wk: "week", wks: "week", week: "week", weeks: "week",
  m: "month", mo: "month", mon: "month", month: "month", months: "month",
  y: "year", yr: "year", yrs: "year", year: "year", years: "year",
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

/** Adds (or with a negative sign, subtracts) an interval in local calendar terms; month ends clamp. */
export function addInterval(date: Date, interval: Interval, sign: 1 | -1 = 1): Date {
  const n = interval.count * sign;
  const d = new Date(date.getTime());
  switch (interval.unit) {
    case "day":
      d.setDate(d.getDate() + n);
      return d;
    case "week":
      d.setDate(d.getDate() + 7 * n);
      return d;
    case "month":
    case "year": {
      const months = interval.unit === "year" ? 12 * n : n;
      const day = d.getDate();
      d.setDate(1);
      d.setMonth(d.getMonth() + months);
      const lastDay = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
      d.setDate(Math.min(day, lastDay));
      return d;
    }
  }
}

/** crm stores and prints dates as YYYY-MM-DD: only four-digit years make sense (and sort) as text. */
const FIRST_YEAR = 1000;
const LAST_YEAR = 9999;
const inCalendar = (date: Date) => date.getFullYear() >= FIRST_YEAR && date.getFullYear() <= LAST_YEAR;

function validDate(y: number, mo: number, d: number): boolean {
  const date = new Date(y, mo - 1, d);
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d;
}

/** ISO forms only; no natural language. Returns undefined when the text is not ISO-shaped. */
export function parseIsoWhen(text: string): When | undefined {
  let m = ISO_DATE.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d) || y < FIRST_YEAR) return undefined;
    return { date: new Date(y, mo - 1, d), hasTime: false };
  }
  m = ISO_DATETIME.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0)) as number[];
    if (!validDate(y!, mo!, d!) || y! < FIRST_YEAR || h! > 23 || mi! > 59 || s! > 59) return undefined;
    if (m[8]) {
      const date = new Date(text.replace(" ", "T"));
      return Number.isNaN(date.getTime()) || !inCalendar(date) ? undefined : { date, hasTime: true };
    }
    const ms = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
    return { date: new Date(y!, mo! - 1, d!, h, mi, s, ms), hasTime: true };
  }
  return undefined;
}

// Words that point into the past: chrono's forward-leaning mode would otherwise turn "last friday"
// into the coming one.
const PAST_WORDS = /\b(last|ago|past|previous|before|yesterday|earlier)\b/i;
// Words that qualify a weekday ("next friday", "this friday"): chrono's own reading is kept for these.
const WEEKDAY_QUALIFIERS = /\b(next|this|coming|last|past|previous)\b/i;

/** taskwarrior's named ends of periods, as calendar days: eod, eow (Sunday; weeks start on Monday), eom, eoy. */
function namedEnd(name: string, startOfToday: Date): Date | undefined {
  const y = startOfToday.getFullYear();
  const m = startOfToday.getMonth();
  switch (name) {
    case "eod":
      return startOfToday;
    case "eow":
      return addInterval(startOfToday, { count: (7 - startOfToday.getDay()) % 7, unit: "day" });
    case "eom":
      return new Date(y, m + 1, 0);
    case "eoy":
      return new Date(y, 11, 31);
  }
  return undefined;
}

/**
 * Parses a point in time as users type it, relative to `now` in the local time zone. Future-leaning:
 * "friday" on a Monday is this week's Friday, and a weekday name on its own is its next occurrence
 * AFTER today (on a Friday, "friday" is a week away — say "today" for today), whatever the time of day.
 * Words that point back ("last friday", "3 days ago") are read as the past. Throws a usage error naming
 * `flag` and the value, with examples, when the text cannot be read as one whole date.
 */
export async function parseWhen(input: string, now: Date, flag = "date"): Promise<When> {
  const when = await readWhen(input, now, flag);
  // "+99999y" reads as a date, but not one crm can store as YYYY-MM-DD ("102026-03-02").
  if (!inCalendar(when.date))
    throw usageError(`the ${flag} ${quote(input)} falls outside the years ${FIRST_YEAR}–${LAST_YEAR}`, `use a date like ${DATE_EXAMPLES.replace(/^e\.g\. /, "")}`);
  return when;
}

async function readWhen(input: string, now: Date, flag: string): Promise<When> {
  const text = input.trim();
  const fail = () => usageError(`cannot read the ${flag} ${quote(input)}`, `use a date or a time like ${DATE_EXAMPLES.replace(/^e\.g\. /, "")}`);
  if (!text) throw fail();
  const iso = parseIsoWhen(text);
  if (iso) return iso;
  if (ISO_DATE.test(text) || ISO_DATETIME.test(text)) throw fail();

  const lower = text.toLowerCase();
  if (lower === "now") return { date: new Date(now.getTime()), hasTime: true };
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (lower === "today") return { date: startOfToday, hasTime: false };
  if (lower === "tomorrow") return { date: addInterval(startOfToday, { count: 1, unit: "day" }), hasTime: false };
  if (lower === "yesterday") return { date: addInterval(startOfToday, { count: 1, unit: "day" }, -1), hasTime: false };
  const end = namedEnd(lower, startOfToday);
  if (end) return { date: end, hasTime: false };
  const relative = /^([+-])\s*(.+)$/.exec(text);
  if (relative) {
    const interval = tryParseInterval(relative[2]!);
    if (!interval) throw fail();
    return { date: addInterval(startOfToday, interval, relative[1] === "-" ? -1 : 1), hasTime: false };
  }

  const { en } = await import("chrono-node");
  const results = en.casual.parse(text, now, { forwardDate: !PAST_WORDS.test(text) });
  const result = results[0];
  if (!result || results.length !== 1 || result.index !== 0 || result.text.length !== text.length) throw fail();
  const start = result.start;
  const hasTime = start.isCertain("hour");
  if (!hasTime && start.isCertain("weekday") && !start.isCertain("day") && !WEEKDAY_QUALIFIERS.test(text)) {
    // A bare weekday: chrono decides "today or next week" by comparing an implied noon with the clock,
    // so the answer would change during the day. Always the next such day after today instead.
    const ahead = (start.get("weekday")! - startOfToday.getDay() + 7) % 7 || 7;
    return { date: addInterval(startOfToday, { count: ahead, unit: "day" }), hasTime: false };
  }
  const date = start.date();
  if (!hasTime) return { date: new Date(date.getFullYear(), date.getMonth(), date.getDate()), hasTime: false };
  return { date, hasTime: true };
}

/** `--as-of`/`CRM_NOW`: a bare date means the end of that day, so everything dated on it counts. */
export async function parseAsOf(input: string, realNow: Date): Promise<Date> {
  const when = await parseWhen(input, realNow, "--as-of date");
  if (when.hasTime) return when.date;
  const d = when.date;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), 23, 59, 59, 999);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Local calendar date "YYYY-MM-DD" of an instant. */
export function localDate(date: Date): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local "YYYY-MM-DD HH:MM" of an instant, for people. */
export function localDateTime(date: Date): string {
  return `${localDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Whole local calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: Date, b: Date): number {
  const da = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const db = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((db - da) / 86_400_000);
}

/** A stored "YYYY-MM-DD" (local) or ISO timestamp back to an instant. */
export function fromStored(value: string): Date {
  const m = ISO_DATE.exec(value);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(value);
}

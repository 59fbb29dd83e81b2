// Dates and intervals as users type them: ISO dates and datetimes, `+2w`, and natural language
// (`friday`, `next monday`, `in 3 days`) through chrono-node, always relative to the resolved "now".
// chrono-node is loaded only when a value is not ISO, so the common paths stay fast.
// Also crm's one calendar: stepping by intervals (month ends clamp), day and period boundaries, day
// differences and local days, all in the local time zone and on date-fns — imported function by
// function, never through its index, so the bundle carries only what is used.
import { addDays } from "date-fns/addDays";
import { addMonths } from "date-fns/addMonths";
import { addWeeks } from "date-fns/addWeeks";
import { addYears } from "date-fns/addYears";
import { differenceInCalendarDays } from "date-fns/differenceInCalendarDays";
import { differenceInCalendarMonths } from "date-fns/differenceInCalendarMonths";
import { endOfDay } from "date-fns/endOfDay";
import { getQuarter } from "date-fns/getQuarter";
import { isExists } from "date-fns/isExists";
import { lastDayOfMonth } from "date-fns/lastDayOfMonth";
import { lastDayOfWeek } from "date-fns/lastDayOfWeek";
import { lastDayOfYear } from "date-fns/lastDayOfYear";
import { startOfDay } from "date-fns/startOfDay";
import { startOfMonth } from "date-fns/startOfMonth";
import { startOfQuarter } from "date-fns/startOfQuarter";
import { usageError, quote } from "../errors.js";
import { tryParseInterval, type Interval, type IntervalUnit } from "./interval.js";

export { formatInterval, parseInterval, tryParseInterval, type Interval, type IntervalUnit } from "./interval.js";

export { addMonths, endOfDay, startOfDay, startOfMonth };

export interface When {
  /** The instant; for a bare date, local midnight at its start. */
  date: Date;
  /** False when only a calendar day was given ("friday", "2026-03-06"). */
  hasTime: boolean;
}

const DATE_EXAMPLES = 'e.g. 2026-12-01, "2026-12-01 14:00", today, tomorrow, friday, "next monday", "in 3 days", +2w';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

const ADD: Record<IntervalUnit, (date: Date, amount: number) => Date> = { day: addDays, week: addWeeks, month: addMonths, year: addYears };

/**
 * Adds (or with a negative sign, subtracts) an interval in local calendar terms, keeping the time of
 * day; month ends clamp (31 January + 1 month = 28 or 29 February). Always a new Date.
 */
export function addInterval(date: Date, interval: Interval, sign: 1 | -1 = 1): Date {
  return ADD[interval.unit](date, interval.count * sign);
}

/** crm stores and prints dates as YYYY-MM-DD: only four-digit years make sense (and sort) as text. */
const FIRST_YEAR = 1000;
export const LAST_YEAR = 9999;
const inCalendar = (date: Date) => date.getFullYear() >= FIRST_YEAR && date.getFullYear() <= LAST_YEAR;

/**
 * The first date of a series after `after`: `start` plus a whole number (k ≥ 1) of intervals, each
 * counted from `start` itself — so a monthly series from 31 January is on 28/29 February, 31 March,
 * 30 April; a yearly one from 29 February on 28 February in common years and 29 February in leap
 * years; and the local time of day is kept (a time the clocks skip once moves that once only).
 * Undefined when that date would fall after the last year crm can store: the series ends there.
 */
export function nextInSeries(start: Date, every: Interval, after: Date): Date | undefined {
  // Start a step or two short of the answer rather than at k = 1: a daily series years old (or one
  // at the end of the calendar) must not take millions of steps.
  const behind = every.unit === "day" || every.unit === "week" ? differenceInCalendarDays(after, start) : differenceInCalendarMonths(after, start);
  const perStep = every.count * (every.unit === "week" ? 7 : every.unit === "year" ? 12 : 1);
  for (let k = Math.max(1, Math.floor(behind / perStep) - 1); ; k++) {
    const next = ADD[every.unit](start, every.count * k);
    if (Number.isNaN(next.getTime()) || next.getFullYear() > LAST_YEAR) return undefined;
    if (next.getTime() > after.getTime()) return next;
  }
}

const validDate = (y: number, mo: number, d: number) => isExists(y, mo - 1, d);

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
  switch (name) {
    case "eod":
      return startOfToday;
    case "eow":
      return lastDayOfWeek(startOfToday, { weekStartsOn: 1 });
    case "eom":
      return lastDayOfMonth(startOfToday);
    case "eoy":
      return lastDayOfYear(startOfToday);
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
    throw usageError(
      `the ${flag} ${quote(input)} falls outside the years ${FIRST_YEAR}–${LAST_YEAR}`,
      `use a date like ${DATE_EXAMPLES.replace(/^e\.g\. /, "")}`,
    );
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
  const startOfToday = startOfDay(now);
  if (lower === "today") return { date: startOfToday, hasTime: false };
  if (lower === "tomorrow") return { date: addDays(startOfToday, 1), hasTime: false };
  if (lower === "yesterday") return { date: addDays(startOfToday, -1), hasTime: false };
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
    return { date: addDays(startOfToday, ahead), hasTime: false };
  }
  const date = start.date();
  if (!hasTime) return { date: startOfDay(date), hasTime: false };
  return { date, hasTime: true };
}

/**
 * The moment a command runs "as of": a bare date means the end of that day, so everything dated on it
 * counts. `label` names the value in a refusal ("cannot read the as-of date …").
 */
export async function parseAsOf(input: string, realNow: Date, label = "as-of date"): Promise<Date> {
  const when = await parseWhen(input, realNow, label);
  return when.hasTime ? when.date : endOfDay(when.date);
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

/** Local "YYYYMMDD-HHMMSS" of an instant, for file names: sorts as text. */
export function localStamp(date: Date): string {
  return `${localDate(date).replaceAll("-", "")}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** Whole local calendar days from `a` to `b` (positive when b is later). */
export const daysBetween = (a: Date, b: Date): number => differenceInCalendarDays(b, a);

/** Whole calendar days from local date `a` to local date `b` ("YYYY-MM-DD"); positive when b is later. */
export const daysFromTo = (a: string, b: string): number => differenceInCalendarDays(fromStored(b), fromStored(a));

/** A stored "YYYY-MM-DD" (local) or ISO timestamp back to an instant. */
export function fromStored(value: string): Date {
  const m = ISO_DATE.exec(value);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(value);
}

/** The local calendar period of an instant: "2026-03" or "2026-Q1". */
export function localPeriod(date: Date, by: "month" | "quarter"): string {
  const y = pad(date.getFullYear(), 4);
  return by === "month" ? `${y}-${pad(date.getMonth() + 1)}` : `${y}-Q${getQuarter(date)}`;
}

/** Every local period from the one containing `first` to the one containing `last`, gaps included. */
export function localPeriodsBetween(first: Date, last: Date, by: "month" | "quarter"): string[] {
  const end = localPeriod(last, by);
  const out: string[] = [];
  for (let d = by === "month" ? startOfMonth(first) : startOfQuarter(first); ; d = addMonths(d, by === "month" ? 1 : 3)) {
    const p = localPeriod(d, by);
    out.push(p);
    if (p >= end) return out;
  }
}

/**
 * Local calendar day numbers (days since 1970-01-01 of the local date) of instants given as Unix
 * seconds. The zone offset is looked up once per UTC day and reused when it is the same at both ends
 * of the day (zones change offset at most once a day; a day with a change is looked up per hour, then
 * per instant), so a million purchases cost a few thousand Date look-ups rather than a million.
 * (date-fns works one Date at a time; this is the bulk path of the customer reports.)
 */
export class LocalDays {
  private days = new Map<number, number>();
  private hours = new Map<number, number>();
  private iso = new Map<number, string>();

  /** Offset (ms, local − UTC) over [start, start + length), or NaN when it changes within it. */
  private static offsetOver(start: number, length: number): number {
    const first = -new Date(start).getTimezoneOffset() * 60_000;
    const last = -new Date(start + length - 1).getTimezoneOffset() * 60_000;
    return first === last ? first : NaN;
  }

  of(seconds: number): number {
    const day = Math.floor(seconds / 86_400);
    let offset = this.days.get(day);
    if (offset === undefined) this.days.set(day, (offset = LocalDays.offsetOver(day * 86_400_000, 86_400_000)));
    if (Number.isNaN(offset)) {
      const hour = Math.floor(seconds / 3600);
      offset = this.hours.get(hour);
      if (offset === undefined) this.hours.set(hour, (offset = LocalDays.offsetOver(hour * 3_600_000, 3_600_000)));
      if (Number.isNaN(offset)) offset = -new Date(seconds * 1000).getTimezoneOffset() * 60_000;
    }
    return Math.floor((seconds * 1000 + offset) / 86_400_000);
  }

  /** "YYYY-MM-DD" of a day number, one string per distinct day. */
  date(day: number): string {
    let text = this.iso.get(day);
    if (text === undefined) this.iso.set(day, (text = new Date(day * 86_400_000).toISOString().slice(0, 10)));
    return text;
  }
}

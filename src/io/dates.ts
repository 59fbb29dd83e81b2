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
function parseIsoWhen(text: string): When | undefined {
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
 * `flag` and the value, with examples, when the text cannot be read as one whole date. Slash and dot
 * dates (03/05/2026, 24.12.2026) are read by the date order `order` gives (the setting, looked up only
 * then); without one, a date that reads two ways is refused naming both.
 */
export async function parseWhen(input: string, now: Date, flag = "date", order?: () => Promise<DateOrder | undefined>): Promise<When> {
  const when = await readWhen(input, now, flag, order);
  // "+99999y" reads as a date, but not one crm can store as YYYY-MM-DD ("102026-03-02").
  if (!inCalendar(when.date))
    throw usageError(
      `the ${flag} ${quote(input)} falls outside the years ${FIRST_YEAR}–${LAST_YEAR}`,
      `use a date like ${DATE_EXAMPLES.replace(/^e\.g\. /, "")}`,
    );
  return when;
}

const SLASH_DATE = /^\d{1,4}[/.]\d{1,2}[/.]\d{1,4}(?:$|[\sT,])/;

async function readWhen(input: string, now: Date, flag: string, order?: () => Promise<DateOrder | undefined>): Promise<When> {
  const text = input.trim();
  const fail = () => usageError(`cannot read the ${flag} ${quote(input)}`, `use a date or a time like ${DATE_EXAMPLES.replace(/^e\.g\. /, "")}`);
  if (!text) throw fail();
  const iso = parseIsoWhen(text);
  if (iso) return iso;
  if (SLASH_DATE.test(text)) {
    try {
      return readDateText(text, { order: await order?.() }, "run crm config set date-order dmy (or mdy), or write it as YYYY-MM-DD");
    } catch (err) {
      if (!(err instanceof DateTextError)) throw err;
      throw usageError(`cannot read the ${flag} ${quote(input)}: ${err.message}`, `e.g. ${localDate(now)}`);
    }
  }
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

/**
 * Two ISO dates or times of the same form in time order, compared as text: `localeCompare` gives the same
 * order but its first call loads the collator (several milliseconds of every `crm today`).
 */
export function compareIso(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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

// ---------------------------------------------------------------------------------------------
// Dates as files write them (imports) and slash or dot dates typed in flags

/** Which part comes first in a slash or dot date: 05/03/2024 is 5 March (dmy) or May 3 (mdy). */
export type DateOrder = "dmy" | "mdy" | "ymd";

export interface DateRules {
  /** A date-fns format the dates are written in ("dd.MM.yyyy HH:mm"); wins over everything else. */
  format?: string;
  /** How slash and dot dates are read; without it an ambiguous one is refused. */
  order?: DateOrder;
  /** Date-times without a zone are UTC (a header that says "(UTC)"), not local time. */
  utc?: boolean;
}

/** Zone abbreviations that name one offset (minutes east of UTC). Ambiguous ones (IST, CST in Asia) are left out. */
const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  ACST: 570,
  AWST: 480,
  NZST: 720,
  NZDT: 780,
};

/** Zone names some exports write (Rails' names, used by Square and Shopify): their IANA zone. */
const ZONE_NAMES: Record<string, string> = {
  "pacific time (us & canada)": "America/Los_Angeles",
  "mountain time (us & canada)": "America/Denver",
  "central time (us & canada)": "America/Chicago",
  "eastern time (us & canada)": "America/New_York",
  "atlantic time (canada)": "America/Halifax",
  alaska: "America/Juneau",
  hawaii: "Pacific/Honolulu",
  arizona: "America/Phoenix",
  london: "Europe/London",
  dublin: "Europe/Dublin",
  lisbon: "Europe/Lisbon",
  paris: "Europe/Paris",
  berlin: "Europe/Berlin",
  amsterdam: "Europe/Amsterdam",
  brussels: "Europe/Brussels",
  madrid: "Europe/Madrid",
  rome: "Europe/Rome",
  vienna: "Europe/Vienna",
  zurich: "Europe/Zurich",
  stockholm: "Europe/Stockholm",
  warsaw: "Europe/Warsaw",
  athens: "Europe/Athens",
  sydney: "Australia/Sydney",
  melbourne: "Australia/Melbourne",
  tokyo: "Asia/Tokyo",
};

/** The offset (minutes east of UTC) of an IANA zone at an instant, from the runtime's time-zone data. */
function zoneOffsetAt(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** A zone as written after a time: an offset ("+0100", "+01:00", "Z"), an abbreviation, a zone name. */
function zoneOf(text: string): ((wallMs: number) => number) | undefined {
  const t = text.trim();
  const offset = /^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$/i.exec(t);
  if (offset) {
    const minutes = (Number(offset[2]) * 60 + Number(offset[3] ?? 0)) * (offset[1] === "-" ? -1 : 1);
    return () => minutes;
  }
  const abbreviation = ZONE_ABBREVIATIONS[t.toUpperCase()];
  if (abbreviation !== undefined) return () => abbreviation;
  const iana = ZONE_NAMES[t.toLowerCase()] ?? (t.includes("/") ? t : undefined);
  if (!iana) return undefined;
  try {
    zoneOffsetAt(iana, 0);
  } catch {
    return undefined;
  }
  // The offset at the wall-clock time read as UTC, corrected once: right except within a zone change.
  return (wallMs) => {
    const first = zoneOffsetAt(iana, wallMs);
    return zoneOffsetAt(iana, wallMs - first * 60_000);
  };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DATE_PART =
  /^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})(\d{2})(\d{2})|(\d{1,4})([/.])(\d{1,2})\8(\d{1,4})|([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})[\s-]([A-Za-z]{3,9})\.?[\s-](\d{4}))(?=$|[T\s,])/;
const TIME_PART = /^[T\s,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?/;

/** Why a date cannot be read ("it is ambiguous: …"), to follow "cannot read the date \"…\": ". */
export class DateTextError extends Error {}

const twoDigitYear = (y: number) => (y < 100 ? 2000 + y : y);

/** Day, month and year of a slash or dot date under a reading, or undefined when that reading is no date. */
function reading(a: number, b: number, c: number, order: DateOrder): [y: number, m: number, d: number] | undefined {
  const [y, m, d] = order === "dmy" ? [c, b, a] : order === "mdy" ? [c, a, b] : [a, b, c];
  const year = twoDigitYear(y);
  if (order === "ymd" ? a < 1000 : c >= 100 && c < 1000) return undefined;
  return validDate(year, m, d) && year >= FIRST_YEAR && year <= LAST_YEAR ? [year, m, d] : undefined;
}

const ymd = ([y, m, d]: [number, number, number]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/**
 * Day, month and year of a slash or dot date ("05/03/2024", "5.3.24", "2024/03/05"): by the order when
 * one is given; else the one reading that makes a date; two readings that make two dates are refused,
 * naming both and `how` ("give --date-format …").
 */
function slashDate(a: number, b: number, c: number, order: DateOrder | undefined, how: string): [number, number, number] {
  if (a >= 1000) {
    const r = reading(a, b, c, "ymd");
    if (!r) throw new DateTextError("it is not a date");
    return r;
  }
  if (order && order !== "ymd") {
    const r = reading(a, b, c, order);
    if (!r) throw new DateTextError(`it is not a date when read ${order === "dmy" ? "day first" : "month first"}`);
    return r;
  }
  const dmy = reading(a, b, c, "dmy");
  const mdy = reading(a, b, c, "mdy");
  if (dmy && mdy && ymd(dmy) !== ymd(mdy)) throw new DateTextError(`it is ambiguous: ${ymd(dmy)} (day first) or ${ymd(mdy)} (month first); ${how}`);
  const r = dmy ?? mdy;
  if (!r) throw new DateTextError("it is not a date");
  return r;
}

/**
 * Reads a date as files write it: ISO 8601 (`2024-03-05`, `2024-03-05T14:31:02Z`), a space before the
 * offset (`2024-03-05 14:31:02 +0100`), a zone name or abbreviation (`… CET`, `… UTC`,
 * `… Pacific Time (US & Canada)`), AM/PM, `20240305`, slash and dot dates (see slashDate), month names
 * (`Mar 5, 2024`, `5 Mar 2024`). A bare date is that local calendar day (local midnight); a date-time
 * without a zone is local time, or UTC under `rules.utc`. `how` says how to settle an ambiguous date.
 */
export function readDateText(text: string, rules: DateRules, how: string): When {
  const t = text.trim();
  const m = DATE_PART.exec(t);
  if (!m) throw new DateTextError("use YYYY-MM-DD or an ISO 8601 date-time like 2024-03-05T14:30:00Z");
  let y: number, mo: number, d: number;
  if (m[1]) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if (m[4]) [y, mo, d] = [Number(m[4]), Number(m[5]), Number(m[6])];
  else if (m[7]) [y, mo, d] = slashDate(Number(m[7]), Number(m[9]), Number(m[10]), rules.order, how);
  else {
    const [monthName, day, year] = m[11] ? [m[11], m[12], m[13]] : [m[15]!, m[14], m[16]];
    mo = MONTHS.indexOf(monthName!.slice(0, 3).toLowerCase()) + 1;
    [y, d] = [Number(year), Number(day)];
    if (mo === 0) throw new DateTextError(`unknown month ${quote(monthName!)}`);
  }
  if (!validDate(y, mo, d) || y < FIRST_YEAR || y > LAST_YEAR) throw new DateTextError("it is not a date");
  let rest = t.slice(m[0].length);
  if (!rest.trim()) return { date: new Date(y, mo - 1, d), hasTime: false };
  const tm = TIME_PART.exec(rest);
  if (!tm) throw new DateTextError("cannot read its time of day");
  let h = Number(tm[1]);
  const mi = Number(tm[2]);
  const s = Number(tm[3] ?? 0);
  const ms = tm[4] ? Number(tm[4].slice(0, 3).padEnd(3, "0")) : 0;
  if (tm[5]) {
    if (h < 1 || h > 12) throw new DateTextError("its hour is not on a 12-hour clock");
    const pm = tm[5].toLowerCase() === "p";
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 59) throw new DateTextError("its time of day is impossible");
  rest = rest.slice(tm[0].length).trim();
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (!rest) {
    const date = rules.utc ? new Date(wall) : new Date(y, mo - 1, d, h, mi, s, ms);
    return { date, hasTime: true };
  }
  const zone = zoneOf(rest.replace(/^\((.*)\)$/, "$1"));
  if (!zone) throw new DateTextError(`unknown time zone ${quote(rest)}`);
  return { date: new Date(wall - zone(wall) * 60_000), hasTime: true };
}

/**
 * A reader of dates for an import: `readDateText` under the rules, or, with `rules.format`, date-fns'
 * `parse` with that format (loaded only then). A refusal is a DateTextError.
 */
export async function dateTextReader(rules: DateRules, how: string): Promise<(text: string) => When> {
  if (!rules.format) return (text) => readDateText(text, rules, how);
  const format = rules.format;
  const { parse } = await import("date-fns/parse");
  const hasTime = /[HhKkmsSaBbp]/.test(format.replace(/'[^']*'/g, ""));
  const hasZone = /[XxOz]/.test(format.replace(/'[^']*'/g, ""));
  return (text) => {
    const local = parse(text.trim(), format, new Date(2000, 0, 1));
    if (Number.isNaN(local.getTime()) || !inCalendar(local)) throw new DateTextError(`it does not match the date format ${quote(format)}`);
    if (!rules.utc || hasZone || !hasTime) return { date: local, hasTime };
    const wall = Date.UTC(
      local.getFullYear(),
      local.getMonth(),
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
      local.getMilliseconds(),
    );
    return { date: new Date(wall), hasTime };
  };
}

/** Whether a date-fns format string is one (it must have a year, a month and a day). */
export function checkDateFormat(format: string): string | undefined {
  const bare = format.replace(/'[^']*'/g, "");
  if (!/[yu]/.test(bare) || !/[ML]/.test(bare) || !/d/.test(bare)) return "a date format needs a year (yyyy), a month (MM) and a day (dd)";
  return undefined;
}

// Calendar periods (month, quarter, year) for grouping dated records in reports. Dates are ISO
// calendar dates, "yyyy-mm-dd"; a longer ISO date-time is read by its date part as written (no time
// zone conversion), so a record lands in the period its stored date says.

export type PeriodKind = "month" | "quarter" | "year";

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** Milliseconds of a UTC calendar day; unlike Date.UTC, years 0–99 are not taken as 1900–1999. */
function utc(year: number, monthIndex: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, monthIndex, day);
  return t.getTime();
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/** Parses "yyyy-mm-dd" (optionally followed by a time); throws a RangeError for anything else,
 * including impossible dates such as 2023-02-29. */
export function parseIsoDate(date: string): CalendarDate {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`expected a date as yyyy-mm-dd, got "${date}"`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const check = new Date(utc(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`not a calendar date: "${date}"`);
  }
  return { year, month, day };
}

/** Days since 1970-01-01 of an ISO date; differences give whole days regardless of time zones. */
export function dayNumber(date: string): number {
  return dayNumberOf(parseIsoDate(date));
}

/** Days since 1970-01-01 of a parsed date. */
export function dayNumberOf({ year, month, day }: CalendarDate): number {
  return utc(year, month - 1, day) / 86_400_000;
}

/** ISO date of a day number. */
export function isoDateFromDayNumber(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Consecutive integer index of the period containing a date (next period = index + 1). */
export function periodIndex(date: string, kind: PeriodKind): number {
  return periodIndexOf(parseIsoDate(date), kind);
}

/** Period index of a parsed date. */
export function periodIndexOf({ year, month }: CalendarDate, kind: PeriodKind): number {
  if (kind === "year") return year;
  if (kind === "quarter") return year * 4 + Math.floor((month - 1) / 3);
  return year * 12 + (month - 1);
}

/** Label of a period index: "2024-03", "2024-Q1" or "2024". Sorts chronologically as a string. */
export function periodLabel(index: number, kind: PeriodKind): string {
  if (kind === "year") return String(index);
  if (kind === "quarter") return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Label of the period containing a date. */
export function periodKey(date: string, kind: PeriodKind): string {
  return periodLabel(periodIndex(date, kind), kind);
}

/** First and last day (inclusive, ISO dates) of a period index. */
export function periodBounds(index: number, kind: PeriodKind): { start: string; end: string } {
  const monthsLong = kind === "year" ? 12 : kind === "quarter" ? 3 : 1;
  const firstMonth = kind === "year" ? index * 12 : kind === "quarter" ? index * 3 : index; // months since year 0
  const start = utc(Math.floor(firstMonth / 12), firstMonth % 12, 1);
  const next = utc(Math.floor((firstMonth + monthsLong) / 12), (firstMonth + monthsLong) % 12, 1);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { start: iso(start), end: iso(next - 86_400_000) };
}

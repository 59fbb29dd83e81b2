// The one JSON writer: two-space JSON.stringify text, as one string or in chunks for large outputs.
// Rows read from the database one by one (a generator) are written as they come, never held whole.
// Also the shapes every command's JSON uses for values machines read (README "JSON conventions"):
// money, percentages and the report date.
import { chunked } from "./sink.js";
import { currencyDigits, formatMinor } from "../../io/money.js";
import { localDate } from "../../io/dates.js";

/**
 * Money for machines: a decimal string in major units with the currency's own number of decimals
 * ("216003.58", "1200.00", for JPY "1500"), rounded half away from zero; it goes next to a `currency` field.
 * `amount` is in major units (what the analytics compute), or in minor units with `{ minor: true }` (a bigint is always minor units).
 */
export function jsonMoney(amount: number | bigint, currency: string, { minor = false } = {}): string {
  if (typeof amount === "bigint") return formatMinor(amount, currency);
  const minorUnits = minor ? amount : Math.sign(amount) * Math.round(Math.abs(amount) * 10 ** currencyDigits(currency));
  return formatMinor(minorUnits + 0, currency);
}

/** A percentage for machines: a number from 0 to 100 (or null), two decimals at most; its field is named …Percent. */
export function jsonPercent(percent: number | null): number | null {
  return percent === null ? null : Math.round(percent * 100) / 100 + 0;
}

/** The moment a report describes, for machines: its local calendar date and the instant (UTC, ISO 8601). */
export function jsonAsOf(now: Date): { date: string; at: string } {
  return { date: localDate(now), at: now.toISOString() };
}

export function toJson(value: unknown): string {
  return stringify(value) + "\n";
}

// Exact integers beyond a JS number (money totals, held as BigInt) are written as JSON numbers with all
// their digits: JSON.stringify writes them as marked strings, whose quotes and mark are then removed.
const BIGINT_MARK = `\u0001bigint-${Math.random().toString(36).slice(2)}:`;
const BIGINT_TEXT = new RegExp(`"\\\\u0001${BIGINT_MARK.slice(1)}(-?\\d+)"`, "g");
const withBigInts = (_key: string, v: unknown) => (typeof v === "bigint" ? BIGINT_MARK + v : v);

function stringify(value: unknown): string {
  try {
    // No replacer on the common path: it would slow every large output down.
    return JSON.stringify(value, null, 2);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
  }
  return JSON.stringify(value, withBigInts, 2).replace(BIGINT_TEXT, "$1");
}

/**
 * toJson's text in chunks, exactly: arrays (and arrays in objects) of more than a few hundred items
 * are written item by item, each item by JSON.stringify; generators (rows streamed from the database)
 * are written as arrays, item by item; everything else as JSON.stringify writes it. (Indentation is
 * per line: JSON strings never hold a raw line break.)
 */
export function toJsonChunks(value: unknown): Iterable<string> {
  return chunked(
    (function* () {
      yield* jsonParts(value, "", "");
      yield "\n";
    })(),
  );
}

const STREAM_ITEMS = 256;
const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";
const isGenerator = (v: unknown): v is Iterable<unknown> => Object.prototype.toString.call(v) === "[object Generator]";
const streamed = (v: unknown): v is Iterable<unknown> => (Array.isArray(v) && v.length > STREAM_ITEMS) || isGenerator(v);

/** Whether printing `rows` as JSON is worth writing in chunks. */
export const isLarge = (rows: readonly unknown[]) => rows.length > STREAM_ITEMS;

/** The JSON of `value` whose first line starts at the current position and whose other lines are indented by `indent`. */
function* jsonParts(value: unknown, key: string, indent: string): Generator<string> {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function")
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  const inner = indent + "  ";
  if (streamed(value)) {
    let i = 0;
    yield "[";
    for (const item of value) {
      yield `${i ? "," : ""}\n${inner}`;
      yield* jsonParts(omitted(item) ? null : item, String(i), inner);
      i++;
    }
    yield i ? `\n${indent}]` : "]";
  } else if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).some(streamed)) {
    let first = true;
    yield "{";
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (omitted(v)) continue;
      yield `${first ? "" : ","}\n${inner}${JSON.stringify(k)}: `;
      first = false;
      yield* jsonParts(v, k, inner);
    }
    yield first ? "}" : `\n${indent}}`;
  } else {
    const text = stringify(value);
    yield indent ? text.replaceAll("\n", `\n${indent}`) : text;
  }
}

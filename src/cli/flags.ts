// Flag and argument values, parsed once at the edge into typed values: each parser is a commander
// `argParser` (so `--limit ten` fails while the command line is read, exit 2, before anything runs),
// and core receives numbers, intervals, dates and members of its own unions, never flag strings.
//
// A parser throws commander's InvalidArgumentError with the hint ("use a whole number, e.g. --limit 50");
// `flagErrorLine` turns commander's message into crm's one line, naming the flag and the value:
//   crm: invalid --limit "ten" — use a whole number, e.g. --limit 50 (see --help)
// Dates need the resolved "now" (and chrono-node, loaded on demand), so they are read when the
// command runs, through `when`/`until` below, with the same kind of message.
import { InvalidArgumentError } from "commander";
import { CrmError, quote, usageError, type ExitCode } from "../errors.js";
import { parseMoney } from "../io/money.js";
import { tryParseInterval, type Interval } from "../io/interval.js";
import type { DateOrder, When } from "../io/dates.js";
import { parseColumnMap } from "../io/column-map.js";

/** A parser for commander: the text given, and the value so far (repeatable options, variadic arguments). */
export type FlagParser<T, P = T> = (value: string, previous: P) => T;

const whole = (value: string) => {
  const text = String(value).trim().replace(/^#/, "");
  return /^\d+$/.test(text) ? Number(text) : undefined;
};

/**
 * A record id: `12` or `#12`. `what` names it in the message ("follow-up id"), `hint` says where to
 * find one. The message is complete (not only a hint): an id is an argument, whose name is terse.
 */
export function id(what = "id", hint = "use a number, e.g. 12"): FlagParser<number, unknown> {
  return (value) => {
    const n = whole(value);
    if (n === undefined || n === 0) throw new InvalidArgumentError(`invalid ${what} ${quote(value)} — ${hint}`);
    return n;
  };
}

/** Several ids (a variadic argument): each parsed like `id`, duplicates dropped, in the order given. */
export function ids(what = "id", hint = "use a number, e.g. 12"): FlagParser<number[], number[] | undefined> {
  const one = id(what, hint);
  return (value, previous = []) => {
    const n = one(value, undefined);
    return previous.includes(n) ? previous : [...previous, n];
  };
}

/** `--limit n`: a whole number, 0 or more. */
export const limit: FlagParser<number, unknown> = (value) => {
  const n = /^\d+$/.test(String(value).trim()) ? Number(value) : undefined;
  if (n === undefined) throw new InvalidArgumentError("use a whole number, e.g. --limit 50");
  return n;
};

/** A whole number from `min` (default 1) to `max`. */
export function count(min = 1, max = Number.MAX_SAFE_INTEGER): FlagParser<number, unknown> {
  return (value) => {
    const n = /^\d+$/.test(String(value).trim()) ? Number(value) : undefined;
    if (n === undefined || n < min || n > max)
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `use a whole number of ${min} or more` : `use a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A decimal number from `min` to `max` (rates, shares, probabilities as fractions). */
export function decimal(min: number, max: number): FlagParser<number, unknown> {
  return (value) => {
    const n = Number(value);
    if (!String(value).trim() || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`use a number from ${min} to ${max}`);
    return n;
  };
}

/**
 * A win probability: a whole percent 0–100, or "default" (or empty) to use the stage's own again.
 * ("default" rather than null: commander stores a parser's null as an empty string.)
 */
export const probability: FlagParser<number | "default", unknown> = (value) => {
  const v = String(value).trim().toLowerCase();
  if (v === "" || v === "default") return "default";
  if (!/^\d{1,3}$/.test(v) || Number(v) > 100) throw new InvalidArgumentError('use a whole percent from 0 to 100, or "default" for the stage\'s');
  return Number(v);
};

/** An interval: 3d, 2w, 1m, 1y, "30 days". */
export const interval: FlagParser<Interval, unknown> = (value) => {
  const parsed = tryParseInterval(value);
  if (!parsed) throw new InvalidArgumentError('use a positive interval, e.g. 3d, 2w, 1m, 1y, "30 days"');
  return parsed;
};

/**
 * One of a fixed list, case and surrounding spaces ignored; the value comes back as the list spells it.
 * `more` adds to the hint, e.g. "(or --overdue)".
 */
export function oneOf<const T extends string>(values: readonly T[], more?: string): FlagParser<T, unknown> {
  return (value) => {
    const v = String(value).trim().toLowerCase();
    const found = values.find((x) => x.toLowerCase() === v);
    if (found === undefined) throw new InvalidArgumentError(`use one of: ${values.join(", ")}${more ? ` ${more}` : ""}`);
    return found;
  };
}

/** A repeatable text option, collected into an array. */
export const collect: FlagParser<string[], string[] | undefined> = (value, previous = []) => [...previous, value];

// ---- read when the command runs ------------------------------------------------------------------

/**
 * `parser` applied when the command runs, for values whose list or rule lives in core (loaded with the
 * command, not with every start): the same message as at parse time, as a usage error (exit 2).
 */
export function read<T>(flag: string, value: string, parser: FlagParser<T, undefined>): T {
  try {
    return parser(value, undefined);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    const [message, hint] = flagMessage(flag, value, err.message);
    throw usageError(message, hint);
  }
}

/** Where the date-order setting comes from, for slash dates typed in flags (the context sets it). */
let dateOrderSetting: (() => Promise<DateOrder | undefined>) | undefined;

/** Sets how `when` learns the date-order setting: asked only when a slash or dot date is typed. */
export function readDateOrderFrom(lookup: () => Promise<DateOrder | undefined>): void {
  dateOrderSetting = lookup;
}

/** A date or time as users type it (`friday`, `+2w`, `2026-03-06 14:00`, `24/12/2026`), relative to `now`. */
export async function when(value: string, now: Date, flag: string): Promise<When> {
  // The calendar (and date-fns with it) loads when a date is read, not when the program starts.
  const { parseWhen } = await import("../io/dates.js");
  return parseWhen(value, now, `${flag} date`, dateOrderSetting);
}

/** `when`'s instant, or undefined when the flag was not given. */
export async function whenDate(value: string | undefined, now: Date, flag: string): Promise<Date | undefined> {
  return value === undefined ? undefined : (await when(value, now, flag)).date;
}

/** An amount of money (`1200`, `1,200.50`, `€1200`, `"1200 EUR"`) in minor units, read by core/money. */
export function amount(value: string, opts: { flag: string; currency?: string; defaultCurrency: string }): { minor: number; currency: string } {
  return parseMoney(value, opts);
}

/**
 * Core refuses in the domain's words ("5 clusters need at least 5 customers"); when the value came
 * from a flag, the command names it: a refusal of exit code `code` that carries no hint gets `hint`.
 */
export function withFlagHint<T>(code: ExitCode, hint: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof CrmError && err.exitCode === code && !err.hint) throw new CrmError(err.message, err.exitCode, hint);
    throw err;
  }
}

// ---- the message ---------------------------------------------------------------------------------

const OPTION = /^error: option '([^' ,]+)[^']*' argument '([\s\S]*)' is invalid\. ([\s\S]*)$/;
const ARGUMENT = /^error: command-argument value '([\s\S]*)' is invalid for argument '([^']*)'\. ([\s\S]*)$/;

/**
 * crm's line for commander's "invalid value" errors: `invalid --flag "value" — hint` ("unknown" when the
 * value is not in a list); a parser's complete message ("invalid follow-up id …") is kept as it is.
 * Undefined for every other message.
 */
export function flagErrorLine(message: string): string | undefined {
  const option = OPTION.exec(message.trimEnd());
  const argument = option ? undefined : ARGUMENT.exec(message.trimEnd());
  if (!option && !argument) return undefined;
  const [name, value, detail] = option ? [option[1]!, option[2]!, option[3]!] : [argument![2]!, argument![1]!, argument![3]!];
  return flagMessage(name, value, detail).filter(Boolean).join(" — ");
}

/** The message and the hint for a value `name` cannot take; `detail` is the parser's hint or whole message. */
function flagMessage(name: string, value: string, detail: string): [message: string, hint: string | undefined] {
  if (/^(invalid|unknown) /.test(detail)) {
    const [message, ...hint] = detail.split(" — ");
    return [message!, hint.join(" — ") || undefined];
  }
  return [`${detail.startsWith("use one of") ? "unknown" : "invalid"} ${name} ${quote(value)}`, detail];
}

/** `--field key=value`: a custom field as [key, value]; the key ends at the first "=", an empty value clears it. */
export const fieldPair: FlagParser<[string, string], unknown> = (value) => {
  const text = String(value);
  const i = text.indexOf("=");
  const key = i > 0 ? text.slice(0, i).trim() : "";
  if (!key) throw new InvalidArgumentError("use key=value, e.g. --field birthday=1815-12-10");
  return [key, text.slice(i + 1).trim()];
};

/** `--map "Source Column=field,..."` (repeatable): source column → target field, in the order given. */
export const columnMap: FlagParser<Map<string, string>, Map<string, string> | undefined> = (value, previous) => {
  try {
    return new Map([...(previous ?? []), ...parseColumnMap(String(value), "--map entry")]);
  } catch (err) {
    if (err instanceof CrmError) throw new InvalidArgumentError(`${err.message} — use "Source Column=field", e.g. --map "Order Total=amount,Buyer=email"`);
    throw err;
  }
};

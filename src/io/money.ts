// Money: integer minor units with an ISO 4217 currency, parsed from text without ever passing through
// floating point ("19.99" → 1999 by string arithmetic), and formatted back as a decimal string.
import { usageError, quote } from "../errors.js";

const CURRENCY_HINT = "use a three-letter ISO 4217 code such as EUR, USD, GBP";
const AMOUNT_HINT = 'use a positive decimal such as 1200, 1200.50, 1,200.50, €1200 or "1200 EUR"';

const digitsCache = new Map<string, number>();
let knownCurrencies: Set<string> | undefined;

/**
 * The ISO 4217 minor-unit digits of the most used currencies, as ICU gives them (a test checks each
 * against Intl): the first Intl.NumberFormat starts ICU, ~15 ms, which a command that only formats an
 * amount in one of these can skip. Any other currency is asked of ICU.
 */
const COMMON_DIGITS: ReadonlyMap<string, number> = new Map([
  ...["EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "CNY", "INR", "BRL", "MXN", "ZAR", "SGD", "HKD"].map(
    (c) => [c, 2] as const,
  ),
  ["JPY", 0],
  ["KRW", 0],
  ["BHD", 3],
  ["KWD", 3],
]);

/** Minor-unit digits of a currency (EUR 2, JPY 0, BHD 3), from the runtime's ICU data. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency) ?? COMMON_DIGITS.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** True for the codes the runtime knows. Intl.NumberFormat itself accepts any three letters ("XYZ"). */
function isKnownCurrency(code: string): boolean {
  if (typeof Intl.supportedValuesOf !== "function") return true;
  knownCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  return knownCurrencies.has(code);
}

export function normaliseCurrency(code: string): string {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(c)) throw usageError(`invalid currency ${quote(code)}`, CURRENCY_HINT);
  if (!isKnownCurrency(c)) throw usageError(`unknown currency ${quote(code)}`, CURRENCY_HINT);
  return c;
}

/** Symbols accepted before or after the number. `$` means USD, `¥` JPY: write the code for others. */
const SYMBOLS: Record<string, string> = { "€": "EUR", $: "USD", "£": "GBP", "¥": "JPY" };

// [sign] [symbol|code] [sign] number [symbol|code] — spaces allowed between the parts.
const AMOUNT_SHAPE = /^([-+−])?\s*([€$£¥]|[A-Za-z]{3})?\s*([-+−])?\s*([0-9.,]+)\s*([€$£¥]|[A-Za-z]{3})?$/;
const PLAIN = /^\d+(\.\d+)?$|^\.\d+$/;
// At most 12 + 3 digits: always below Number.MAX_SAFE_INTEGER in minor units.
const SIMPLE = /^(\d{1,12})(?:\.(\d{1,3}))?$/;
const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * Parses an amount as people type it: `1200`, `1200.50`, `1,200.50`, `.5`, `€1200`, `1200€`, `1200 EUR`,
 * `EUR 1200`. A comma is a thousands separator only in groups of three (`1,200.50`); a decimal comma
 * (`12,50`) is refused as ambiguous, as are spaces inside the number, exponents, more decimals than the
 * currency has, negative amounts, unknown currency codes, and a symbol and a code that disagree
 * (`€12 USD`). Every refusal exits 2 naming the value. Returns minor units and the currency named in the
 * text, else `defaultCurrency`. Zero is accepted (a deal without an amount); callers that need more
 * than zero say so.
 */
export function parseAmount(text: string, defaultCurrency: string, flag = "amount"): { minor: number; currency: string } {
  return readAmount(text, defaultCurrency, flag)!;
}

/**
 * Refuses (exit 2) what is no amount in any currency: not a number, negative, an unknown currency or two.
 * The decimals and the size depend on the currency (the default one is in the database), so they are
 * left to `parseAmount`: this check runs before the database is opened.
 */
export function checkAmountShape(text: string, flag = "amount"): void {
  readAmount(text, undefined, flag);
}

/** parseAmount; with no default currency, only the shape is checked and nothing is returned. */
function readAmount(text: string, defaultCurrency: string | undefined, flag: string): { minor: number; currency: string } | undefined {
  // Fast path for what imports are made of, a plain "1234" or "1234.5": the same result as below.
  const plain = SIMPLE.exec(text);
  if (plain && defaultCurrency !== undefined) {
    const frac = plain[2] ?? "";
    const digits = currencyDigits(defaultCurrency);
    if (frac.length <= digits) return { minor: Number(plain[1]! + frac.padEnd(digits, "0")), currency: defaultCurrency };
  }
  const fail = (why: string) => usageError(`invalid ${flag} ${quote(text)}: ${why}`, AMOUNT_HINT);
  const m = AMOUNT_SHAPE.exec(text.trim());
  if (!m) {
    if (/^\s*(?:[€$£¥]|[A-Za-z]{3})?\s*[-−]\s*(?:[€$£¥]|[A-Za-z]{3})?\s*[\d.]/.test(text)) throw fail("amounts cannot be negative");
    throw fail(text.trim() ? "not a number" : "empty");
  }
  const [, sign1, before, sign2, number = "", after] = m as unknown as (string | undefined)[];
  if (sign1 && sign2) throw fail("not a number");
  const sign = sign1 ?? sign2;
  if (sign === "-" || sign === "−") throw fail("amounts cannot be negative");

  const named = [before, after]
    .filter((x): x is string => x !== undefined)
    .map((unit) => {
      if (SYMBOLS[unit]) return SYMBOLS[unit]!;
      try {
        return normaliseCurrency(unit);
      } catch {
        throw fail(`unknown currency ${quote(unit)}`);
      }
    });
  if (named.length === 2 && named[0] !== named[1]) throw fail(`it names two currencies, ${named[0]} and ${named[1]}`);
  if (!PLAIN.test(number) && !GROUPED.test(number)) {
    if (/,\d{1,2}$/.test(number)) throw fail("a decimal comma is ambiguous; write the decimals with a point, e.g. 12.50");
    throw fail("not a number");
  }
  const currency = named[0] ?? defaultCurrency;
  if (currency === undefined) return undefined;
  const [whole = "", frac = ""] = number.replaceAll(",", "").split(".");
  const digits = currencyDigits(currency);
  if (frac.length > digits) throw fail(digits ? `${currency} has ${digits} decimal places` : `${currency} has no decimal places`);
  // Whole and fraction are joined as digits and read as an integer: no float ever holds the amount.
  const minorText = ((whole || "0") + frac.padEnd(digits, "0")).replace(/^0+(?=\d)/, "");
  if (BigInt(minorText) > BigInt(Number.MAX_SAFE_INTEGER)) throw fail("too large");
  return { minor: Number(minorText), currency };
}

/**
 * An amount with an optional explicit `--currency`: the text may name a currency itself (`€1200`), and
 * if both are given they must agree. Without either, the default currency applies.
 */
export function parseMoney(text: string, opts: { currency?: string; defaultCurrency: string; flag?: string }): { minor: number; currency: string } {
  const explicit = opts.currency !== undefined ? normaliseCurrency(opts.currency) : undefined;
  const parsed = parseAmount(text, explicit ?? opts.defaultCurrency, opts.flag);
  if (explicit && parsed.currency !== explicit)
    throw usageError(
      `the ${opts.flag ?? "amount"} ${quote(text)} is in ${parsed.currency} but --currency says ${explicit}`,
      "give the currency once, in the amount or with --currency",
    );
  return parsed;
}

/** "1234.50" for 123450 EUR: a plain decimal string for JSON/CSV. Exact for sums held as BigInt. */
export function formatMinor(minor: number | bigint, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = minor < 0 ? "-" : "";
  const magnitude = typeof minor === "bigint" ? (minor < 0n ? -minor : minor) : Math.abs(Math.round(minor));
  const abs = String(magnitude).padStart(digits + 1, "0");
  return digits ? `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}` : `${sign}${abs}`;
}

/** "1,234.50 EUR": for people. */
export function formatMoney(minor: number | bigint, currency: string): string {
  const [whole, frac] = formatMinor(minor, currency).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${grouped}${frac ? "." + frac : ""} ${currency}`;
}

/**
 * The largest total of minor units crm adds up: SQLite's integers (and its sum()) stop at 2^63 − 1.
 * Totals are kept as BigInt up to it, and a purchase that would take one past it is refused.
 */
export const MAX_TOTAL_MINOR = 2n ** 63n - 1n;

// Money: integer minor units with an ISO 4217 currency, parsed from text without ever passing through
// floating point ("19.99" → 1999 by string arithmetic), and formatted back as a decimal string.
import { usageError, quote } from "../errors.js";

const digitsCache = new Map<string, number>();

/** Minor-unit digits of a currency (EUR 2, JPY 0, BHD 3), from the runtime's ICU data. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

export function normaliseCurrency(code: string): string {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(c)) throw usageError(`invalid currency ${quote(code)}`, "use a three-letter ISO 4217 code such as EUR, USD, GBP");
  try {
    currencyDigits(c);
  } catch {
    throw usageError(`unknown currency ${quote(code)}`, "use a three-letter ISO 4217 code such as EUR, USD, GBP");
  }
  return c;
}

const SYMBOLS: Record<string, string> = { "€": "EUR", $: "USD", "£": "GBP", "¥": "JPY" };

/**
 * Parses an amount as people type it: `1200`, `1200.50`, `1,200.50`, `€1200`, `1200 EUR`.
 * A comma is a thousands separator only in groups of three (`1,200.50`); a decimal comma (`12,50`) is
 * refused as ambiguous. Negative, empty or non-numeric amounts, or more decimals than the currency
 * has, exit 2 naming the value. Returns minor units and the currency named in the text, if any.
 */
export function parseAmount(text: string, defaultCurrency: string, flag = "amount"): { minor: number; currency: string } {
  const fail = (why: string) =>
    usageError(`invalid ${flag} ${quote(text)}: ${why}`, "use a positive decimal such as 1200, 1200.50, 1,200.50 or €1200");
  let s = text.trim();
  let currency: string | undefined;
  const symbol = Object.keys(SYMBOLS).find((sym) => s.startsWith(sym) || s.endsWith(sym));
  if (symbol) {
    currency = SYMBOLS[symbol];
    s = (s.startsWith(symbol) ? s.slice(symbol.length) : s.slice(0, -symbol.length)).trim();
  }
  const code = /^([A-Za-z]{3})\s*(.*)$/.exec(s) ?? /^(.*?)\s*([A-Za-z]{3})$/.exec(s);
  if (code) {
    const [c, rest] = /^[A-Za-z]{3}$/.test(code[1]!) ? [code[1]!, code[2]!] : [code[2]!, code[1]!];
    currency = normaliseCurrency(c);
    s = rest.trim();
  }
  if (s.startsWith("-")) throw fail("amounts cannot be negative");
  if (s.startsWith("+")) s = s.slice(1);
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$/.test(s)) throw fail("not a number");
  const [whole = "", frac = ""] = s.replaceAll(",", "").split(".");
  const cur = currency ?? defaultCurrency;
  const digits = currencyDigits(cur);
  if (frac.length > digits) throw fail(`${cur} has ${digits} decimal places`);
  const minorText = (whole || "0") + frac.padEnd(digits, "0");
  const minor = Number(minorText);
  if (!Number.isSafeInteger(minor)) throw fail("too large");
  return { minor, currency: cur };
}

/** "1234.50" for 123450 EUR: a plain decimal string for JSON/CSV. */
export function formatMinor(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(Math.round(minor))).padStart(digits + 1, "0");
  return digits ? `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}` : `${sign}${abs}`;
}

/** "1,234.50 EUR": for people. */
export function formatMoney(minor: number, currency: string): string {
  const [whole, frac] = formatMinor(minor, currency).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${grouped}${frac ? "." + frac : ""} ${currency}`;
}

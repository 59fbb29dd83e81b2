// User settings (`crm config`): known keys with their defaults and validation, stored in `settings`.
import type { Store } from "../../db/open.js";
import type { SettingRow } from "../../db/rows.js";
import { usageError, quote } from "../../errors.js";
import type { DateOrder } from "../../io/dates.js";
import { normaliseCurrency } from "../../io/money.js";
import { formatInterval, tryParseInterval } from "../../io/interval.js";

interface SettingSpec {
  description: string;
  default: string;
  /** Returns the normalised value or throws a usage error. */
  validate: (value: string) => string;
}

const percent = (key: string) => (v: string) => {
  if (!/^\d{1,3}$/.test(v.trim()) || Number(v) > 100) throw usageError(`invalid ${key} ${quote(v)}`, "use a whole number from 0 to 100");
  return String(Number(v));
};
const fraction = (key: string) => (v: string) => {
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0 || n > 1) throw usageError(`invalid ${key} ${quote(v)}`, "use a number from 0 to 1, e.g. 0.5");
  return String(n);
};

const intervalSetting = (key: string) => (v: string) => {
  const interval = tryParseInterval(v);
  if (!interval) throw usageError(`invalid ${key} ${quote(v)}`, "use an interval such as 1d, 2w or 1m");
  return formatInterval(interval);
};
/** A comma-separated list of domains or addresses, lower-cased; empty clears it. */
const mailList = (key: string, what: "domain" | "address") => (v: string) => {
  const items = v
    .split(/[\s,]+/)
    .map((x) => x.trim().toLowerCase().replace(/^@/, ""))
    .filter(Boolean);
  const pattern = what === "domain" ? /^[a-z0-9-]+(\.[a-z0-9-]+)+$/ : /^[^@\s]+@[^@\s]+$/;
  const bad = items.find((x) => !pattern.test(x));
  if (bad)
    throw usageError(
      `invalid ${what} ${quote(bad)} in ${key}`,
      what === "domain" ? "e.g. news.example.com,mailchimp.com" : "e.g. me@example.com,me@work.example",
    );
  return items.join(",");
};

export const STAGE_DEFAULT_PROBABILITIES = { lead: 10, qualified: 25, proposal: 50, negotiation: 75, won: 100, lost: 0 } as const;

const SETTINGS: Record<string, SettingSpec> = {
  currency: { description: "default currency (ISO 4217)", default: "EUR", validate: normaliseCurrency },
  ...Object.fromEntries(
    Object.entries(STAGE_DEFAULT_PROBABILITIES).map(([stage, p]) => [
      `probability.${stage}`,
      { description: `win probability of the ${stage} stage, in percent`, default: String(p), validate: percent(`probability.${stage}`) },
    ]),
  ),
  "date-order": {
    description: "how slash and dot dates (03/05/2026, 3.5.2026) are read: dmy, mdy or ymd; unset: an ambiguous one is refused",
    default: "",
    validate: (v) => {
      const order = v.trim().toLowerCase();
      if (order !== "" && !["dmy", "mdy", "ymd"].includes(order)) throw usageError(`invalid date-order ${quote(v)}`, "use dmy, mdy or ymd");
      return order;
    },
  },
  "churn.threshold": { description: "P(alive) under which a customer counts as at risk", default: "0.5", validate: fraction("churn.threshold") },
  "mail.ignore": { description: "sender domains whose mail is never logged (comma-separated)", default: "", validate: mailList("mail.ignore", "domain") },
  "mail.me": { description: "your own addresses besides the mail accounts' users (comma-separated)", default: "", validate: mailList("mail.me", "address") },
  "mail.reply-after": { description: "a received email waits for your reply after this long", default: "1d", validate: intervalSetting("mail.reply-after") },
  "mail.reply-window": { description: "emails older than this no longer wait for a reply", default: "30d", validate: intervalSetting("mail.reply-window") },
};

// Exchange rates the user sets, one key per currency: `rate.USD 0.92` means one USD is worth 0.92 of the
// default currency. crm never fetches rates; customer analytics use them with `--currency all`.
const RATE_KEY = /^rate\.([A-Za-z]{3})$/;
const rateSpec = (currency: string): SettingSpec => ({
  description: `exchange rate: what one ${currency} is worth in the default currency (for --currency all)`,
  default: "",
  validate: (v) => {
    const n = Number(v);
    if (!/^\s*\d*\.?\d+\s*$/.test(v) || !(n > 0) || !Number.isFinite(n))
      throw usageError(`invalid rate.${currency} ${quote(v)}`, `use a positive decimal: what one ${currency} is worth in the default currency, e.g. 0.92`);
    return String(n);
  },
});

/** The stored key of a setting: rate keys get an upper-case, known currency code (rate.usd → rate.USD). */
function canonicalKey(key: string): string {
  const rate = RATE_KEY.exec(key.trim());
  return rate ? `rate.${normaliseCurrency(rate[1]!)}` : key;
}

function spec(key: string): SettingSpec {
  const rate = RATE_KEY.exec(key);
  if (rate) return rateSpec(rate[1]!);
  const s = SETTINGS[key];
  if (!s) throw usageError(`unknown setting ${quote(key)}`, `known settings: ${Object.keys(SETTINGS).join(", ")}, rate.<currency>`);
  return s;
}

export function getSetting(store: Store, key: string): string {
  key = canonicalKey(key);
  const s = spec(key);
  const row = store.sqlite.prepare<[string], Pick<SettingRow, "value">>("select value from settings where key = ?").get(key);
  return row?.value ?? s.default;
}

/** The value as it would be stored, or a usage error (an unknown key, a bad value); reads nothing. */
export function checkSetting(key: string, value: string): string {
  return spec(key).validate(value);
}

export function setSetting(store: Store, key: string, value: string): string {
  key = canonicalKey(key);
  const normalised = checkSetting(key, value);
  store.sqlite.prepare("insert into settings(key, value) values (?, ?) on conflict(key) do update set value = excluded.value").run(key, normalised);
  return normalised;
}

/** The exchange rates set (`rate.XXX`), by currency code. */
export function exchangeRates(store: Store): Map<string, number> {
  const rows = store.sqlite.prepare<[], Pick<SettingRow, "key" | "value">>("select key, value from settings where key like 'rate.%' order by key").all();
  return new Map(rows.map((r) => [r.key.slice("rate.".length), Number(r.value)]));
}

export function listSettings(store: Store): { key: string; value: string; default: string; description: string }[] {
  const rates = [...exchangeRates(store).keys()].map((currency) => [`rate.${currency}`, rateSpec(currency)] as const);
  return [...Object.entries(SETTINGS), ...rates].map(([key, s]) => ({ key, value: getSetting(store, key), default: s.default, description: s.description }));
}

export const defaultCurrency = (store: Store) => getSetting(store, "currency");

/** How slash and dot dates are read (`crm config set date-order`), undefined when not set. */
export const dateOrder = (store: Store): DateOrder | undefined => (getSetting(store, "date-order") || undefined) as DateOrder | undefined;

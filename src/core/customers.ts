// Customers as the analytics see them: each contact's purchase history (up to "now", in one currency)
// condensed into the per-customer inputs of RFM, BG/NBD and Gamma-Gamma. Purchases on the same local
// calendar day count as one transaction for the models (as in Fader, Hardie & Lee's CDNOW analysis).
import type { Store } from "../db/open.js";
import { usageError, quote } from "../errors.js";
import { currencyDigits, normaliseCurrency } from "./money.js";
import { getSetting } from "./settings.js";
import { localDate } from "../io/dates.js";
import { dayNumber } from "../analytics/period.js";

export { dayNumber };

export interface CustomerSummary {
  contactId: number;
  /** Number of purchases (rows), for RFM's F. */
  purchases: number;
  /** Total spend in minor units, for RFM's M. */
  totalMinor: number;
  /** Local calendar days "YYYY-MM-DD". */
  firstDay: string;
  lastDay: string;
  /** Days since the last purchase, as of now. */
  recencyDays: number;
  /** Repeat transactions: distinct purchase days − 1. */
  x: number;
  /** Days from the first to the last purchase day. */
  txDays: number;
  /** Days from the first purchase day to today. */
  ageDays: number;
  /** Mean spend of the repeat days, in major units (0 when x = 0). */
  repeatMean: number;
}

export interface CustomerData {
  currency: string;
  /** Today's local date, the report date. */
  today: string;
  customers: CustomerSummary[];
  /** Currencies present but not analysed (reports say so). */
  otherCurrencies: string[];
}

/**
 * The currency a customer report analyses: `--currency` when given, else the default currency when it
 * has purchases, else the currency with the most purchases.
 */
export function reportCurrency(store: Store, now: Date, requested?: string): { currency: string; others: string[] } {
  const present = store.sqlite
    .prepare("select currency, count(*) n from purchases where at <= ? and contact_id is not null group by currency order by n desc")
    .all(now.toISOString()) as { currency: string; n: number }[];
  const codes = present.map((p) => p.currency);
  let currency: string;
  if (requested) {
    currency = normaliseCurrency(requested);
    if (codes.length && !codes.includes(currency))
      throw usageError(`no purchases in ${quote(currency)}`, `purchases exist in: ${codes.join(", ")}`);
  } else {
    const preferred = getSetting(store, "currency");
    currency = codes.includes(preferred) || !codes.length ? preferred : codes[0]!;
  }
  return { currency, others: codes.filter((c) => c !== currency) };
}

export function loadCustomers(store: Store, now: Date, requestedCurrency?: string): CustomerData {
  const { currency, others } = reportCurrency(store, now, requestedCurrency);
  const scale = 10 ** currencyDigits(currency);
  const today = localDate(now);
  const todayNumber = dayNumber(today);
  // One row per customer and local day, in order: the whole history streams through once.
  const rows = store.sqlite
    .prepare(
      `select contact_id as id, date(at, 'localtime') as day, sum(amount_minor) as total, count(*) as n
       from purchases where contact_id is not null and currency = ? and at <= ?
       group by contact_id, day order by contact_id, day`,
    )
    .raw()
    .iterate(currency, now.toISOString()) as IterableIterator<[number, string, number, number]>;
  const customers: CustomerSummary[] = [];
  let current: CustomerSummary | undefined;
  let repeatTotal = 0;
  const finish = () => {
    if (!current) return;
    current.repeatMean = current.x > 0 ? repeatTotal / current.x / scale : 0;
    customers.push(current);
  };
  for (const [id, day, total, n] of rows) {
    if (!current || current.contactId !== id) {
      finish();
      const first = dayNumber(day);
      current = {
        contactId: id, purchases: 0, totalMinor: 0, firstDay: day, lastDay: day, recencyDays: 0,
        x: -1, txDays: 0, ageDays: todayNumber - first, repeatMean: 0,
      };
      repeatTotal = -total;
    }
    current.purchases += n;
    current.totalMinor += total;
    current.x += 1;
    current.lastDay = day;
    current.txDays = dayNumber(day) - dayNumber(current.firstDay);
    current.recencyDays = todayNumber - dayNumber(day);
    repeatTotal += total;
  }
  finish();
  return { currency, today, customers, otherCurrencies: others };
}

/** Names and emails of the given contacts, for report rows. */
export function contactNames(store: Store, ids: readonly number[]): Map<number, { name: string; email: string | null }> {
  const rows = store.sqlite
    .prepare("select id, name, email from contacts where id in (select value from json_each(?))")
    .all(JSON.stringify(ids)) as { id: number; name: string; email: string | null }[];
  return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
}

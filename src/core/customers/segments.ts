// Customer segments: RFM scores and segments (rules of the `rfm` R package) and k-means clusters,
// computed from the purchase history; plus the per-person analytics shown by `crm contact show`.
import type { Store } from "../../db/open.js";
import { usageError, quote } from "../../errors.js";
import { rfmScores, rfmSummary, RFM_SEGMENTS, type RfmScoredCustomer, type RfmSegment } from "../../analytics/rfm.js";
import { kmeansSegments } from "../../analytics/kmeans.js";
import { contactNames, loadCustomers, type CustomerData } from "./customers.js";
import { currencyDigits } from "../../io/money.js";
import { customerScore, segmentMembers } from "./scores.js";

export interface RfmRow extends RfmScoredCustomer {
  contactId: number;
  /** Who it is (`--detail` shows people, not only ids). */
  name: string;
  email: string | null;
}

function scoreCustomers(data: CustomerData): RfmRow[] {
  const scale = 10 ** currencyDigits(data.currency);
  // Fields copied one by one rather than spread: spreading 80,000 objects is several times slower.
  return rfmScores(data.customers.map((c) => ({ id: c.contactId, recencyDays: c.recencyDays, frequency: c.purchases, monetary: c.totalMinor / scale }))).map(
    (s) => ({
      id: s.id,
      recencyDays: s.recencyDays,
      frequency: s.frequency,
      monetary: s.monetary,
      r: s.r,
      f: s.f,
      m: s.m,
      segment: s.segment,
      contactId: s.id as number,
      name: "",
      email: null,
    }),
  );
}

/** RFM scores and segments; the customers' names and emails only `withNames` (a summary needs none). */
export function rfmReport(store: Store, now: Date, currency?: string, withNames = true) {
  const data = loadCustomers(store, now, currency);
  const scored = scoreCustomers(data);
  if (withNames) {
    const names = contactNames(
      store,
      scored.map((s) => s.contactId),
    );
    for (const s of scored) {
      const known = names.get(s.contactId);
      s.name = known?.name ?? "";
      s.email = known?.email ?? null;
    }
  }
  return {
    currency: data.currency,
    asOf: data.today,
    otherCurrencies: data.otherCurrencies,
    convertedAt: data.convertedAt,
    summary: rfmSummary(scored),
    customers: scored,
  };
}

export function kmeansReport(store: Store, now: Date, opts: { k?: number; currency?: string }) {
  const data = loadCustomers(store, now, opts.currency);
  if (opts.k !== undefined && data.customers.length < opts.k)
    throw usageError(`${opts.k} clusters need at least ${opts.k} customers, there are ${data.customers.length}`);
  const scale = 10 ** currencyDigits(data.currency);
  const clustering = kmeansSegments(
    data.customers.map((c) => ({ id: c.contactId, recencyDays: c.recencyDays, frequency: c.purchases, monetary: c.totalMinor / scale })),
    { k: opts.k },
  );
  const names = contactNames(
    store,
    data.customers.map((c) => c.contactId),
  );
  return {
    currency: data.currency,
    asOf: data.today,
    otherCurrencies: data.otherCurrencies,
    convertedAt: data.convertedAt,
    ...clustering,
    customers: data.customers.map((c, i) => ({
      contactId: c.contactId,
      name: names.get(c.contactId)?.name ?? "",
      email: names.get(c.contactId)?.email ?? null,
      cluster: clustering.assignment[i]!,
      recencyDays: c.recencyDays,
      frequency: c.purchases,
      monetary: c.totalMinor / scale,
    })),
  };
}

/** The segment name as the user typed it, matched case-insensitively; unknown names exit 2 listing the valid ones. */
function parseSegment(name: string): RfmSegment {
  const wanted = name.trim().toLowerCase().replace(/[’`]/g, "'");
  const found = RFM_SEGMENTS.find((s) => s.toLowerCase() === wanted);
  if (!found) throw usageError(`unknown segment ${quote(name)}`, `use one of: ${RFM_SEGMENTS.join(", ")}`);
  return found;
}

/** Every customer's RFM segment (contacts without purchases have none). */
export function segmentOfEachCustomer(store: Store, now: Date): Map<number, RfmSegment> {
  return new Map(scoreCustomers(loadCustomers(store, now)).map((c) => [c.contactId, c.segment]));
}

/** The members of an RFM segment (of the customers in the default currency), from the stored scores. */
export function contactIdsInSegment(store: Store, segment: string, now: Date): number[] {
  return segmentMembers(store, parseSegment(segment), now);
}

export interface CustomerAnalytics {
  segment: RfmSegment;
  r: number;
  f: number;
  m: number;
  /** The currency the person pays in (most of their purchases; the latest on a tie): the analytics
   * compare them with the other customers who pay in it. */
  currency: string;
  /** P(alive) under BG/NBD, 0–1, when that model could be fitted. */
  pAlive?: number;
  /** Expected value of the next 12 months, in major units of `currency`. */
  clv12Months?: number;
  /** The version of the purchase data these were computed from (see scores.ts). */
  dataVersion: number;
}

/** The currency of most of a person's purchases up to now (the latest purchase's on a tie); one refunded in
 * full is no purchase, as for the analytics. */
function currencyPaidIn(store: Store, id: number, now: Date): string | undefined {
  return store.sqlite
    .prepare<[number, string], string>(
      `select currency from purchases where contact_id = ? and at <= ? and (refunded_minor = 0 or amount_minor > refunded_minor)
       group by currency order by count(*) desc, max(at) desc limit 1`,
    )
    .pluck()
    .get(id, now.toISOString());
}

/** RFM segment, P(alive) and CLV of one person, in the currency they pay in, when they are a customer
 * (undefined otherwise): the stored scores, recomputed when the purchases or settings changed. */
export function customerAnalytics(store: Store, id: number, now: Date): CustomerAnalytics | undefined {
  const currency = currencyPaidIn(store, id, now);
  if (!currency) return undefined;
  const { dataVersion, score } = customerScore(store, id, currency, now);
  if (!score) return undefined;
  const result: CustomerAnalytics = { segment: score.segment, r: score.r, f: score.f, m: score.m, currency, dataVersion };
  if (score.pAlive !== null) result.pAlive = score.pAlive;
  if (score.clv !== null) result.clv12Months = score.clv;
  return result;
}

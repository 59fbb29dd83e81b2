// Customer segments: RFM scores and segments (rules of the `rfm` R package) and k-means clusters,
// computed from the purchase history; plus the per-person analytics shown by `crm contact show`.
import type { Store } from "../../db/open.js";
import { CrmError, usageError, quote } from "../../errors.js";
import { rfmScores, rfmSummary, RFM_SEGMENTS, type RfmScoredCustomer, type RfmSegment } from "../../analytics/rfm.js";
import { kmeansSegments } from "../../analytics/kmeans.js";
import { contactNames, loadCustomers, type CustomerData } from "./customers.js";
import { currencyDigits } from "../../io/money.js";
import { customerClv } from "./lifetime.js";

export interface RfmRow extends RfmScoredCustomer {
  contactId: number;
  /** Who it is (`--detail` shows people, not only ids). */
  name: string;
  email: string | null;
}

function scoreCustomers(data: CustomerData): RfmRow[] {
  const scale = 10 ** currencyDigits(data.currency);
  return rfmScores(data.customers.map((c) => ({ id: c.contactId, recencyDays: c.recencyDays, frequency: c.purchases, monetary: c.totalMinor / scale }))).map(
    (s) => ({ ...s, contactId: s.id as number, name: "", email: null }),
  );
}

export function rfmReport(store: Store, now: Date, currency?: string) {
  const data = loadCustomers(store, now, currency);
  const scored = scoreCustomers(data);
  const names = contactNames(
    store,
    scored.map((s) => s.contactId),
  );
  for (const s of scored) Object.assign(s, { name: names.get(s.contactId)?.name ?? "", email: names.get(s.contactId)?.email ?? null });
  return { currency: data.currency, asOf: data.today, otherCurrencies: data.otherCurrencies, summary: rfmSummary(scored), customers: scored };
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

export function contactIdsInSegment(store: Store, segment: string, now: Date): number[] {
  const wanted = parseSegment(segment);
  return scoreCustomers(loadCustomers(store, now))
    .filter((c) => c.segment === wanted)
    .map((c) => c.contactId);
}

/** RFM segment, P(alive) and CLV of one person, when they are a customer (undefined otherwise). */
export function customerAnalytics(store: Store, id: number, now: Date): Record<string, unknown> | undefined {
  const data = loadCustomers(store, now);
  const rfm = scoreCustomers(data).find((c) => c.contactId === id);
  if (!rfm) return undefined;
  const result: Record<string, unknown> = { segment: rfm.segment, rfm: `R${rfm.r} F${rfm.f} M${rfm.m}` };
  let clv: ReturnType<typeof customerClv>;
  try {
    clv = customerClv(store, now, id, data);
  } catch (err) {
    // Too little history for any CLV model: the profile simply has none.
    if (err instanceof CrmError) return result;
    throw err;
  }
  const row = clv.row;
  if (row && clv.model === "bgnbd") result.pAlive = Math.round(row.pAlive! * 1000) / 1000;
  if (row) result.clv12Months = `${row.clv} ${clv.currency}`;
  return result;
}

// Purchases: what each customer bought, when, for how much. They are the input of every customer
// report (RFM, CLV, retention), so they stay plain rows — integer minor units, an ISO timestamp, an
// optional external id unique per source — indexed by contact and by date.
import type { Store } from "../../db/open.js";
import { inTransaction } from "../../db/open.js";
import type { ContactRow, IdRow, PurchaseRow } from "../../db/rows.js";
import { conflict, notFound, usageError, quote } from "../../errors.js";
import { formatMoney, MAX_TOTAL_MINOR } from "../../io/money.js";
import { purchasesChanged } from "./version.js";

/** A purchase row (contactId is null only after the person was erased; dealId names the deal whose win recorded it). */
export interface Purchase extends PurchaseRow {
  contactName: ContactRow["name"] | null;
}

export interface NewPurchase {
  contactId: number;
  amountMinor: number;
  currency: string;
  at: Date;
  note?: string | null;
  /** Where the external id comes from; ids are unique per source. Default "manual". */
  source?: string;
  externalRef?: string | null;
  dealId?: number | null;
}

const MANUAL_SOURCE = "manual";

const SELECT = `select p.id, p.contact_id as contactId, c.name as contactName, p.amount_minor as amountMinor, p.currency, p.at,
  p.note, p.source, p.external_ref as externalRef, p.deal_id as dealId, p.refunded_minor as refundedMinor, p.created_at as createdAt
  from purchases p left join contacts c on c.id = p.contact_id`;

const clean = (v: string | null | undefined) => (v == null ? null : v.trim() || null);

/** Inserts one purchase row; the caller owns the transaction and has validated the amount. */
export function insertPurchase(store: Store, p: NewPurchase, now: Date): number {
  const row = store.sqlite
    .prepare<unknown[], IdRow>(
      `insert into purchases(contact_id, amount_minor, currency, at, note, source, external_ref, deal_id, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    )
    .get(
      p.contactId,
      p.amountMinor,
      p.currency,
      p.at.toISOString(),
      clean(p.note),
      p.source ?? MANUAL_SOURCE,
      clean(p.externalRef),
      p.dealId ?? null,
      now.toISOString(),
    )!;
  return row.id;
}

/**
 * Each contact's purchases in each currency add up exactly (BigInt) to at most MAX_TOTAL_MINOR, what
 * SQLite's sum() can hold: `check` refuses (exit 2) a purchase that would take a total past it, and
 * `record` counts one written. Totals start from the database, read once per contact and currency.
 * A total is kept as a plain number while it is a safe integer (every real one): an import of a
 * million purchases then makes no BigInt per row, each of which outlived its row as garbage.
 */
export class PurchaseTotals {
  private totals = new Map<string, Map<number, number | bigint>>();
  private read;

  constructor(store: Store) {
    this.read = store.sqlite
      .prepare<[number, string], bigint>("select amount_minor from purchases where contact_id = ? and currency = ?")
      .pluck()
      .safeIntegers();
  }

  private byContact(currency: string): Map<number, number | bigint> {
    return this.totals.get(currency) ?? this.totals.set(currency, new Map()).get(currency)!;
  }

  private total(contactId: number, currency: string): number | bigint {
    const totals = this.byContact(currency);
    let total = totals.get(contactId);
    if (total === undefined) {
      let sum = 0n;
      for (const minor of this.read.iterate(contactId, currency)) sum += minor;
      total = sum <= BigInt(Number.MAX_SAFE_INTEGER) && sum >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(sum) : sum;
      totals.set(contactId, total);
    }
    return total;
  }

  /** The total plus `minor`, exactly: a number while that is a safe integer, else a BigInt. */
  private plus(contactId: number, currency: string, minor: number): number | bigint {
    const total = this.total(contactId, currency);
    if (typeof total === "number") {
      const sum = total + minor;
      if (Number.isSafeInteger(sum)) return sum;
    }
    return BigInt(total) + BigInt(minor);
  }

  check(contactId: number, currency: string, minor: number): void {
    const sum = this.plus(contactId, currency, minor);
    if (typeof sum === "bigint" && sum > MAX_TOTAL_MINOR) throw totalTooLarge(`contact #${contactId}`, currency, `adding ${formatMoney(minor, currency)}`);
  }

  record(contactId: number, currency: string, minor: number): void {
    this.byContact(currency).set(contactId, this.plus(contactId, currency, minor));
  }
}

const totalTooLarge = (whose: string, currency: string, doing: string) =>
  usageError(
    `${doing} would take the purchases of ${whose} in ${currency} past ${formatMoney(MAX_TOTAL_MINOR, currency)}, the most crm can add up`,
    "nothing was written",
  );

/** After records moved to `contactId` (a merge): refuses (exit 2) when one of its totals passes MAX_TOTAL_MINOR. */
export function assertTotalsFit(store: Store, contactId: number): void {
  const rows = store.sqlite
    .prepare<[number], { currency: string; amountMinor: bigint }>("select currency, amount_minor as amountMinor from purchases where contact_id = ?")
    .safeIntegers()
    .all(contactId);
  const totals = new Map<string, bigint>();
  for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? 0n) + r.amountMinor);
  for (const [currency, total] of totals) if (total > MAX_TOTAL_MINOR) throw totalTooLarge(`contact #${contactId}`, currency, "the merge");
}

/**
 * Records a purchase. The amount may be 0 (a free order, as imports accept) but not negative; an external
 * id already used in its source exits 4.
 */
export function addPurchase(store: Store, p: NewPurchase, now: Date): number {
  if (!Number.isSafeInteger(p.amountMinor) || p.amountMinor < 0) throw usageError("a purchase amount cannot be negative");
  const source = clean(p.source) ?? MANUAL_SOURCE;
  const ref = clean(p.externalRef);
  return inTransaction(store, () => {
    if (ref !== null) {
      const existing = store.sqlite.prepare<[string, string], IdRow>("select id from purchases where source = ? and external_ref = ?").get(source, ref);
      if (existing)
        throw conflict(
          `a purchase with the external id ${quote(ref)} already exists in source ${quote(source)} (#${existing.id})`,
          "external ids are unique per source: it was recorded already",
        );
    }
    new PurchaseTotals(store).check(p.contactId, p.currency, p.amountMinor);
    purchasesChanged(store);
    return insertPurchase(store, { ...p, source, externalRef: ref }, now);
  });
}

export interface PurchaseQuery {
  contactId?: number;
  since?: Date;
  /** Purchases after this instant are left out (the resolved "now" at the latest). */
  until: Date;
  limit?: number;
}

/** Purchases in the window, newest first. */
export function listPurchases(store: Store, q: PurchaseQuery): Purchase[] {
  const where = ["p.at <= ?"];
  const params: (string | number)[] = [q.until.toISOString()];
  if (q.contactId !== undefined) {
    where.push("p.contact_id = ?");
    params.push(q.contactId);
  }
  if (q.since) {
    where.push("p.at >= ?");
    params.push(q.since.toISOString());
  }
  let sql = `${SELECT} where ${where.join(" and ")} order by p.at desc, p.id desc`;
  if (q.limit !== undefined) {
    sql += " limit ?";
    params.push(q.limit);
  }
  return store.sqlite.prepare<(string | number)[], Purchase>(sql).all(...params);
}

export function getPurchase(store: Store, id: number): Purchase {
  const row = store.sqlite.prepare<[number], Purchase>(`${SELECT} where p.id = ?`).get(id);
  if (!row) throw notFound(`no purchase #${id}`, "see `crm purchase list`");
  return row;
}

export function removePurchase(store: Store, id: number): void {
  inTransaction(store, () => {
    const { changes } = store.sqlite.prepare("delete from purchases where id = ?").run(id);
    if (!changes) throw notFound(`no purchase #${id}`, "see `crm purchase list`");
    purchasesChanged(store);
  });
}

/**
 * Per-currency count and sum of a list of purchases, net of refunds (exact integer sums); a purchase
 * refunded in full is not counted.
 */
export function purchaseTotals(
  rows: readonly { amountMinor: number; refundedMinor?: number; currency: string }[],
): { currency: string; count: number; totalMinor: bigint }[] {
  const byCurrency = new Map<string, { count: number; total: bigint }>();
  for (const r of rows) {
    const refunded = r.refundedMinor ?? 0;
    if (refunded > 0 && refunded >= r.amountMinor) continue;
    const t = byCurrency.get(r.currency) ?? byCurrency.set(r.currency, { count: 0, total: 0n }).get(r.currency)!;
    t.count++;
    t.total += BigInt(r.amountMinor - refunded);
  }
  return [...byCurrency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({ currency, count: t.count, totalMinor: t.total }));
}

// ---------------------------------------------------------------------------------------------
// Refunds

export interface NewRefund {
  purchaseId: number;
  /** Minor units; default: what is left to refund (the whole purchase when nothing was refunded). */
  amountMinor?: number;
  at: Date;
  note?: string | null;
  source?: string;
  externalRef?: string | null;
}

/** A purchase's refunded total, from its refunds: kept on the purchase for the reports. */
export function syncRefunded(store: Store, purchaseId: number): void {
  store.sqlite
    .prepare("update purchases set refunded_minor = min(amount_minor, (select coalesce(sum(amount_minor), 0) from refunds where purchase_id = ?)) where id = ?")
    .run(purchaseId, purchaseId);
}

/**
 * Records a refund of a purchase inside the caller's transaction: no more than what is left of it.
 * Returns the refund's id and the amount refunded; undefined when its external id was recorded already.
 */
export function insertRefund(store: Store, r: NewRefund, now: Date): { id: number; amountMinor: number } | undefined {
  const p = store.sqlite
    .prepare<[number], { amountMinor: number; refundedMinor: number; currency: string }>(
      "select amount_minor as amountMinor, refunded_minor as refundedMinor, currency from purchases where id = ?",
    )
    .get(r.purchaseId);
  if (!p) throw notFound(`no purchase #${r.purchaseId}`, "see `crm purchase list`");
  const source = clean(r.source) ?? MANUAL_SOURCE;
  const ref = clean(r.externalRef);
  if (ref !== null && store.sqlite.prepare("select 1 from refunds where source = ? and external_ref = ?").get(source, ref)) return undefined;
  const left = p.amountMinor - p.refundedMinor;
  if (left <= 0) throw conflict(`purchase #${r.purchaseId} is refunded in full already`, "see `crm purchase list`");
  const amount = r.amountMinor ?? left;
  if (!Number.isSafeInteger(amount) || amount <= 0) throw usageError("a refund needs an amount above zero");
  if (amount > left)
    throw usageError(
      `a refund of ${formatMoney(amount, p.currency)} is more than what is left of purchase #${r.purchaseId} (${formatMoney(left, p.currency)})`,
      `refund at most ${formatMoney(left, p.currency)}`,
    );
  const row = store.sqlite
    .prepare<unknown[], IdRow>(
      "insert into refunds(purchase_id, amount_minor, at, note, source, external_ref, created_at) values (?, ?, ?, ?, ?, ?, ?) returning id",
    )
    .get(r.purchaseId, amount, r.at.toISOString(), clean(r.note), source, ref, now.toISOString())!;
  syncRefunded(store, r.purchaseId);
  return { id: row.id, amountMinor: amount };
}

/** `crm purchase refund`: a refund of the whole purchase or of part of it, in one transaction. */
export function refundPurchase(store: Store, r: NewRefund, now: Date): { id: number; amountMinor: number } {
  return inTransaction(store, () => {
    const done = insertRefund(store, r, now);
    if (!done) throw conflict(`a refund with the external id ${quote(r.externalRef ?? "")} exists already`, "external ids are unique per source");
    purchasesChanged(store);
    return done;
  });
}

/** The purchase an external id names in a source, if any. */
export function purchaseByRef(store: Store, source: string, ref: string): { id: number; amountMinor: number; refundedMinor: number } | undefined {
  return store.sqlite
    .prepare<[string, string], { id: number; amountMinor: number; refundedMinor: number }>(
      "select id, amount_minor as amountMinor, refunded_minor as refundedMinor from purchases where source = ? and external_ref = ?",
    )
    .get(source, ref);
}

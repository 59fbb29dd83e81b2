// `crm import purchases`: what customers bought, from a shop, payment or accounting export (CSV), as
// the service writes it (a preset, ./presets/) or with its columns named. One row = one purchase (a
// preset may fold an order's line items into one). The contact is found by email, crm contact id or
// the source's customer id; a row with none is a guest sale, kept without a contact. The external id
// (order/transaction id, or one derived from the row) makes re-imports add nothing twice.
// Money that did not come in is not a purchase: refunded, failed, voided, cancelled and pending rows
// are counted by reason and skipped; a partial refund is recorded against its order; a refund row
// (negative amount, or a refund type) is recorded as a refund of the order it names.
import type { Store } from "../../db/open.js";
import { usageError, quote } from "../../errors.js";
import { normaliseCurrency, parseAmount } from "../../io/money.js";
import { defaultCurrency } from "../config/settings.js";
import { insertRefund, PurchaseTotals, purchaseByRef, syncRefunded } from "../purchases/purchases.js";
import { purchasesChanged } from "../purchases/version.js";
import {
  cell,
  ContactDirectory,
  DerivedRefs,
  InvalidRow,
  missingColumn,
  resolveColumns,
  runImport,
  SkipRow,
  type ColumnSpec,
  type ContactTarget,
  type ImportOptions,
  type ImportReport,
  type Importer,
  type SourceRecord,
} from "./engine.js";
import { importDateParser, openImportSource, type ReadOptions } from "./source.js";

/** Recognised purchase columns. Headers are compared as lower-case letters and digits only. */
const PURCHASE_COLUMNS: readonly ColumnSpec[] = [
  {
    field: "email",
    description: "the customer's email",
    aliases: ["email", "contactemail", "customeremail", "emailaddress", "buyeremail", "billingemail", "purchaseremail", "clientemail"],
  },
  { field: "contact_id", description: "crm's contact id", aliases: ["contactid", "crmid", "crmcontactid"] },
  {
    field: "customer_id",
    description: "the source's customer id (kept on the contact as the field customer_id)",
    aliases: ["customerid", "customerno", "customernumber", "custid", "clientid", "userid", "accountid", "buyerid"],
  },
  {
    field: "name",
    description: "the customer's name (for contacts the import creates)",
    aliases: ["contactname", "customername", "billingname", "buyername", "fullname", "clientname"],
  },
  {
    field: "date",
    description: "when it was bought",
    aliases: [
      "at",
      "date",
      "purchasedat",
      "purchasedate",
      "orderdate",
      "transactiondate",
      "invoicedate",
      "paidat",
      "paymentdate",
      "createdutc",
      "createdat",
      "created",
      "timestamp",
      "datetime",
    ],
  },
  {
    field: "amount",
    description: "how much, in major units (12.50)",
    aliases: [
      "amount",
      "total",
      "totalamount",
      "amountpaid",
      "ordertotal",
      "grandtotal",
      "totalprice",
      "price",
      "value",
      "revenue",
      "sales",
      "gross",
      "dollarvalue",
    ],
  },
  { field: "currency", description: "ISO 4217 code", aliases: ["currency", "currencycode", "curr", "ccy"] },
  {
    field: "external_id",
    description: "the order/transaction id in the source",
    aliases: [
      "externalref",
      "externalid",
      "orderid",
      "ordernumber",
      "orderno",
      "order",
      "transactionid",
      "transaction",
      "invoiceid",
      "invoicenumber",
      "invoiceno",
      "invoice",
      "paymentid",
      "chargeid",
      "receiptid",
      "reference",
      "ref",
      "id",
    ],
  },
  { field: "note", description: "what was bought", aliases: ["note", "notes", "description", "product", "productname", "item", "itemname", "memo", "comment"] },
  { field: "source", description: "where the external id comes from (per row; a source given for the whole import overrides it)", aliases: ["source"] },
  {
    field: "status",
    description: "payment or order status: paid, completed… are purchases; refunded, failed, voided, cancelled, pending are not",
    aliases: ["status", "financialstatus", "paymentstatus", "orderstatus", "transactionstatus"],
  },
  {
    field: "refunded",
    description: "the amount refunded on the order (less than the amount: a partial refund), or yes/no",
    aliases: ["refunded", "refundedamount", "amountrefunded", "refundamount", "orderrefundamount", "partialrefunds"],
  },
  { field: "cancelled", description: "when the order was cancelled (any value: it was)", aliases: ["cancelled", "canceled", "cancelledat", "canceledat"] },
  { field: "type", description: "the transaction type: a refund type makes the row a refund", aliases: ["type", "transactiontype", "eventtype", "kind"] },
  {
    field: "refund_of",
    description: "for a refund row: the external id of the order it refunds",
    aliases: ["refundof", "referencetxnid", "originalorder", "originalid", "originaltransactionid", "parenttransactionid"],
  },
];

export interface PurchaseImportOptions extends ImportOptions, ReadOptions {
  /** Where the external ids come from; default: the preset's source, a `source` column, else "import". */
  source?: string;
  /** Currency for rows that name none; default: the configured currency. */
  currency?: string;
  /** Amounts written with a decimal comma ("1.234,50"). */
  decimalComma?: boolean;
  /** Create contacts for unknown customers; default: the preset's choice (shops: yes), else no. */
  createContacts?: boolean;
}

/** A sale, a sale whose refund column says it was refunded in full, or a refund row of an order. */
type PurchaseValue =
  | {
      kind: "sale";
      target: ContactTarget | null;
      minor: number;
      refundedMinor: number;
      currency: string;
      at: string;
      note: string | null;
      source: string;
      ref: string;
    }
  | { kind: "refunded"; source: string; ref: string; at: string; why: string }
  | { kind: "refund"; source: string; refundOf: string | undefined; ref: string; minor: number; currency: string; at: string; note: string | null };

/** "1.234,50" → "1234.50" for files written with a decimal comma. */
function fromDecimalComma(text: string): string {
  return text.replace(/[.\s\u00a0\u202f']/g, "").replace(",", ".");
}

/** An amount that may be negative ("-12.50", "$-12.50", "−12.50") or parenthesised ("(12.50)"): its text without the sign, and whether it had one. */
function unsigned(text: string): { text: string; negative: boolean } {
  const first = text.charCodeAt(0);
  if (first >= 48 && first <= 57 && text.indexOf("-") < 0) return { text, negative: false };
  let t = text.trim();
  let negative = false;
  const paren = /^\((.*)\)$/.exec(t);
  if (paren) {
    t = paren[1]!.trim();
    negative = true;
  }
  const sign = /^([^\d\-−]*)[-−]\s*(.*)$/.exec(t);
  if (sign) {
    t = sign[1] + sign[2];
    negative = !negative;
  }
  return { text: t, negative };
}

// Statuses as shops and payment services write them (lower-cased, spaces and dashes as "_").
const PAID = new Set([
  "paid",
  "succeeded",
  "success",
  "successful",
  "completed",
  "complete",
  "captured",
  "processing",
  "partially_refunded",
  "partially_paid",
  "settled",
  "approved",
  "shipped",
  "delivered",
  "fulfilled",
  "cleared",
  "sale",
  "closed",
]);
const NOT_PURCHASES: Record<string, string> = {
  refunded: "refunded in full",
  fully_refunded: "refunded in full",
  failed: "failed",
  payment_failed: "failed",
  declined: "failed",
  denied: "failed",
  blocked: "failed",
  requires_payment_method: "failed",
  voided: "voided",
  void: "voided",
  cancelled: "cancelled",
  canceled: "cancelled",
  reversed: "cancelled",
  pending: "pending",
  pending_payment: "pending",
  on_hold: "pending",
  authorized: "pending",
  authorised: "pending",
  uncaptured: "pending",
  unpaid: "pending",
  incomplete: "pending",
  requires_capture: "pending",
  requires_action: "pending",
  requires_confirmation: "pending",
  draft: "pending",
  expired: "failed",
  disputed: "disputed",
  chargeback: "disputed",
};
const statusKey = (status: string) =>
  status
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** The reason a status is not a purchase, undefined for a paid one; throws for a status crm does not know. */
function notAPurchase(status: string | undefined): string | undefined {
  if (status === undefined) return undefined;
  const key = statusKey(status);
  if (PAID.has(key)) return undefined;
  const why = NOT_PURCHASES[key];
  if (why) return why;
  throw new InvalidRow(
    `unknown payment status ${quote(status)}: crm imports paid, completed or succeeded rows and skips refunded, failed, voided, cancelled and pending ones`,
  );
}

const REFUND_TYPE = /refund|reversal|chargeback/i;
const TOTALS = /^(?:grand\s+)?totals?:?$|^summe$|^gesamt$|^total général$/i;

/** A file's closing totals row: a first cell that says "Total(s)". */
const isTotalsRow = (cells: readonly string[]) => cells.slice(0, 3).some((c) => TOTALS.test(c.trim()));

export async function importPurchases(
  store: Store,
  file: string,
  now: Date,
  opts: PurchaseImportOptions = {},
): Promise<{ report: ImportReport; header: string[] }> {
  const src = await openImportSource(file, "purchases", opts);
  const { columns, notes: columnNotes } = resolveColumns(src.header, PURCHASE_COLUMNS, src.map, { file });
  const spec = (f: string) => PURCHASE_COLUMNS.find((s) => s.field === f);
  if (!src.preset && !columns.has("email") && !columns.has("contact_id") && !columns.has("customer_id"))
    throw missingColumn(file, src.header, "customer (email, contact id or customer id)", spec("email"), "Buyer=email");
  if (!columns.has("date")) throw missingColumn(file, src.header, "date", spec("date"), "Order Date=date");
  if (!columns.has("amount")) throw missingColumn(file, src.header, "amount", spec("amount"), "Order Total=amount");

  const fallbackCurrency = opts.currency ? normaliseCurrency(opts.currency) : defaultCurrency(store);
  const flagSource = opts.source?.trim();
  if (opts.source !== undefined && !flagSource) throw usageError("a source needs a name", 'e.g. "shopify"');
  const presetSource = src.preset ? (src.preset.source ?? src.preset.name) : undefined;
  const createContacts = opts.createContacts ?? src.preset?.createContacts ?? false;
  const directory = new ContactDirectory(store, now, { create: createContacts, source: flagSource ?? presetSource });
  const derived = new DerivedRefs("row:");
  const derivedRefunds = new DerivedRefs("refund:");
  const parseDate = await importDateParser(store, src, opts);
  const currencies = new Map<string, string>();
  const stamp = now.toISOString();
  const c = {
    email: columns.get("email"),
    contactId: columns.get("contact_id"),
    customerId: columns.get("customer_id"),
    name: columns.get("name"),
    date: columns.get("date")!,
    amount: columns.get("amount")!,
    currency: columns.get("currency"),
    ref: columns.get("external_id"),
    note: columns.get("note"),
    source: columns.get("source"),
    status: columns.get("status"),
    refunded: columns.get("refunded"),
    cancelled: columns.get("cancelled"),
    type: columns.get("type"),
    refundOf: columns.get("refund_of"),
  };
  const insert = store.sqlite.prepare(
    `insert into purchases(contact_id, amount_minor, currency, at, note, source, external_ref, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
  );
  const tallies = { guest: 0, refunds: 0, partial: 0 };
  /** Whether a purchase was added or changed (refunded). */
  let changed = false;
  const refundRows: { record: SourceRecord; value: Extract<PurchaseValue, { kind: "refund" }> }[] = [];

  const totals = new PurchaseTotals(store);

  /** Money in a cell: minor units, its currency, whether it was negative. */
  const money = (text: string, currency: string | undefined, what: string) => {
    const { text: bare, negative } = unsigned(opts.decimalComma ? fromDecimalComma(text) : text);
    const amount = parseAmount(bare, currency ?? fallbackCurrency, what);
    if (currency !== undefined && amount.currency !== currency)
      throw new InvalidRow(`the ${what} ${quote(text)} is in ${amount.currency} but the currency column says ${currency}`);
    return { minor: amount.minor, currency: amount.currency, negative };
  };

  /**
   * A partial refund on an order, kept as the order's refund with a stable id ("<order>:refunded") so
   * that a later export with a larger refunded amount updates it. True when something changed.
   */
  const recordRefundedAmount = (purchaseId: number, source: string, ref: string, minor: number, at: string): boolean => {
    const refundRef = `${ref}:refunded`;
    const existing = store.sqlite
      .prepare<[string, string], { id: number; amountMinor: number }>(
        "select id, amount_minor as amountMinor from refunds where source = ? and external_ref = ?",
      )
      .get(source, refundRef);
    if (existing?.amountMinor === minor) return false;
    if (existing) store.sqlite.prepare("update refunds set amount_minor = ? where id = ?").run(minor, existing.id);
    else
      store.sqlite
        .prepare("insert into refunds(purchase_id, amount_minor, at, note, source, external_ref, created_at) values (?, ?, ?, ?, ?, ?, ?)")
        .run(purchaseId, minor, at, "refunded on the order", source, refundRef, stamp);
    syncRefunded(store, purchaseId);
    return true;
  };

  const importer: Importer<PurchaseValue> = {
    validate({ cells }) {
      const dateText = cell(cells, c.date);
      const amountText = cell(cells, c.amount);
      // A closing totals row has no date that reads (checked only then: it costs on every row).
      if (dateText === undefined && isTotalsRow(cells)) throw new SkipRow("totals rows");
      if (dateText === undefined) throw new InvalidRow("no date");
      let at: string;
      try {
        at = parseDate(dateText);
      } catch (err) {
        if (isTotalsRow(cells)) throw new SkipRow("totals rows");
        throw err;
      }
      if (amountText === undefined) throw new InvalidRow("no amount");

      const currencyText = cell(cells, c.currency);
      let currency: string | undefined;
      if (currencyText !== undefined) {
        currency = currencies.get(currencyText);
        if (currency === undefined) {
          currency = normaliseCurrency(currencyText);
          currencies.set(currencyText, currency);
        }
      }
      const amount = money(amountText, currency, "amount");
      const note = cell(cells, c.note) ?? null;
      const source = flagSource ?? presetSource ?? cell(cells, c.source) ?? "import";
      const ownRef = cell(cells, c.ref);
      const type = cell(cells, c.type);
      const email = cell(cells, c.email);
      const contactIdText = cell(cells, c.contactId);
      const customerId = cell(cells, c.customerId);
      // Only derived ids need it: worked out when the row has no id of its own.
      const who = () =>
        email?.toLowerCase() ?? (customerId !== undefined ? `customer:${customerId}` : contactIdText !== undefined ? `contact:${contactIdText}` : "guest");

      // A refund row: money going back on an order named by its refund-of column, else by its own id.
      if (amount.negative || (type !== undefined && REFUND_TYPE.test(type))) {
        const status = cell(cells, c.status);
        const why = status === undefined ? undefined : notAPurchase(status);
        if (why !== undefined) throw new SkipRow(`refund ${why}`);
        const refundOf = cell(cells, c.refundOf) ?? ownRef;
        const ref =
          cell(cells, c.refundOf) !== undefined && ownRef !== undefined
            ? ownRef
            : derivedRefunds.ref([who(), dateText, amount.minor, amount.currency, refundOf]);
        return { kind: "refund", source, refundOf, ref, minor: amount.minor, currency: amount.currency, at, note };
      }

      const ref =
        ownRef ??
        // The date as written, not the instant: the same file must give the same ids in any time zone.
        derived.ref([who(), dateText, amount.minor, amount.currency, note]);
      if (cell(cells, c.cancelled) !== undefined) return { kind: "refunded", source, ref, at, why: "cancelled" };
      const statusWhy = notAPurchase(cell(cells, c.status));
      if (statusWhy !== undefined && statusWhy !== "refunded in full") throw new SkipRow(statusWhy);

      let refundedMinor = 0;
      const refundedText = cell(cells, c.refunded);
      if (refundedText !== undefined) {
        if (/^(?:y|yes|true)$/i.test(refundedText)) refundedMinor = amount.minor;
        else if (!/^(?:n|no|false)$/i.test(refundedText)) refundedMinor = money(refundedText, amount.currency, "refunded amount").minor;
      } else if (statusWhy === "refunded in full") refundedMinor = amount.minor;
      if (refundedMinor > 0 && refundedMinor >= amount.minor) return { kind: "refunded", source, ref, at, why: "refunded in full" };

      let target: ContactTarget | null = null;
      if (email !== undefined || contactIdText !== undefined || customerId !== undefined) {
        if (contactIdText !== undefined && !/^\d+$/.test(contactIdText)) throw new InvalidRow(`invalid contact id ${quote(contactIdText)}`);
        target = directory.resolve({
          email,
          customerId,
          id: contactIdText === undefined ? undefined : Number(contactIdText),
          name: cell(cells, c.name),
        });
      }
      return { kind: "sale", target, minor: amount.minor, refundedMinor, currency: amount.currency, at, note, source, ref };
    },
    write(row, record) {
      if (row.kind === "refund") {
        refundRows.push({ record, value: row });
        return "counted";
      }
      if (row.kind === "refunded") {
        // Refunded or cancelled since an earlier import: that purchase is refunded now.
        const earlier = purchaseByRef(store, row.source, row.ref);
        if (!earlier) throw new SkipRow(row.why);
        const left = earlier.amountMinor - earlier.refundedMinor;
        if (left <= 0) return "skipped";
        recordRefundedAmount(earlier.id, row.source, row.ref, earlier.amountMinor, row.at);
        tallies.refunds++;
        changed = true;
        return "updated";
      }
      const contactId = row.target === null ? null : directory.ensure(row.target);
      if (contactId !== null) totals.check(contactId, row.currency, row.minor);
      // run() rather than a RETURNING get(): three times faster per row; the id is the last rowid.
      const { changes, lastInsertRowid } = insert.run(contactId, row.minor, row.currency, row.at, row.note, row.source, row.ref, stamp);
      const added = changes ? { id: Number(lastInsertRowid) } : undefined;
      if (added) {
        changed = true;
        if (contactId !== null) totals.record(contactId, row.currency, row.minor);
        if (row.target === null) tallies.guest++;
        if (row.refundedMinor > 0) {
          recordRefundedAmount(added.id, row.source, row.ref, row.refundedMinor, row.at);
          tallies.partial++;
        }
        return "added";
      }
      if (row.refundedMinor > 0) {
        const earlier = purchaseByRef(store, row.source, row.ref)!;
        if (recordRefundedAmount(earlier.id, row.source, row.ref, Math.min(row.refundedMinor, earlier.amountMinor), row.at)) {
          tallies.partial++;
          changed = true;
          return "updated";
        }
      }
      return "skipped";
    },
    finish() {
      const failed: { record: SourceRecord; err: unknown }[] = [];
      for (const { record, value } of refundRows) {
        const order = value.refundOf === undefined ? undefined : purchaseByRef(store, value.source, value.refundOf);
        if (!order) {
          failed.push({ record, err: new SkipRow("refunds of orders crm does not have") });
          continue;
        }
        const left = order.amountMinor - order.refundedMinor;
        if (store.sqlite.prepare("select 1 from refunds where source = ? and external_ref = ?").get(value.source, value.ref)) continue;
        if (left <= 0) {
          failed.push({ record, err: new SkipRow("refunds of orders refunded in full already") });
          continue;
        }
        insertRefund(
          store,
          {
            purchaseId: order.id,
            amountMinor: Math.min(value.minor, left),
            at: new Date(value.at),
            note: value.note,
            source: value.source,
            externalRef: value.ref,
          },
          now,
        );
        tallies.refunds++;
        changed = true;
      }
      // Once per import that changed purchases, in its transaction (not per row): the customer analytics change.
      if (changed) purchasesChanged(store);
      return failed;
    },
    // Without contacts created on the way, a row's validation reads nothing an earlier row writes.
    validatesAhead: !createContacts,
    tallies: () => ({ guestSales: tallies.guest, refunds: tallies.refunds, partialRefunds: tallies.partial }),
    createdContacts: () => directory.createdCount(),
  };
  const report = await runImport(store, src, importer, opts);
  report.notes.push(...columnNotes);
  return { report, header: src.header };
}

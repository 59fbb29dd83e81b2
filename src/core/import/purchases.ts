// `crm import purchases`: what customers bought, from a shop, payment or accounting export (CSV).
// One row = one purchase. The contact is found by email, crm contact id or the source's customer id;
// the external id (order/transaction id, or one derived from the row) makes re-imports add nothing twice.
import type { Store } from "../../db/open.js";
import { usageError, quote } from "../../errors.js";
import { openCsv } from "../../io/csv.js";
import { normaliseCurrency, parseAmount } from "../../io/money.js";
import { defaultCurrency } from "../config/settings.js";
import { PurchaseTotals } from "../purchases/purchases.js";
import {
  cachedDateParser,
  cell,
  ContactDirectory,
  DerivedRefs,
  InvalidRow,
  missingColumn,
  resolveColumns,
  runImport,
  type ColumnSpec,
  type ContactTarget,
  type ImportOptions,
  type ImportReport,
  type Importer,
} from "./engine.js";

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
];

export interface PurchaseImportOptions extends ImportOptions {
  /** Source column → target field. */
  map?: ReadonlyMap<string, string>;
  /** Where the external ids come from; default: a `source` column, else "import". */
  source?: string;
  /** Currency for rows that name none; default: the configured currency. */
  currency?: string;
  /** Amounts written with a decimal comma ("1.234,50"). */
  decimalComma?: boolean;
  createContacts?: boolean;
}

interface PurchaseRow {
  target: ContactTarget;
  minor: number;
  currency: string;
  at: string;
  note: string | null;
  source: string;
  ref: string;
}

/** "1.234,50" → "1234.50" for files written with a decimal comma. */
function fromDecimalComma(text: string): string {
  return text.replace(/[.\s\u00a0\u202f']/g, "").replace(",", ".");
}

export async function importPurchases(
  store: Store,
  file: string,
  now: Date,
  opts: PurchaseImportOptions = {},
): Promise<{ report: ImportReport; header: string[] }> {
  const csv = await openCsv(file);
  const { columns } = resolveColumns(csv.header, PURCHASE_COLUMNS, opts.map ?? new Map(), { file });
  const spec = (f: string) => PURCHASE_COLUMNS.find((s) => s.field === f);
  if (!columns.has("email") && !columns.has("contact_id") && !columns.has("customer_id"))
    throw missingColumn(file, csv.header, "customer (email, contact id or customer id)", spec("email"), "Buyer=email");
  if (!columns.has("date")) throw missingColumn(file, csv.header, "date", spec("date"), "Order Date=date");
  if (!columns.has("amount")) throw missingColumn(file, csv.header, "amount", spec("amount"), "Order Total=amount");

  const fallbackCurrency = opts.currency ? normaliseCurrency(opts.currency) : defaultCurrency(store);
  const flagSource = opts.source?.trim();
  if (opts.source !== undefined && !flagSource) throw usageError("a source needs a name", 'e.g. "shopify"');
  const directory = new ContactDirectory(store, now, { create: Boolean(opts.createContacts), source: flagSource });
  const derived = new DerivedRefs("row:");
  const parseDate = cachedDateParser("date");
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
  };
  const insert = store.sqlite.prepare(
    `insert into purchases(contact_id, amount_minor, currency, at, note, source, external_ref, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
  );

  const totals = new PurchaseTotals(store);

  const importer: Importer<PurchaseRow> = {
    validate({ cells }) {
      const email = cell(cells, c.email);
      const contactIdText = cell(cells, c.contactId);
      const customerId = cell(cells, c.customerId);
      if (email === undefined && contactIdText === undefined && customerId === undefined)
        throw new InvalidRow("no customer: the row has no email, contact id or customer id");
      if (contactIdText !== undefined && !/^\d+$/.test(contactIdText)) throw new InvalidRow(`invalid contact id ${quote(contactIdText)}`);
      const target = directory.resolve({
        email,
        customerId,
        id: contactIdText === undefined ? undefined : Number(contactIdText),
        name: cell(cells, c.name),
      });

      const dateText = cell(cells, c.date);
      if (dateText === undefined) throw new InvalidRow("no date");
      const at = parseDate(dateText);

      let amountText = cell(cells, c.amount);
      if (amountText === undefined) throw new InvalidRow("no amount");
      if (opts.decimalComma) amountText = fromDecimalComma(amountText);
      const currencyText = cell(cells, c.currency);
      let currency: string | undefined;
      if (currencyText !== undefined) {
        currency = currencies.get(currencyText);
        if (currency === undefined) {
          currency = normaliseCurrency(currencyText);
          currencies.set(currencyText, currency);
        }
      }
      const amount = parseAmount(amountText, currency ?? fallbackCurrency, "amount");
      if (currency !== undefined && amount.currency !== currency)
        throw new InvalidRow(`the amount ${quote(amountText)} is in ${amount.currency} but the currency column says ${currency}`);

      const note = cell(cells, c.note) ?? null;
      const source = flagSource ?? cell(cells, c.source) ?? "import";
      const ref =
        cell(cells, c.ref) ??
        // The date as written, not the instant: the same file must give the same ids in any time zone.
        derived.ref([
          email?.toLowerCase() ?? (customerId !== undefined ? `customer:${customerId}` : `contact:${contactIdText}`),
          dateText,
          amount.minor,
          amount.currency,
          note,
        ]);
      return { target, minor: amount.minor, currency: amount.currency, at, note, source, ref };
    },
    write(row) {
      const contactId = directory.ensure(row.target);
      totals.check(contactId, row.currency, row.minor);
      const { changes } = insert.run(contactId, row.minor, row.currency, row.at, row.note, row.source, row.ref, stamp);
      if (changes) totals.record(contactId, row.currency, row.minor);
      return changes ? "added" : "skipped";
    },
    createdContacts: () => directory.createdCount(),
  };
  const report = await runImport(store, csv, importer, opts);
  return { report, header: csv.header };
}

// The purchase commands: parse → one core call → render.
import type { Ctx } from "../../context.js";
import { resolveContact } from "../../../core/contacts/contacts.js";
import {
  addPurchase,
  getPurchase,
  listPurchases,
  purchaseByRef,
  purchaseTotals,
  refundPurchase,
  removePurchase,
  type Purchase,
} from "../../../core/purchases/purchases.js";
import { defaultCurrency } from "../../../core/config/settings.js";
import { checkAmountShape, formatMinor, formatMoney } from "../../../io/money.js";
import { localDate } from "../../../io/dates.js";
import { ExitCode, notFound, usageError, quote } from "../../../errors.js";
import { amount, when, whenDate, withFlagHint } from "../../flags.js";
import { printRecords } from "../../render/output.js";
import type { Column } from "../../render/table.js";
import { plural } from "../../render/words.js";
import { confirmOrYes } from "../../prompt.js";
import type { PurchaseAddOptions, PurchaseListOptions, PurchaseRefundOptions, PurchaseRmOptions } from "./declare.js";

/** `--until`: a bare date means the end of that day; never later than now (reports see up to now). */
async function untilDate(ctx: Ctx, value: string | undefined): Promise<Date> {
  if (value === undefined) return ctx.now;
  const until = await when(value, ctx.now, "--until");
  const d = until.date;
  const end = until.hasTime ? d : new Date(d.getFullYear(), d.getMonth(), d.getDate(), 23, 59, 59, 999);
  return end < ctx.now ? end : ctx.now;
}

export const PURCHASE_FIELDS = [
  "id",
  "contactId",
  "contactName",
  "amount",
  "amountMinor",
  "refunded",
  "refundedMinor",
  "currency",
  "at",
  "note",
  "source",
  "externalRef",
  "dealId",
  "createdAt",
];

export function purchaseRecord(p: Purchase): Record<string, unknown> {
  return {
    id: p.id,
    contactId: p.contactId,
    contactName: p.contactName,
    amount: formatMinor(p.amountMinor, p.currency),
    amountMinor: p.amountMinor,
    refunded: formatMinor(p.refundedMinor, p.currency),
    refundedMinor: p.refundedMinor,
    currency: p.currency,
    at: p.at,
    note: p.note,
    source: p.source,
    externalRef: p.externalRef,
    dealId: p.dealId,
    createdAt: p.createdAt,
  };
}

const purchaseColumns: Column<Purchase>[] = [
  { header: "id", cell: (p) => p.id, align: "right" },
  { header: "date", cell: (p) => localDate(new Date(p.at)) },
  { header: "contact", cell: (p) => p.contactName ?? "(no contact)" },
  { header: "amount", cell: (p) => formatMoney(p.amountMinor, p.currency), align: "right" },
  { header: "refunded", cell: (p) => (p.refundedMinor ? formatMoney(p.refundedMinor, p.currency) : ""), align: "right" },
  { header: "note", cell: (p) => p.note },
  {
    header: "ref",
    cell: (p) => (p.externalRef ? (p.source === "manual" ? p.externalRef : `${p.source}:${p.externalRef}`) : p.dealId !== null ? `deal #${p.dealId}` : ""),
  },
];

export async function add(ctx: Ctx, [ref, amountText]: [string, string], opts: PurchaseAddOptions): Promise<void> {
  checkAmountShape(amountText, "amount");
  const store = ctx.store();
  const money = amount(amountText, { currency: opts.currency, defaultCurrency: defaultCurrency(store), flag: "amount" });
  const at = (await whenDate(opts.at, ctx.now, "--at")) ?? ctx.now;
  if (opts.source !== undefined && !String(opts.source).trim()) throw usageError("an empty --source", "leave it out for manual purchases");
  const contact = resolveContact(store, ref);
  if (opts.refund) {
    // A refund of the contact's purchase named by --ref (its external id in --source).
    if (opts.ref === undefined)
      throw usageError(
        "--refund needs --ref, the external id of the purchase refunded",
        "e.g. crm purchase add ada 20 --refund --ref INV-1042, or crm purchase refund <id>",
      );
    const order = purchaseByRef(store, opts.source, opts.ref);
    if (!order || getPurchase(store, order.id).contactId !== contact.id)
      throw notFound(
        `${contact.name} has no purchase with the external id ${quote(opts.ref)} in source ${quote(opts.source)}`,
        "see crm purchase list --contact " + contact.id,
      );
    if (money.currency !== getPurchase(store, order.id).currency)
      throw usageError(
        `the refund is in ${money.currency} but purchase #${order.id} is in ${getPurchase(store, order.id).currency}`,
        "give the purchase's currency",
      );
    await recordRefund(ctx, order.id, money.minor, at, opts.note);
    return;
  }
  const id = addPurchase(
    store,
    { contactId: contact.id, amountMinor: money.minor, currency: money.currency, at, note: opts.note, externalRef: opts.ref, source: opts.source },
    ctx.now,
  );
  ctx.print(`${id}\n`);
  ctx.info(`recorded purchase #${id}: ${formatMoney(money.minor, money.currency)} for #${contact.id} ${contact.name} on ${localDate(at)}`);
}

export async function list(ctx: Ctx, _args: [], opts: PurchaseListOptions): Promise<void> {
  const store = ctx.store();
  const contactId = opts.contact !== undefined ? resolveContact(store, opts.contact).id : undefined;
  const since = await whenDate(opts.since, ctx.now, "--since");
  const until = await untilDate(ctx, opts.until);
  const rows = listPurchases(store, { contactId, since, until, limit: opts.limit });
  await printRecords(ctx, { rows, columns: purchaseColumns, record: purchaseRecord, fields: PURCHASE_FIELDS, empty: "no purchases" });
  if (ctx.format === "table" && rows.length)
    ctx.info(
      purchaseTotals(rows)
        .map((t) => `${plural(t.count, "purchase")}, ${formatMoney(t.totalMinor, t.currency)}`)
        .join("; "),
    );
}

export async function rm(ctx: Ctx, [purchaseId]: [number], opts: PurchaseRmOptions): Promise<void> {
  const store = ctx.store();
  const p = getPurchase(store, purchaseId);
  const fromDeal = p.dealId !== null ? `; deal #${p.dealId} stays won` : "";
  await confirmOrYes(
    ctx,
    `Delete purchase #${p.id} (${formatMoney(p.amountMinor, p.currency)}, ${p.contactName ?? "erased contact"}, ${localDate(new Date(p.at))}${fromDeal})?`,
    opts.yes,
  );
  removePurchase(store, p.id);
  ctx.info(`deleted purchase #${p.id}`);
}

/** Records a refund and says what is left of the purchase. */
async function recordRefund(ctx: Ctx, purchaseId: number, minor: number | undefined, at: Date, note: string | undefined): Promise<void> {
  const store = ctx.store();
  const done = withFlagHint(ExitCode.usage, "give a smaller --amount", () => refundPurchase(store, { purchaseId, amountMinor: minor, at, note }, ctx.now));
  const p = getPurchase(store, purchaseId);
  ctx.print(`${done.id}\n`);
  const left = p.amountMinor - p.refundedMinor;
  ctx.info(
    `refunded ${formatMoney(done.amountMinor, p.currency)} of purchase #${p.id} (${p.contactName ?? "no contact"}): ${left > 0 ? `${formatMoney(left, p.currency)} left` : "refunded in full, no longer counted as a purchase"}`,
  );
}

export async function refund(ctx: Ctx, [purchaseId]: [number], opts: PurchaseRefundOptions): Promise<void> {
  const store = ctx.store();
  const p = getPurchase(store, purchaseId);
  const money = opts.amount === undefined ? undefined : amount(opts.amount, { currency: p.currency, defaultCurrency: p.currency, flag: "--amount" });
  if (money?.minor === 0)
    throw usageError(`invalid --amount ${quote(opts.amount!)}: a refund needs an amount above zero`, "leave --amount out to refund what is left");
  const at = (await whenDate(opts.at, ctx.now, "--at")) ?? ctx.now;
  await recordRefund(ctx, p.id, money?.minor, at, opts.note);
}

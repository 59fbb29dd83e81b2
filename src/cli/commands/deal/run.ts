// Deal, purchase and pipeline commands: parse the options, call core, render the result.
import type { Ctx } from "../context.js";
import { resolveContact } from "../../core/contacts/contacts.js";
import {
  addDeal, dealHistory, dealsAsOf, editDeal, getDeal, listDeals, loseDeal, moveDeal, parseDealId, parseProbability, parseStage,
  removeDeal, stageProbabilities, winDeal, type Deal, type DealChanges, type DealStatus, type MoveResult,
} from "../../core/deals/deals.js";
import { addPurchase, getPurchase, listPurchases, purchaseTotals, removePurchase, type Purchase } from "../../core/purchases/purchases.js";
import { pipelineBoard, weightedMinor, type StageSummary, type CurrencyTotal } from "../../core/deals/pipeline.js";
import { defaultCurrency } from "../../core/config/settings.js";
import { formatMinor, formatMoney, normaliseCurrency, parseMoney } from "../../io/money.js";
import { parseWhen, parseInterval, addInterval, daysFromTo, localDate, localDateTime } from "../../io/dates.js";
import { usageError, quote } from "../../errors.js";
import { emit } from "../render/sink.js";
import { printRecords } from "../render/output.js";
import { toJson } from "../render/json.js";
import { toCsv } from "../render/csv.js";
import { plainTable, boxTable, type Column } from "../render/table.js";
import { bar } from "../render/chart.js";
import { confirmOrYes } from "../prompt.js";

type Opts = Record<string, any>;

// ---- shared parsing -------------------------------------------------------------------------------------

async function closeDate(ctx: Ctx, value: string): Promise<string | null> {
  if (!value.trim()) return null;
  return localDate((await parseWhen(value, ctx.now, "--close date")).date);
}

async function atDate(ctx: Ctx, value: string | undefined, flag = "--at date"): Promise<Date | undefined> {
  return value === undefined ? undefined : (await parseWhen(value, ctx.now, flag)).date;
}

/** `--until`: a bare date means the end of that day; never later than now (reports see up to now). */
async function untilDate(ctx: Ctx, value: string | undefined): Promise<Date> {
  if (value === undefined) return ctx.now;
  const when = await parseWhen(value, ctx.now, "--until date");
  const d = when.date;
  const end = when.hasTime ? d : new Date(d.getFullYear(), d.getMonth(), d.getDate(), 23, 59, 59, 999);
  return end < ctx.now ? end : ctx.now;
}

const describeDeal = (d: { id: number; title: string }) => `#${d.id} ${quote(d.title)}`;

// ---- deals ----------------------------------------------------------------------------------------------

export const DEAL_FIELDS = [
  "id", "contactId", "contactName", "title", "amount", "amountMinor", "currency", "stage", "probability", "probabilityOverride",
  "closeOn", "lostReason", "closedAt", "createdAt", "updatedAt", "purchaseId",
];

export function dealRecord(d: Deal): Record<string, unknown> {
  return {
    id: d.id, contactId: d.contactId, contactName: d.contactName, title: d.title, amount: formatMinor(d.amountMinor, d.currency),
    amountMinor: d.amountMinor, currency: d.currency, stage: d.stage, probability: d.probability, probabilityOverride: d.probabilityOverride,
    closeOn: d.closeOn, lostReason: d.lostReason, closedAt: d.closedAt, createdAt: d.createdAt, updatedAt: d.updatedAt, purchaseId: d.purchaseId,
  };
}

const dealColumns: Column<Deal>[] = [
  { header: "id", cell: (d) => d.id, align: "right" },
  { header: "contact", cell: (d) => d.contactName },
  { header: "title", cell: (d) => d.title },
  { header: "stage", cell: (d) => d.stage },
  { header: "amount", cell: (d) => formatMoney(d.amountMinor, d.currency), align: "right" },
  { header: "prob", cell: (d) => `${d.probability}%${d.probabilityOverride !== null && d.probability === d.probabilityOverride ? "*" : ""}`, align: "right" },
  { header: "close", cell: (d) => d.closeOn },
];

export async function dealAdd(ctx: Ctx, [ref, ...titleWords]: string[], opts: Opts): Promise<void> {
  const title = titleWords.join(" ");
  const store = ctx.store();
  const money = opts.amount !== undefined
    ? parseMoney(opts.amount, { currency: opts.currency, defaultCurrency: defaultCurrency(store), flag: "--amount" })
    : { minor: 0, currency: opts.currency !== undefined ? normaliseCurrency(opts.currency) : defaultCurrency(store) };
  const stage = opts.stage !== undefined ? parseStage(opts.stage, "--stage") : "lead";
  const probability = opts.probability !== undefined ? parseProbability(opts.probability) : null;
  const closeOn = opts.close !== undefined ? await closeDate(ctx, opts.close) : null;
  const at = await atDate(ctx, opts.at);
  const contact = resolveContact(store, ref!);
  const { id, purchaseId } = addDeal(
    store,
    { contactId: contact.id, title, amountMinor: money.minor, currency: money.currency, stage, probability, closeOn, at },
    ctx.now,
  );
  ctx.print(`${id}\n`);
  ctx.info(`added deal #${id} for #${contact.id} ${contact.name} (${stage}, ${formatMoney(money.minor, money.currency)})`);
  if (purchaseId !== null) ctx.info(`recorded purchase #${purchaseId} of ${formatMoney(money.minor, money.currency)}`);
}

function statusFilter(opts: Opts): DealStatus | undefined {
  const chosen = (["open", "won", "lost"] as const).filter((s) => opts[s]);
  if (chosen.length > 1) throw usageError(`--${chosen.join(" and --")} exclude each other`, "give one of --open, --won, --lost");
  return chosen[0];
}

export async function dealList(ctx: Ctx, _args: string[], opts: Opts): Promise<void> {
  const status = statusFilter(opts);
  const stage = opts.stage !== undefined ? parseStage(opts.stage, "--stage") : undefined;
  const store = ctx.store();
  const contactId = opts.contact !== undefined ? resolveContact(store, opts.contact).id : undefined;
  const rows = listDeals(store, { stage, status, contactId });
  await printRecords(ctx, { rows, columns: dealColumns, record: dealRecord, fields: DEAL_FIELDS, empty: "no deals match" });
}

export async function dealShow(ctx: Ctx, [idText]: string[]): Promise<void> {
  const store = ctx.store();
  const deal = getDeal(store, parseDealId(idText!));
  const history = dealHistory(store, deal.id);
  if (ctx.format === "json") return emit(ctx, toJson({ ...dealRecord(deal), history }));
  if (ctx.format === "csv") return emit(ctx, toCsv([dealRecord(deal)], DEAL_FIELDS));
  const c = ctx.color;
  const probs = stageProbabilities(store);
  const lines = [`${c.bold(`#${deal.id} ${deal.title}`)}${c.dim(` — #${deal.contactId} ${deal.contactName}`)}`];
  const kv = (k: string, v: unknown) => v !== null && v !== undefined && v !== "" && lines.push(`  ${c.dim(k.padEnd(12))} ${v}`);
  const overridden = deal.probabilityOverride !== null && deal.probability === deal.probabilityOverride;
  kv("stage", `${deal.stage} (${deal.probability}%${overridden ? `, the stage's is ${probs[deal.stage]}%` : ""})`);
  kv("amount", formatMoney(deal.amountMinor, deal.currency));
  if (deal.stage !== "won" && deal.stage !== "lost") kv("weighted", formatMoney(weightedMinor([deal]), deal.currency));
  if (deal.closeOn) {
    const days = daysFromTo(localDate(ctx.now), deal.closeOn);
    const rel = deal.closedAt ? "" : days === 0 ? " (today)" : days > 0 ? ` (in ${days} day${days === 1 ? "" : "s"})` : ` (${-days} day${days === -1 ? "" : "s"} ago)`;
    kv("close", deal.closeOn + rel);
  }
  kv("opened", localDate(new Date(deal.createdAt)));
  if (deal.closedAt) kv(deal.stage, localDateTime(new Date(deal.closedAt)));
  kv("reason", deal.lostReason);
  kv("purchase", deal.purchaseId !== null ? `#${deal.purchaseId}` : null);
  lines.push("", c.bold("History"));
  for (const h of history) lines.push(`  ${localDateTime(new Date(h.at))}  ${h.fromStage ? `${h.fromStage} → ` : "opened in "}${h.toStage}`);
  emit(ctx, lines.join("\n") + "\n");
}

export async function dealEdit(ctx: Ctx, [idText]: string[], opts: Opts): Promise<void> {
  const id = parseDealId(idText!);
  const store = ctx.store();
  const deal = getDeal(store, id);
  const changes: DealChanges = {};
  if (opts.title !== undefined) changes.title = opts.title;
  if (opts.amount !== undefined) {
    const money = parseMoney(opts.amount, { currency: opts.currency, defaultCurrency: deal.currency, flag: "--amount" });
    changes.amountMinor = money.minor;
    changes.currency = money.currency;
  } else if (opts.currency !== undefined) changes.currency = normaliseCurrency(opts.currency);
  if (opts.probability !== undefined) changes.probability = parseProbability(opts.probability);
  if (opts.close !== undefined) changes.closeOn = await closeDate(ctx, opts.close);
  if (opts.stage !== undefined) changes.stage = parseStage(opts.stage, "--stage");
  if (opts.contact !== undefined) changes.contactId = resolveContact(store, opts.contact).id;
  if (Object.keys(changes).length === 0) throw usageError("nothing to change", "pass at least one flag, e.g. --amount or --close; see crm deal edit --help");
  const { move } = editDeal(store, id, changes, ctx.now);
  ctx.info(`updated deal #${id}`);
  if (move) reportMove(ctx, move);
}

function reportMove(ctx: Ctx, move: MoveResult): void {
  const deal = getDeal(ctx.store(), move.id);
  ctx.info(`deal ${describeDeal(deal)}: ${move.from} → ${move.to}`);
  if (move.removedPurchaseId !== null) ctx.info(`removed purchase #${move.removedPurchaseId}, which winning the deal had recorded`);
  if (move.purchaseId !== null) ctx.info(`recorded purchase #${move.purchaseId} of ${formatMoney(deal.amountMinor, deal.currency)} for #${deal.contactId} ${deal.contactName}`);
  else if (move.to === "won" && deal.amountMinor === 0) ctx.info(`the deal has no amount, so no purchase was recorded`);
}

export async function dealMove(ctx: Ctx, [idText, stageText]: string[], opts: Opts): Promise<void> {
  const id = parseDealId(idText!);
  const stage = parseStage(stageText!);
  if (opts.reason !== undefined && stage !== "lost") throw usageError(`--reason goes with the stage lost, not ${quote(stage)}`, `e.g. crm deal move ${id} lost --reason "Budget cut"`);
  const at = await atDate(ctx, opts.at);
  reportMove(ctx, moveDeal(ctx.store(), id, stage, ctx.now, { at, reason: opts.reason }));
}

export async function dealWon(ctx: Ctx, [idText]: string[], opts: Opts): Promise<void> {
  const id = parseDealId(idText!);
  const at = await atDate(ctx, opts.at);
  const move = winDeal(ctx.store(), id, ctx.now, { at, recordPurchase: opts.purchase !== false });
  reportMove(ctx, move);
  if (opts.purchase === false) ctx.info("no purchase recorded (--no-purchase)");
}

export async function dealLost(ctx: Ctx, [idText]: string[], opts: Opts): Promise<void> {
  const id = parseDealId(idText!);
  const at = await atDate(ctx, opts.at);
  reportMove(ctx, loseDeal(ctx.store(), id, ctx.now, { at, reason: opts.reason }));
}

export async function dealRm(ctx: Ctx, [idText]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const deal = getDeal(store, parseDealId(idText!));
  const keeps = deal.purchaseId !== null ? ` (purchase #${deal.purchaseId}, recorded when it was won, stays)` : "";
  await confirmOrYes(ctx, `Delete deal ${describeDeal(deal)} and its stage history${keeps}?`, opts.yes);
  removeDeal(store, deal.id);
  ctx.info(`deleted deal #${deal.id}`);
}

// ---- purchases ------------------------------------------------------------------------------------------

export const PURCHASE_FIELDS = ["id", "contactId", "contactName", "amount", "amountMinor", "currency", "at", "note", "source", "externalRef", "dealId", "createdAt"];

export function purchaseRecord(p: Purchase): Record<string, unknown> {
  return {
    id: p.id, contactId: p.contactId, contactName: p.contactName, amount: formatMinor(p.amountMinor, p.currency), amountMinor: p.amountMinor,
    currency: p.currency, at: p.at, note: p.note, source: p.source, externalRef: p.externalRef, dealId: p.dealId, createdAt: p.createdAt,
  };
}

const purchaseColumns: Column<Purchase>[] = [
  { header: "id", cell: (p) => p.id, align: "right" },
  { header: "date", cell: (p) => localDate(new Date(p.at)) },
  { header: "contact", cell: (p) => p.contactName ?? "(erased)" },
  { header: "amount", cell: (p) => formatMoney(p.amountMinor, p.currency), align: "right" },
  { header: "note", cell: (p) => p.note },
  { header: "ref", cell: (p) => (p.externalRef ? (p.source === "manual" ? p.externalRef : `${p.source}:${p.externalRef}`) : p.dealId !== null ? `deal #${p.dealId}` : "") },
];

export async function purchaseAdd(ctx: Ctx, [ref, amountText]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const money = parseMoney(amountText!, { currency: opts.currency, defaultCurrency: defaultCurrency(store), flag: "amount" });
  if (money.minor === 0) throw usageError(`invalid amount ${quote(amountText)}: a purchase needs an amount above zero`, "e.g. crm purchase add ada 49.90");
  const at = (await atDate(ctx, opts.at)) ?? ctx.now;
  if (opts.source !== undefined && !String(opts.source).trim()) throw usageError("an empty --source", "leave it out for manual purchases");
  const contact = resolveContact(store, ref!);
  const id = addPurchase(
    store,
    { contactId: contact.id, amountMinor: money.minor, currency: money.currency, at, note: opts.note, externalRef: opts.ref, source: opts.source },
    ctx.now,
  );
  ctx.print(`${id}\n`);
  ctx.info(`recorded purchase #${id}: ${formatMoney(money.minor, money.currency)} for #${contact.id} ${contact.name} on ${localDate(at)}`);
}

export async function purchaseList(ctx: Ctx, _args: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const contactId = opts.contact !== undefined ? resolveContact(store, opts.contact).id : undefined;
  const since = await atDate(ctx, opts.since, "--since date");
  const until = await untilDate(ctx, opts.until);
  const rows = listPurchases(store, { contactId, since, until, limit: opts.limit });
  await printRecords(ctx, { rows, columns: purchaseColumns, record: purchaseRecord, fields: PURCHASE_FIELDS, empty: "no purchases" });
  if (ctx.format === "table" && rows.length)
    ctx.info(purchaseTotals(rows).map((t) => `${t.count} purchase${t.count === 1 ? "" : "s"}, ${formatMoney(t.totalMinor, t.currency)}`).join("; "));
}

export async function purchaseRm(ctx: Ctx, [idText]: string[], opts: Opts): Promise<void> {
  const v = idText!.trim().replace(/^#/, "");
  if (!/^\d+$/.test(v)) throw usageError(`invalid purchase id ${quote(idText)}`, "use the number shown by `crm purchase list`");
  const store = ctx.store();
  const p = getPurchase(store, Number(v));
  const fromDeal = p.dealId !== null ? `; deal #${p.dealId} stays won` : "";
  await confirmOrYes(ctx, `Delete purchase #${p.id} (${formatMoney(p.amountMinor, p.currency)}, ${p.contactName ?? "erased contact"}, ${localDate(new Date(p.at))}${fromDeal})?`, opts.yes);
  removePurchase(store, p.id);
  ctx.info(`deleted purchase #${p.id}`);
}

// ---- the board ------------------------------------------------------------------------------------------

export const PIPELINE_FIELDS = ["stage", "currency", "probability", "deals", "total", "weighted"];

type BoardRow = { stage: string; currency: string; probability: number | null; deals: number; totalMinor: number; weightedMinor: number };

const boardRecord = (r: BoardRow) => ({
  stage: r.stage, currency: r.currency, probability: r.probability, deals: r.deals,
  total: formatMinor(r.totalMinor, r.currency), weighted: formatMinor(r.weightedMinor, r.currency),
});

export async function pipeline(ctx: Ctx, _args: string[], opts: Opts): Promise<void> {
  const within = parseInterval(opts.within ?? "14d", "--within");
  const today = localDate(ctx.now);
  const withinDays = daysFromTo(today, localDate(addInterval(ctx.now, within)));
  const store = ctx.store();
  const board = pipelineBoard(dealsAsOf(store, ctx.now), {
    today, withinDays, stageProbabilities: stageProbabilities(store), defaultCurrency: defaultCurrency(store),
  });
  const rows: BoardRow[] = [];
  for (const t of board.totals) {
    rows.push(...board.stages.filter((s: StageSummary) => s.currency === t.currency));
    rows.push({ stage: "total", probability: null, ...(t as CurrencyTotal) });
  }
  const closing = board.closingSoon.map((d) => ({
    id: d.id, title: d.title, contactId: d.contactId, contactName: d.contactName, stage: d.stage,
    amount: formatMinor(d.amountMinor, d.currency), currency: d.currency, probability: d.probability, closeOn: d.closeOn, daysToClose: d.daysToClose,
  }));
  if (ctx.format === "json")
    return emit(ctx, toJson({ asOf: ctx.now.toISOString(), withinDays, stages: board.stages.map(boardRecord), totals: board.totals.map((t) => boardRecord({ stage: "total", probability: null, ...t })), closingSoon: closing }));
  if (ctx.format === "csv") return emit(ctx, toCsv(rows.map(boardRecord), PIPELINE_FIELDS));

  const c = ctx.color;
  const chart = ctx.tableStyle === "box";
  const max = Math.max(0, ...rows.filter((r) => r.stage !== "total").map((r) => r.weightedMinor));
  const columns: Column<BoardRow>[] = [
    { header: "stage", cell: (r) => (r.stage === "total" ? c.bold("total") : r.stage) },
    { header: "deals", cell: (r) => r.deals, align: "right" },
    { header: "total", cell: (r) => formatMoney(r.totalMinor, r.currency), align: "right" },
    { header: "weighted", cell: (r) => (r.stage === "total" ? c.bold(formatMoney(r.weightedMinor, r.currency)) : formatMoney(r.weightedMinor, r.currency)), align: "right" },
  ];
  // Bars compare amounts within one currency only: with several currencies, each is scaled to its own largest.
  if (chart)
    columns.push({
      header: "",
      cell: (r) => {
        if (r.stage === "total") return "";
        const top = board.totals.length > 1 ? Math.max(...rows.filter((x) => x.currency === r.currency && x.stage !== "total").map((x) => x.weightedMinor)) : max;
        return c.cyan(bar(r.weightedMinor, top, 20));
      },
    });
  const out = [(ctx.tableStyle === "box" ? await boxTable(ctx, columns, rows) : plainTable(columns, rows)).trimEnd()];
  const soon = board.closingSoon;
  out.push("", c.bold(soon.length ? `Closing within ${withinDays} days` : `Nothing expected to close within ${withinDays} days`));
  if (soon.length) {
    const soonColumns: Column<(typeof soon)[number]>[] = [
      { header: "id", cell: (d) => d.id, align: "right" },
      { header: "close", cell: (d) => d.closeOn },
      { header: "when", cell: (d) => (d.daysToClose < 0 ? c.red(`${-d.daysToClose}d overdue`) : d.daysToClose === 0 ? c.yellow("today") : `in ${d.daysToClose}d`) },
      { header: "contact", cell: (d) => d.contactName },
      { header: "title", cell: (d) => d.title },
      { header: "stage", cell: (d) => d.stage },
      { header: "amount", cell: (d) => formatMoney(d.amountMinor, d.currency), align: "right" },
      { header: "prob", cell: (d) => `${d.probability}%`, align: "right" },
    ];
    out.push((ctx.tableStyle === "box" ? await boxTable(ctx, soonColumns, soon) : plainTable(soonColumns, soon)).trimEnd());
  }
  emit(ctx, out.join("\n").replace(/\n*$/, "\n"));
}

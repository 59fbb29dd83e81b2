// The deal commands: parse → one core call → render.
import type { Ctx } from "../../context.js";
import { resolveContact } from "../../../core/contacts/contacts.js";
import {
  addDeal,
  dealHistory,
  editDeal,
  getDeal,
  listDeals,
  loseDeal,
  moveDeal,
  removeDeal,
  stageProbabilities,
  winDeal,
  type Deal,
  type DealChanges,
  type DealStatus,
  type MoveResult,
} from "../../../core/deals/deals.js";
import { weightedMinor, type Stage } from "../../../core/deals/pipeline.js";
import { defaultCurrency } from "../../../core/config/settings.js";
import { checkAmountShape, formatMinor, formatMoney, normaliseCurrency } from "../../../io/money.js";
import { daysFromTo, localDate, localDateTime } from "../../../io/dates.js";
import { ExitCode, usageError, quote } from "../../../errors.js";
import { amount, whenDate, withFlagHint } from "../../flags.js";
import { emit } from "../../render/sink.js";
import { printRecords } from "../../render/output.js";
import { toJson } from "../../render/json.js";
import { toCsv } from "../../render/csv.js";
import type { Column } from "../../render/table.js";
import { confirmOrYes } from "../../prompt.js";
import type {
  DealAddOptions,
  DealEditOptions,
  DealListOptions,
  DealLostOptions,
  DealMoveOptions,
  DealRmOptions,
  DealShowOptions,
  DealWonOptions,
} from "./declare.js";

/** `--close`: a date as users type it, or "" to clear. */
async function closeDate(ctx: Ctx, value: string): Promise<string | null> {
  if (!value.trim()) return null;
  return localDate((await whenDate(value, ctx.now, "--close"))!);
}

/** A move dated before the deal's last stage change: core says so; the date came from --at. */
const withAtHint = (at: Date | undefined, move: () => MoveResult): MoveResult =>
  at === undefined ? move() : withFlagHint(ExitCode.usage, "give a later --at, or leave it out to use now", move);

/** The deal's own probability: a percent, or null to use its stage's. */
const overrideOf = (p: number | "default" | undefined) => (p === "default" ? null : p);

const describeDeal = (d: { id: number; title: string }) => `#${d.id} ${quote(d.title)}`;

/** A deal needs a title: said here, with an example of the command, before core would refuse it. */
function checkTitle(title: string): void {
  if (!title.trim()) throw usageError("a deal needs a title", 'e.g. crm deal add ada "Website redesign" --amount 4000');
}

export const DEAL_FIELDS = [
  "id",
  "contactId",
  "contactName",
  "title",
  "amount",
  "amountMinor",
  "currency",
  "stage",
  "probability",
  "probabilityOverride",
  "closeOn",
  "lostReason",
  "closedAt",
  "createdAt",
  "updatedAt",
  "purchaseId",
];

export function dealRecord(d: Deal): Record<string, unknown> {
  return {
    id: d.id,
    contactId: d.contactId,
    contactName: d.contactName,
    title: d.title,
    amount: formatMinor(d.amountMinor, d.currency),
    amountMinor: d.amountMinor,
    currency: d.currency,
    stage: d.stage,
    probability: d.probability,
    probabilityOverride: d.probabilityOverride,
    closeOn: d.closeOn,
    lostReason: d.lostReason,
    closedAt: d.closedAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    purchaseId: d.purchaseId,
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

export async function add(ctx: Ctx, [ref, ...titleWords]: [string, ...string[]], opts: DealAddOptions): Promise<void> {
  const title = titleWords.join(" ");
  checkTitle(title);
  if (opts.amount !== undefined) checkAmountShape(opts.amount, "--amount");
  const store = ctx.store();
  const money =
    opts.amount !== undefined
      ? amount(opts.amount, { currency: opts.currency, defaultCurrency: defaultCurrency(store), flag: "--amount" })
      : { minor: 0, currency: opts.currency !== undefined ? normaliseCurrency(opts.currency) : defaultCurrency(store) };
  const stage = opts.stage ?? "lead";
  const probability = overrideOf(opts.probability) ?? null;
  const closeOn = opts.close !== undefined ? await closeDate(ctx, opts.close) : null;
  const at = await whenDate(opts.at, ctx.now, "--at");
  const contact = resolveContact(store, ref);
  const { id, purchaseId } = addDeal(
    store,
    { contactId: contact.id, title, amountMinor: money.minor, currency: money.currency, stage, probability, closeOn, at },
    ctx.now,
  );
  ctx.print(`${id}\n`);
  ctx.info(`added deal #${id} for #${contact.id} ${contact.name} (${stage}, ${formatMoney(money.minor, money.currency)})`);
  if (purchaseId !== null) ctx.info(`recorded purchase #${purchaseId} of ${formatMoney(money.minor, money.currency)}`);
}

function statusFilter(opts: DealListOptions): DealStatus | undefined {
  const chosen = (["open", "won", "lost"] as const).filter((s) => opts[s]);
  if (chosen.length > 1) throw usageError(`--${chosen.join(" and --")} exclude each other`, "give one of --open, --won, --lost");
  return chosen[0];
}

export async function list(ctx: Ctx, _args: [], opts: DealListOptions): Promise<void> {
  const status = statusFilter(opts);
  const stage = opts.stage;
  const store = ctx.store();
  const contactId = opts.contact !== undefined ? resolveContact(store, opts.contact).id : undefined;
  const rows = listDeals(store, { stage, status, contactId });
  await printRecords(ctx, { rows, columns: dealColumns, record: dealRecord, fields: DEAL_FIELDS, empty: "no deals match" });
}

export async function show(ctx: Ctx, [dealId]: [number], _opts: DealShowOptions): Promise<void> {
  const store = ctx.store();
  const deal = getDeal(store, dealId);
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
    const rel = deal.closedAt
      ? ""
      : days === 0
        ? " (today)"
        : days > 0
          ? ` (in ${days} day${days === 1 ? "" : "s"})`
          : ` (${-days} day${days === -1 ? "" : "s"} ago)`;
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

export async function edit(ctx: Ctx, [id]: [number], opts: DealEditOptions): Promise<void> {
  const store = ctx.store();
  const deal = getDeal(store, id);
  const changes: DealChanges = {};
  if (opts.title !== undefined) {
    checkTitle(opts.title);
    changes.title = opts.title;
  }
  if (opts.amount !== undefined) {
    const money = amount(opts.amount, { currency: opts.currency, defaultCurrency: deal.currency, flag: "--amount" });
    changes.amountMinor = money.minor;
    changes.currency = money.currency;
  } else if (opts.currency !== undefined) changes.currency = normaliseCurrency(opts.currency);
  if (opts.probability !== undefined) changes.probability = overrideOf(opts.probability);
  if (opts.close !== undefined) changes.closeOn = await closeDate(ctx, opts.close);
  if (opts.stage !== undefined) changes.stage = opts.stage;
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
  if (move.purchaseId !== null)
    ctx.info(`recorded purchase #${move.purchaseId} of ${formatMoney(deal.amountMinor, deal.currency)} for #${deal.contactId} ${deal.contactName}`);
  else if (move.to === "won" && deal.amountMinor === 0) ctx.info(`the deal has no amount, so no purchase was recorded`);
}

export async function move(ctx: Ctx, [id, stage]: [number, Stage], opts: DealMoveOptions): Promise<void> {
  if (opts.reason !== undefined && stage !== "lost")
    throw usageError(`--reason goes with the stage lost, not ${quote(stage)}`, `e.g. crm deal move ${id} lost --reason "Budget cut"`);
  const at = await whenDate(opts.at, ctx.now, "--at");
  reportMove(
    ctx,
    withAtHint(at, () => moveDeal(ctx.store(), id, stage, ctx.now, { at, reason: opts.reason })),
  );
}

export async function won(ctx: Ctx, [id]: [number], opts: DealWonOptions): Promise<void> {
  const at = await whenDate(opts.at, ctx.now, "--at");
  reportMove(
    ctx,
    withAtHint(at, () => winDeal(ctx.store(), id, ctx.now, { at, recordPurchase: opts.purchase !== false })),
  );
  if (opts.purchase === false) ctx.info("no purchase recorded (--no-purchase)");
}

export async function lost(ctx: Ctx, [id]: [number], opts: DealLostOptions): Promise<void> {
  const at = await whenDate(opts.at, ctx.now, "--at");
  reportMove(
    ctx,
    withAtHint(at, () => loseDeal(ctx.store(), id, ctx.now, { at, reason: opts.reason })),
  );
}

export async function rm(ctx: Ctx, [dealId]: [number], opts: DealRmOptions): Promise<void> {
  const store = ctx.store();
  const deal = getDeal(store, dealId);
  const keeps = deal.purchaseId !== null ? ` (purchase #${deal.purchaseId}, recorded when it was won, stays)` : "";
  await confirmOrYes(ctx, `Delete deal ${describeDeal(deal)} and its stage history${keeps}?`, opts.yes);
  removeDeal(store, deal.id);
  ctx.info(`deleted deal #${deal.id}`);
}

// Deals: opportunities moving through the pipeline (lead → qualified → proposal → negotiation → won |
// lost). Every stage change is kept with its date (a row at creation too) for cycle time and win rate.
// Winning a deal records one purchase of its amount for the contact (purchases.deal_id links them);
// reopening or losing a won deal removes that purchase, so winning it again records it afresh.
import type { Store } from "../../db/open.js";
import { inTransaction } from "../../db/open.js";
import type { ContactRow, DealRow, DealStageChangeRow, IdRow, SettingRow } from "../../db/rows.js";
import { conflict, notFound, usageError, quote } from "../../errors.js";
import { localDate, localDateTime, daysBetween, daysFromTo, compareIso } from "../../io/dates.js";
import { STAGE_DEFAULT_PROBABILITIES } from "../config/settings.js";
import { insertPurchase, PurchaseTotals } from "../purchases/purchases.js";
import { purchasesChanged } from "../purchases/version.js";
import { STAGES, OPEN_STAGES, isOpenStage, type Stage, type PipelineDeal } from "./pipeline.js";

export interface Deal extends Omit<DealRow, "stage" | "probability"> {
  contactName: ContactRow["name"];
  stage: Stage;
  /** Effective win probability in percent: the override while open, else the stage's (settings). */
  probability: number;
  /** The deal's own probability, or null when it uses the stage default. Ignored once won or lost. */
  probabilityOverride: DealRow["probability"];
  /** The purchase recorded when the deal was won. */
  purchaseId: number | null;
}

/** A deal as stored, before its effective probability is worked out. */
type StoredDeal = Omit<Deal, "probability">;

export interface StageChange extends Pick<DealStageChangeRow, "id" | "at"> {
  fromStage: Stage | null;
  toStage: Stage;
}

export type DealStatus = "open" | "won" | "lost";

/** Win probability per stage from the settings (`probability.<stage>`), with the product defaults. */
export function stageProbabilities(store: Store): Record<Stage, number> {
  const probs: Record<Stage, number> = { ...STAGE_DEFAULT_PROBABILITIES };
  const rows = store.sqlite.prepare<[], SettingRow>("select key, value from settings where key like 'probability.%'").all();
  for (const r of rows) {
    const stage = r.key.slice("probability.".length);
    if ((STAGES as readonly string[]).includes(stage)) probs[stage as Stage] = Number(r.value);
  }
  return probs;
}

function effectiveProbability(stage: Stage, override: number | null, probs: Record<Stage, number>): number {
  return isOpenStage(stage) && override !== null ? override : probs[stage];
}

const SELECT = `select d.id, d.contact_id as contactId, c.name as contactName, d.title, d.amount_minor as amountMinor, d.currency,
  d.stage, d.probability as probabilityOverride, d.close_on as closeOn, d.lost_reason as lostReason, d.closed_at as closedAt,
  d.created_at as createdAt, d.updated_at as updatedAt, p.id as purchaseId
  from deals d join contacts c on c.id = d.contact_id left join purchases p on p.deal_id = d.id`;

const STAGE_ORDER = `case d.stage ${STAGES.map((s, i) => `when '${s}' then ${i}`).join(" ")} end`;

function withProbability(rows: StoredDeal[], probs: Record<Stage, number>): Deal[] {
  return rows.map((r) => {
    const { purchaseId, ...rest } = r;
    return { ...rest, probability: effectiveProbability(r.stage, r.probabilityOverride, probs), purchaseId };
  });
}

export interface DealQuery {
  stage?: Stage;
  status?: DealStatus;
  contactId?: number;
}

/** Deals in pipeline order: by stage, then expected close date (undated last), then id. */
export function listDeals(store: Store, q: DealQuery = {}): Deal[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.stage) {
    where.push("d.stage = ?");
    params.push(q.stage);
  }
  if (q.status === "open") where.push(`d.stage in (${OPEN_STAGES.map((s) => `'${s}'`).join(", ")})`);
  else if (q.status) {
    where.push("d.stage = ?");
    params.push(q.status);
  }
  if (q.contactId !== undefined) {
    where.push("d.contact_id = ?");
    params.push(q.contactId);
  }
  const rows = store.sqlite
    .prepare<(string | number)[], StoredDeal>(
      `${SELECT} ${where.length ? "where " + where.join(" and ") : ""} order by ${STAGE_ORDER}, coalesce(d.close_on, '9999-12-31'), d.id`,
    )
    .all(...params);
  return withProbability(rows, stageProbabilities(store));
}

export function getDeal(store: Store, id: number): Deal {
  const row = store.sqlite.prepare<[number], StoredDeal>(`${SELECT} where d.id = ?`).get(id);
  if (!row) throw notFound(`no deal #${id}`, "see `crm deal list`");
  return withProbability([row], stageProbabilities(store))[0]!;
}

/** The deal's stage changes, oldest first (the first one is its creation). */
export function dealHistory(store: Store, id: number): StageChange[] {
  return store.sqlite
    .prepare<[number], StageChange>("select id, from_stage as fromStage, to_stage as toStage, at from deal_stage_changes where deal_id = ? order by at, id")
    .all(id);
}

function cleanTitle(title: string): string {
  const t = title.trim();
  if (!t) throw usageError("a deal needs a title");
  if (t.length > 500) throw usageError(`the deal title is longer than 500 characters: ${quote(t)}`, "shorten it");
  return t;
}

function checkAmount(minor: number): void {
  if (!Number.isSafeInteger(minor) || minor < 0) throw usageError(`invalid deal amount ${quote(minor)}`, "amounts are zero or more");
}

export interface NewDeal {
  contactId: number;
  title: string;
  amountMinor?: number;
  currency: string;
  stage?: Stage;
  probability?: number | null;
  /** Local "YYYY-MM-DD". */
  closeOn?: string | null;
  /** When the deal was opened (default now): for deals entered after the fact. */
  at?: Date;
  lostReason?: string | null;
}

/** Creates a deal and its first stage-change row; a deal created as won records its purchase. */
export function addDeal(store: Store, input: NewDeal, now: Date): { id: number; purchaseId: number | null } {
  const title = cleanTitle(input.title);
  const amountMinor = input.amountMinor ?? 0;
  checkAmount(amountMinor);
  const stage = input.stage ?? "lead";
  const at = (input.at ?? now).toISOString();
  return inTransaction(store, () => {
    const closed = !isOpenStage(stage);
    const { id } = store.sqlite
      .prepare<unknown[], IdRow>(
        `insert into deals(contact_id, title, amount_minor, currency, stage, probability, close_on, lost_reason, closed_at, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      )
      .get(
        input.contactId,
        title,
        amountMinor,
        input.currency,
        stage,
        input.probability ?? null,
        input.closeOn ?? null,
        stage === "lost" ? input.lostReason?.trim() || null : null,
        closed ? at : null,
        at,
        now.toISOString(),
      )!;
    store.sqlite.prepare("insert into deal_stage_changes(deal_id, from_stage, to_stage, at) values (?, null, ?, ?)").run(id, stage, at);
    const purchaseId =
      stage === "won" && amountMinor > 0
        ? recordWinPurchase(store, { id, contactId: input.contactId, title, amountMinor, currency: input.currency }, new Date(at), now)
        : null;
    return { id, purchaseId };
  });
}

export function recordWinPurchase(
  store: Store,
  deal: { id: number; contactId: number; title: string; amountMinor: number; currency: string },
  at: Date,
  now: Date,
): number {
  new PurchaseTotals(store).check(deal.contactId, deal.currency, deal.amountMinor);
  purchasesChanged(store);
  return insertPurchase(
    store,
    {
      contactId: deal.contactId,
      amountMinor: deal.amountMinor,
      currency: deal.currency,
      at,
      note: `deal #${deal.id}: ${deal.title}`,
      source: "deal",
      dealId: deal.id,
    },
    now,
  );
}

export interface MoveOptions {
  /** When the change happened (default now); never before the deal's previous stage change. */
  at?: Date;
  /** Why a deal was lost. */
  reason?: string | null;
  /** Winning records a purchase of the amount unless this is false (e.g. the sale arrives by import). */
  recordPurchase?: boolean;
}

export interface MoveResult {
  id: number;
  from: Stage;
  to: Stage;
  at: string;
  /** The purchase recorded by winning; null when none (no amount, or recordPurchase false). */
  purchaseId: number | null;
  /** The purchase removed because a won deal was reopened or lost. */
  removedPurchaseId: number | null;
}

function moveInTransaction(store: Store, id: number, to: Stage, now: Date, opts: MoveOptions): MoveResult {
  const deal = getDeal(store, id);
  if (deal.stage === to) {
    if (to === "won" || to === "lost")
      throw conflict(
        `deal #${id} is already ${to}${deal.closedAt ? ` (since ${localDate(new Date(deal.closedAt))})` : ""}`,
        `to close it again, reopen it first: crm deal move ${id} negotiation`,
      );
    throw conflict(`deal #${id} is already in ${to}`, `see crm deal show ${id}`);
  }
  const at = (opts.at ?? now).toISOString();
  const last = store.sqlite
    .prepare<[number], { at: DealStageChangeRow["at"] | null }>("select max(at) as at from deal_stage_changes where deal_id = ?")
    .get(id)!;
  if (last.at && at < last.at)
    throw usageError(`the date ${quote(localDateTime(new Date(at)))} is before deal #${id}'s last stage change (${localDateTime(new Date(last.at))})`);
  let removedPurchaseId: number | null = null;
  if (deal.stage === "won") {
    const removed = store.sqlite.prepare<[number], IdRow>("delete from purchases where deal_id = ? returning id").get(id);
    removedPurchaseId = removed?.id ?? null;
    if (removed) purchasesChanged(store);
  }
  store.sqlite.prepare("insert into deal_stage_changes(deal_id, from_stage, to_stage, at) values (?, ?, ?, ?)").run(id, deal.stage, to, at);
  const closed = !isOpenStage(to);
  store.sqlite
    .prepare("update deals set stage = ?, closed_at = ?, lost_reason = ?, updated_at = ? where id = ?")
    .run(to, closed ? at : null, to === "lost" ? opts.reason?.trim() || null : null, now.toISOString(), id);
  const purchaseId = to === "won" && deal.amountMinor > 0 && opts.recordPurchase !== false ? recordWinPurchase(store, deal, new Date(at), now) : null;
  return { id, from: deal.stage, to, at, purchaseId, removedPurchaseId };
}

/**
 * Moves a deal to another stage and records the change. To `won`: records one purchase of the deal's
 * amount (none for a zero amount); winning a won deal exits 4. Leaving `won` (reopened or lost): the
 * purchase the win recorded is removed. Moving to the stage it is in exits 4.
 */
export function moveDeal(store: Store, id: number, to: Stage, now: Date, opts: MoveOptions = {}): MoveResult {
  return inTransaction(store, () => moveInTransaction(store, id, to, now, opts));
}

export const winDeal = (store: Store, id: number, now: Date, opts: Omit<MoveOptions, "reason"> = {}) => moveDeal(store, id, "won", now, opts);
export const loseDeal = (store: Store, id: number, now: Date, opts: Omit<MoveOptions, "recordPurchase"> = {}) => moveDeal(store, id, "lost", now, opts);

export interface DealChanges {
  contactId?: number;
  title?: string;
  amountMinor?: number;
  currency?: string;
  probability?: number | null;
  closeOn?: string | null;
  stage?: Stage;
}

/**
 * Changes a deal's details. A new amount, currency or contact on a won deal updates the purchase its
 * win recorded, so the two never disagree. A new stage is a move (recorded in the history).
 */
export function editDeal(store: Store, id: number, changes: DealChanges, now: Date): { move?: MoveResult } {
  const sets: string[] = [];
  const params: (string | number | null)[] = [];
  const set = (column: string, value: string | number | null) => (sets.push(`${column} = ?`), params.push(value));
  if (changes.title !== undefined) set("title", cleanTitle(changes.title));
  if (changes.amountMinor !== undefined) {
    checkAmount(changes.amountMinor);
    set("amount_minor", changes.amountMinor);
  }
  if (changes.currency !== undefined) set("currency", changes.currency);
  if (changes.contactId !== undefined) set("contact_id", changes.contactId);
  if (changes.probability !== undefined) set("probability", changes.probability);
  if (changes.closeOn !== undefined) set("close_on", changes.closeOn);
  return inTransaction(store, () => {
    const deal = getDeal(store, id);
    if (sets.length) {
      store.sqlite.prepare(`update deals set ${sets.join(", ")}, updated_at = ? where id = ?`).run(...params, now.toISOString(), id);
      if (deal.purchaseId !== null) {
        store.sqlite
          .prepare(
            "update purchases set amount_minor = d.amount_minor, currency = d.currency, contact_id = d.contact_id from deals d where d.id = ? and purchases.id = ?",
          )
          .run(id, deal.purchaseId);
        purchasesChanged(store);
      }
    }
    const move = changes.stage !== undefined && changes.stage !== deal.stage ? moveInTransaction(store, id, changes.stage, now, {}) : undefined;
    return { move };
  });
}

/** Deletes a deal and its history. A purchase its win recorded stays (revenue is revenue), unlinked. */
export function removeDeal(store: Store, id: number): void {
  inTransaction(store, () => {
    const { changes } = store.sqlite.prepare("delete from deals where id = ?").run(id);
    if (!changes) throw notFound(`no deal #${id}`, "see `crm deal list`");
  });
}

/** A deal as it stood at `now`, with the moment of its last activity. */
export type DealAsOf = PipelineDeal & { lastActivityAt: string };

/**
 * Every deal opened by `now`, in the stage it was in at `now` (from its stage history, so `--as-of`
 * sees the past pipeline), with its effective probability. Amounts and close dates are the current ones.
 * Last activity: the latest stage change or interaction with the contact up to `now`.
 */
export function dealsAsOf(store: Store, now: Date): DealAsOf[] {
  const probs = stageProbabilities(store);
  const iso = now.toISOString();
  const rows = store.sqlite
    .prepare<
      { now: string },
      Pick<DealAsOf, "id" | "title" | "contactId" | "contactName" | "stage" | "amountMinor" | "currency" | "closeOn" | "lastActivityAt"> & {
        override: DealRow["probability"];
        createdAt: DealRow["createdAt"];
        stageAt: DealStageChangeRow["at"] | null;
      }
    >(
      `with last as (
         select deal_id, to_stage, at, row_number() over (partition by deal_id order by at desc, id desc) as rn
         from deal_stage_changes where at <= @now
       )
       select d.id, d.title, d.contact_id as contactId, c.name as contactName, coalesce(l.to_stage, d.stage) as stage,
         d.amount_minor as amountMinor, d.currency, d.probability as override, d.close_on as closeOn, d.created_at as createdAt,
         l.at as stageAt,
         max(coalesce(l.at, d.created_at), d.created_at,
             coalesce((select max(i.at) from interactions i where i.contact_id = d.contact_id and i.at <= @now), '')) as lastActivityAt
       from deals d join contacts c on c.id = d.contact_id left join last l on l.deal_id = d.id and l.rn = 1
       where d.created_at <= @now
       order by d.id`,
    )
    .all({ now: iso });
  return rows.map(({ override, createdAt, stageAt, ...r }) => ({
    ...r,
    probability: effectiveProbability(r.stage, override, probs),
    createdOn: localDate(new Date(createdAt)),
    closedOn: !isOpenStage(r.stage) && stageAt ? localDate(new Date(stageAt)) : null,
  }));
}

/** A deal on the agenda: the pipeline's view of it, plus how close and how idle it is. */
export interface AgendaDeal extends Omit<PipelineDeal, "createdOn" | "closedOn"> {
  /** Days from today to the expected close date; negative when it has passed. Null without a date. */
  daysToClose: number | null;
  /** Latest stage change or interaction with the contact (ISO timestamp). */
  lastActivityAt: string;
  daysSinceActivity: number;
}

export const AGENDA_CLOSING_DAYS = 7;
export const AGENDA_STALE_DAYS = 14;

/** An open deal as the agenda first sees it: [id, stage as of now, close date, last activity]. */
type AgendaCandidate = [id: number, stage: Stage, closeOn: string | null, lastActivityAt: string];

/**
 * Deals for `crm today`, as of `now`: open deals expected to close within 7 days (including those past
 * their date, still open), soonest first; and open deals with no stage change and no interaction with
 * their contact for 14 days or more, longest-idle first. A deal may be in both lists. With a `limit`,
 * each list holds its first `limit` deals (the idle list also those idle as many days as the last of
 * them, so the agenda can break the tie), and the counts say how many there are in all.
 */
export function dealsForAgenda(
  store: Store,
  now: Date,
  limit = Infinity,
): { closingSoon: AgendaDeal[]; closingCount: number; stale: AgendaDeal[]; staleCount: number } {
  const today = localDate(now);
  const iso = now.toISOString();
  // One row per open deal, three values each: the stage as of now is its latest change up to now
  // (the deal's own stage when none is that old); its last activity the latest of that change, its
  // creation and the last interaction with its contact up to now. One seek into the stage history per
  // deal finds that change (its stage and time together); the last interaction is looked up for open
  // deals only. Indexes answer every subquery.
  const open = store.sqlite
    .prepare<{ now: string }, AgendaCandidate>(
      `select id, stage, closeOn, max(coalesce(changedAt, createdAt), createdAt,
           coalesce((select max(i.at) from interactions i where i.contact_id = contactId and i.at <= @now), '')) as lastActivityAt from (
         select d.id, d.close_on as closeOn, d.created_at as createdAt, d.contact_id as contactId,
           coalesce(s.to_stage, d.stage) as stage, s.at as changedAt
         from deals d left join deal_stage_changes s on s.id =
           (select l.id from deal_stage_changes l where l.deal_id = d.id and l.at <= @now order by l.at desc, l.id desc limit 1)
         where d.created_at <= @now)
       where stage in (${OPEN_STAGES.map((st) => `'${st}'`).join(", ")})`,
    )
    .raw()
    .all({ now: iso });
  // Within 7 days: closes on or before the local date 7 days from today. Idle for 14 days: the last
  // activity lies before the start of the local day 13 days ago. (Stored dates and instants sort as text.)
  const closeBy = localDate(new Date(now.getFullYear(), now.getMonth(), now.getDate() + AGENDA_CLOSING_DAYS));
  const idleBefore = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (AGENDA_STALE_DAYS - 1)).toISOString();
  const closing = open.filter((d) => d[2] !== null && d[2] <= closeBy).sort((a, b) => compareIso(a[2]!, b[2]!) || a[0] - b[0]);
  const idle = open.filter((d) => d[3] < idleBefore).sort((a, b) => compareIso(a[3], b[3]) || a[0] - b[0]);
  const shownClosing = closing.slice(0, limit);
  let shownIdle = idle.length;
  if (limit < idle.length) {
    const lastDay = localDate(new Date(idle[limit - 1]![3]));
    for (shownIdle = limit; shownIdle < idle.length && localDate(new Date(idle[shownIdle]![3])) === lastDay; shownIdle++);
  }
  const details = agendaDealDetails(store, [...new Set([...shownClosing, ...idle.slice(0, shownIdle)].map((d) => d[0]))]);
  const probs = stageProbabilities(store);
  const toAgendaDeal = ([id, stage, closeOn, lastActivityAt]: AgendaCandidate): AgendaDeal => {
    const d = details.get(id)!;
    return {
      id,
      title: d.title,
      contactId: d.contactId,
      contactName: d.contactName,
      stage,
      amountMinor: d.amountMinor,
      currency: d.currency,
      probability: effectiveProbability(stage, d.override, probs),
      closeOn,
      daysToClose: closeOn ? daysFromTo(today, closeOn) : null,
      lastActivityAt,
      daysSinceActivity: daysBetween(new Date(lastActivityAt), now),
    };
  };
  return {
    closingSoon: shownClosing.map(toAgendaDeal),
    closingCount: closing.length,
    stale: idle.slice(0, shownIdle).map(toAgendaDeal),
    staleCount: idle.length,
  };
}

type AgendaDealDetails = Pick<AgendaDeal, "title" | "contactId" | "contactName" | "amountMinor" | "currency"> & { override: DealRow["probability"] };

/** What the agenda shows of the given deals, by id. */
function agendaDealDetails(store: Store, ids: number[]): Map<number, AgendaDealDetails> {
  const rows = store.sqlite
    .prepare<[string], AgendaDealDetails & { id: number }>(
      `select d.id, d.title, d.contact_id as contactId, c.name as contactName, d.amount_minor as amountMinor, d.currency, d.probability as override
       from deals d join contacts c on c.id = d.contact_id where d.id in (select value from json_each(?))`,
    )
    .all(JSON.stringify(ids));
  return new Map(rows.map(({ id, ...d }) => [id, d]));
}

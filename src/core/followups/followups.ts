// Follow-ups and keep-in-touch: what the user owes whom, and when. Adding (one contact, or one per
// contact of a tag or segment), listing, completing (recurring ones schedule their next date), snoozing
// and removing follow-ups; which keep-in-touch contacts are due; and what `crm remind` reports.
// Due dates are stored the way they were given: a local "YYYY-MM-DD" for a day, an ISO UTC instant
// when a time of day was given. A day is due from its start and overdue once it has passed.
import { inTransaction, type Store } from "../../db/open.js";
import type { ContactRow, DealRow, FollowupRow, IdRow } from "../../db/rows.js";
import { conflict, notFound, usageError, quote } from "../../errors.js";
import { contactIdsWithTag } from "../contacts/contacts.js";
import { awaitingReply } from "../mail/awaiting.js";
import {
  addInterval,
  daysBetween,
  endOfDay,
  formatInterval,
  fromStored,
  localDate,
  LAST_YEAR,
  localDateTime,
  nextInSeries,
  tryParseInterval,
  type Interval,
  type When,
} from "../../io/dates.js";

export type FollowupStatus = "open" | "done";

/** A follow-up row; dueAt is as stored: "YYYY-MM-DD" (a day) or an ISO UTC instant (a time of day was given). */
export interface Followup extends Omit<FollowupRow, "status"> {
  contactName: ContactRow["name"];
  contactEmail: ContactRow["email"];
  dealTitle: DealRow["title"] | null;
  status: FollowupStatus;
}

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** True when the follow-up is due on a day rather than at a time. */
export const isAllDay = (dueAt: string) => DAY_ONLY.test(dueAt);

/** How a parsed date is stored: the local day, or the UTC instant when a time was given. */
export function toStoredDue(when: When): string {
  return when.hasTime ? when.date.toISOString() : localDate(when.date);
}

/** True once the due moment has passed: a day when it is over, a time when it is before now. */
export function isOverdue(dueAt: string, now: Date): boolean {
  return isAllDay(dueAt) ? dueAt < localDate(now) : dueAt < now.toISOString();
}

/** Due at or before `horizon`: a day from its start, a time at that time. */
export function isDueBy(dueAt: string, horizon: Date): boolean {
  return isAllDay(dueAt) ? dueAt <= localDate(horizon) : dueAt <= horizon.toISOString();
}

/** Whole local calendar days from the due date to now: > 0 overdue, 0 due today, < 0 not yet due. */
export function daysOverdue(dueAt: string, now: Date): number {
  return daysBetween(fromStored(dueAt), now);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** For people: "3 days overdue", "due today", "due tomorrow at 14:00", "2h overdue", "due in 5 days". */
export function describeDue(dueAt: string, now: Date): string {
  const due = fromStored(dueAt);
  const days = daysBetween(due, now);
  if (isAllDay(dueAt)) {
    if (days > 0) return `${plural(days, "day")} overdue`;
    if (days === 0) return "due today";
    if (days === -1) return "due tomorrow";
    return `due in ${plural(-days, "day")}`;
  }
  const time = localDateTime(due).slice(11);
  const late = now.getTime() - due.getTime();
  if (late > 0) {
    if (days > 0) return `${plural(days, "day")} overdue`;
    const minutes = Math.floor(late / 60_000);
    return minutes < 60 ? `${plural(minutes, "minute")} overdue` : `${plural(Math.floor(minutes / 60), "hour")} overdue`;
  }
  if (days === 0) return `due today at ${time}`;
  if (days === -1) return `due tomorrow at ${time}`;
  return `due in ${plural(-days, "day")} at ${time}`;
}

/** The due value for people: "2026-03-06" or "2026-03-06 14:00" (local). */
export function formatDue(dueAt: string): string {
  return isAllDay(dueAt) ? dueAt : localDateTime(new Date(dueAt));
}

// ---------------------------------------------------------------------------------------------------
// Adding

export interface FollowupInput {
  due: When;
  note?: string;
  /** How often it recurs. */
  every?: Interval;
  dealId?: number;
}

interface Prepared {
  dueAt: string;
  note: string | null;
  every: string | null;
  dealId: number | null;
}

function prepare(input: FollowupInput): Prepared {
  const note = input.note?.trim() || null;
  if (note && note.length > 10_000) throw usageError("the note is longer than 10,000 characters");
  return {
    dueAt: toStoredDue(input.due),
    note,
    every: input.every === undefined ? null : formatInterval(input.every),
    dealId: input.dealId ?? null,
  };
}

/** The contact a deal belongs to; exit 3 when there is no such deal. */
export function dealContact(store: Store, dealId: number): { contactId: number; title: string } {
  const deal = store.sqlite
    .prepare<[number], Pick<DealRow, "contactId" | "title">>("select contact_id as contactId, title from deals where id = ?")
    .get(dealId);
  if (!deal) throw notFound(`no deal #${dealId}`, "see `crm deal list`");
  return deal;
}

const INSERT = `insert into followups(contact_id, deal_id, due_at, note, every, anchor_at, status, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, 'open', ?, ?) returning id`;
type InsertParams = [
  contactId: number,
  dealId: number | null,
  dueAt: string,
  note: string | null,
  every: string | null,
  anchorAt: string | null,
  createdAt: string,
  updatedAt: string,
];

function insertAll(store: Store, contactIds: number[], p: Prepared, now: Date): number[] {
  const stamp = now.toISOString();
  const insert = store.sqlite.prepare<InsertParams, IdRow>(INSERT);
  return contactIds.map((contactId) => insert.get(contactId, p.dealId, p.dueAt, p.note, p.every, p.every && p.dueAt, stamp, stamp)!.id);
}

/** One follow-up for one contact. A linked deal must exist (exit 3) and be that contact's (exit 2). */
export function addFollowup(store: Store, contactId: number, input: FollowupInput, now: Date): number {
  const p = prepare(input);
  return inTransaction(store, () => {
    if (p.dealId !== null) {
      const deal = dealContact(store, p.dealId);
      if (deal.contactId !== contactId) throw usageError(`deal #${p.dealId} ${quote(deal.title)} belongs to another contact (#${deal.contactId})`);
    }
    if (!store.sqlite.prepare("select 1 from contacts where id = ?").get(contactId)) throw notFound(`no contact #${contactId}`);
    return insertAll(store, [contactId], p, now)[0]!;
  });
}

/** Who a campaign goes to: everyone with a tag (resolved inside the transaction), or a list of contacts. */
export type Audience = { tag: string } | { contactIds: number[] };

/** A small campaign: the same follow-up for every contact of a tag or a given list, all or none. */
export function addFollowupsForMany(store: Store, audience: Audience, input: FollowupInput, now: Date): number[] {
  if (input.dealId !== undefined)
    throw usageError("a follow-up linked to a deal is for that deal's contact, not for many contacts", "add the deal's follow-up on its own");
  const p = prepare(input);
  return inTransaction(store, () => {
    const ids = "tag" in audience ? contactIdsWithTag(store, audience.tag) : audience.contactIds;
    return insertAll(store, ids, p, now);
  });
}

// ---------------------------------------------------------------------------------------------------
// Reading

const SELECT = `select f.id, f.contact_id as contactId, c.name as contactName, c.email as contactEmail, f.deal_id as dealId,
    d.title as dealTitle, f.due_at as dueAt, f.note, f.every, f.anchor_at as anchorAt, f.status, f.done_at as doneAt, f.created_at as createdAt,
    f.updated_at as updatedAt
  from followups f join contacts c on c.id = f.contact_id left join deals d on d.id = f.deal_id`;

/** Sorts by the due moment (a day counts from its local start), then id. */
function byDue(a: { dueAt: string; id: number | null }, b: { dueAt: string; id: number | null }): number {
  return fromStored(a.dueAt).getTime() - fromStored(b.dueAt).getTime() || (a.id ?? 0) - (b.id ?? 0);
}

export type DueFilter = "overdue" | "today" | "week" | "all";

export interface FollowupQuery {
  status?: FollowupStatus | "all";
  /** overdue: the due moment has passed; today: due by the end of today; week: by the end of today + 7 days. */
  due?: DueFilter;
  /** Only those due at or before this moment (a day from its start). */
  dueBy?: Date;
  contactId?: number;
  limit?: number;
}

export function listFollowups(store: Store, now: Date, q: FollowupQuery = {}): Followup[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const status = q.status ?? "open";
  if (status !== "all") {
    where.push("f.status = ?");
    params.push(status);
  }
  if (q.contactId !== undefined) {
    where.push("f.contact_id = ?");
    params.push(q.contactId);
  }
  const due = q.due ?? "all";
  let dueBy = q.dueBy;
  if (due === "today" || due === "week") {
    const until = endOfDay(due === "today" ? now : addInterval(now, { count: 7, unit: "day" }));
    if (!dueBy || until < dueBy) dueBy = until;
  }
  // A cheap superset in SQL: stored days and instants both sort as text, a day's text sorts before any
  // instant of that day, and a local day is at most a day away from its UTC date. The exact rule follows.
  if (due === "overdue") {
    where.push("f.due_at <= ?");
    params.push(now.toISOString());
  }
  if (dueBy) {
    where.push("f.due_at < ?");
    params.push(localDate(addInterval(dueBy, { count: 2, unit: "day" })));
  }
  const rows = store.sqlite.prepare<(string | number)[], Followup>(`${SELECT} ${where.length ? "where " + where.join(" and ") : ""}`).all(...params);
  const kept = rows.filter((f) => (due !== "overdue" || isOverdue(f.dueAt, now)) && (!dueBy || isDueBy(f.dueAt, dueBy))).sort(byDue);
  return q.limit !== undefined ? kept.slice(0, q.limit) : kept;
}

/** The first follow-ups of an agenda section, and how many the section has. */
export interface AgendaFollowups {
  rows: Followup[];
  count: number;
}

/**
 * The open follow-ups of `crm today`: those overdue, and those due later today. Each list holds its
 * first `limit` in the agenda's order — most overdue first (whole local days for a day, fractions of
 * a day for a time), then by the stored due value, then by id — with how many there are in all. Only
 * ids and due values are read for the whole list; the rest for the follow-ups shown.
 */
export function followupsForAgenda(store: Store, now: Date, limit = Infinity): { overdue: AgendaFollowups; today: AgendaFollowups } {
  const endOfToday = endOfDay(now);
  // The superset of listFollowups(due: "today"); both sections follow from it by the exact rules.
  const due = store.sqlite
    .prepare<[string], [id: number, dueAt: string]>("select id, due_at from followups where status = 'open' and due_at < ?")
    .raw()
    .all(localDate(addInterval(endOfToday, { count: 2, unit: "day" })));
  // Days overdue of a day, as whole calendar days between two "YYYY-MM-DD" (both read as UTC midnights).
  const today = Date.parse(localDate(now));
  const urgency = ([, dueAt]: [number, string]) =>
    isAllDay(dueAt) ? (today - Date.parse(dueAt)) / 86_400_000 : (now.getTime() - Date.parse(dueAt)) / 86_400_000;
  const first = (rows: [number, string][]): AgendaFollowups => {
    const keyed = rows.map((r) => ({ id: r[0], dueAt: r[1], urgency: urgency(r) }));
    keyed.sort((a, b) => b.urgency - a.urgency || (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0) || a.id - b.id);
    const ids = keyed.slice(0, limit).map((k) => k.id);
    const byId = new Map(
      store.sqlite
        .prepare<[string], Followup>(`${SELECT} where f.id in (select value from json_each(?))`)
        .all(JSON.stringify(ids))
        .map((f) => [f.id, f]),
    );
    return { rows: ids.map((id) => byId.get(id)!), count: rows.length };
  };
  const overdue = due.filter(([, dueAt]) => isOverdue(dueAt, now));
  const later = due.filter(([, dueAt]) => !isOverdue(dueAt, now) && isDueBy(dueAt, endOfToday));
  return { overdue: first(overdue), today: first(later) };
}

export function getFollowup(store: Store, id: number): Followup {
  const row = store.sqlite.prepare<[number], Followup>(`${SELECT} where f.id = ?`).get(id);
  if (!row) throw notFound(`no follow-up #${id}`);
  return row;
}

// ---------------------------------------------------------------------------------------------------
// Completing, snoozing, removing

/**
 * The next due date of a recurring follow-up completed at `now`, stepped from the series' first due
 * date (`anchor`) by whole intervals until it lies after now — for a day, after today. So a weekly
 * follow-up done late is next due on the first weekly date after now, and one done early on its next
 * date; month ends and the local time of day do not drift (31 January monthly: 28/29 February, then
 * 31 March), and a snoozed occurrence does not move the series. Undefined when the series would leave
 * the calendar crm stores (after the year 9999): it ends there.
 */
export function nextDue(anchor: string, every: Interval, now: Date): string | undefined {
  const allDay = isAllDay(anchor);
  const next = nextInSeries(fromStored(anchor), every, allDay ? endOfDay(now) : now);
  if (!next) return undefined;
  if (allDay) return localDate(next);
  // Stored as the UTC instant, which must read as a four-digit year too (a late 31 December 9999 west of Greenwich does not).
  return next.getUTCFullYear() > LAST_YEAR ? undefined : next.toISOString();
}

export interface Completed {
  id: number;
  contactName: string;
  /** The follow-up scheduled in its place when it recurs. */
  next?: { id: number; dueAt: string };
  /** True when it recurred but its series ends: the next date would fall after the year 9999. */
  seriesEnded?: boolean;
}

/** Marks follow-ups done, all or none: unknown ids exit 3, already-done ones exit 4. Recurring ones schedule their next. */
export function completeFollowups(store: Store, ids: number[], now: Date): Completed[] {
  const stamp = now.toISOString();
  return inTransaction(store, () => {
    const rows = ids.map((id) => getFollowup(store, id));
    const done = rows.find((f) => f.status === "done");
    if (done)
      throw conflict(`follow-up #${done.id} is already done (on ${localDate(new Date(done.doneAt ?? done.updatedAt))})`, "nothing was changed; leave it out");
    const markDone = store.sqlite.prepare("update followups set status = 'done', done_at = ?, updated_at = ? where id = ?");
    const insert = store.sqlite.prepare<InsertParams, IdRow>(INSERT);
    return rows.map((f) => {
      markDone.run(stamp, stamp, f.id);
      const result: Completed = { id: f.id, contactName: f.contactName };
      const every = f.every ? tryParseInterval(f.every) : undefined;
      if (every) {
        const anchor = f.anchorAt ?? f.dueAt;
        const dueAt = nextDue(anchor, every, now);
        if (dueAt === undefined) result.seriesEnded = true;
        else result.next = { id: insert.get(f.contactId, f.dealId, dueAt, f.note, f.every, anchor, stamp, stamp)!.id, dueAt };
      }
      return result;
    });
  });
}

/** Moves an open follow-up's due date to `until`, which must not lie in the past (a day: today or later). */
export function snoozeFollowup(store: Store, id: number, until: When, now: Date): Followup {
  const dueAt = toStoredDue(until);
  if (isOverdue(dueAt, now)) throw usageError(`cannot snooze until ${formatDue(dueAt)}: that is in the past`);
  return inTransaction(store, () => {
    const f = getFollowup(store, id);
    if (f.status === "done") throw conflict(`follow-up #${id} is already done`, "only open follow-ups can be snoozed");
    store.sqlite.prepare("update followups set due_at = ?, updated_at = ? where id = ?").run(dueAt, now.toISOString(), id);
    return { ...f, dueAt };
  });
}

/** Deletes follow-ups, all or none (exit 3 when one does not exist); remembers their ids for calendars. */
export function removeFollowups(store: Store, ids: number[], now: Date): Followup[] {
  return inTransaction(store, () => {
    const rows = ids.map((id) => getFollowup(store, id));
    const del = store.sqlite.prepare("delete from followups where id = ?");
    const remember = store.sqlite.prepare("insert or replace into removed_followups (id, contact_id, due_at, removed_at) values (?, ?, ?, ?)");
    for (const f of rows) {
      del.run(f.id);
      remember.run(f.id, f.contactId, f.dueAt, now.toISOString());
    }
    return rows;
  });
}

// ---------------------------------------------------------------------------------------------------
// Keep-in-touch and reminders

export interface KeepInTouchDue {
  contactId: ContactRow["id"];
  contactName: ContactRow["name"];
  contactEmail: ContactRow["email"];
  cadence: string;
  /** The last interaction up to now; null when they were never contacted. */
  lastContactAt: string | null;
  /** The local day the cadence ran out: last interaction (or, never contacted, when added) + cadence. */
  dueAt: string;
}

/**
 * Contacts with a cadence whose last interaction is older than the cadence, due by `horizon` (default
 * now). Counted in local days: a 30-day cadence from a call on 1 March is due on 31 March. Someone never
 * contacted is due a cadence after they were added. Interactions dated after now do not count.
 */
export function keepInTouchDue(store: Store, now: Date, horizon: Date = now): KeepInTouchDue[] {
  return firstKeepInTouchDue(store, now, Infinity, horizon).rows;
}

/**
 * The first `limit` of keepInTouchDue (soonest due first, then by contact), and how many are due in
 * all. The partial index of contacts with a cadence covers the whole list; names and emails are read
 * for the contacts returned only.
 */
export function firstKeepInTouchDue(store: Store, now: Date, limit: number, horizon: Date = now): { rows: KeepInTouchDue[]; count: number } {
  const rows = store.sqlite
    .prepare<[string], [contactId: number, cadence: string, createdAt: string, lastContactAt: string | null]>(
      `select c.id, c.cadence, c.created_at, (select max(i.at) from interactions i where i.contact_id = c.id and i.at <= ?)
       from contacts c where c.cadence is not null`,
    )
    .raw()
    .all(now.toISOString());
  const byDay = localDate(horizon);
  const due: { contactId: number; cadence: string; lastContactAt: string | null; dueAt: string }[] = [];
  // The due day depends only on the local day of the last contact and the cadence (intervals step
  // local calendar days and months): worked out once per pair. "" for a cadence that does not parse.
  const dueDays = new Map<string, string>();
  for (const [contactId, spec, createdAt, lastContactAt] of rows) {
    const from = localDate(new Date(lastContactAt ?? createdAt));
    const key = `${from} ${spec}`;
    let dueAt = dueDays.get(key);
    if (dueAt === undefined) {
      const cadence = tryParseInterval(spec);
      dueDays.set(key, (dueAt = cadence ? localDate(addInterval(fromStored(from), cadence)) : ""));
    }
    if (dueAt && dueAt <= byDay) due.push({ contactId, cadence: spec, lastContactAt, dueAt });
  }
  due.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.contactId - b.contactId));
  const first = due.slice(0, limit);
  const names = new Map(
    store.sqlite
      .prepare<[string], [id: number, name: string, email: string | null]>("select id, name, email from contacts where id in (select value from json_each(?))")
      .raw()
      .all(JSON.stringify(first.map((k) => k.contactId)))
      .map(([id, name, email]) => [id, { name, email }]),
  );
  return {
    rows: first.map((k) => {
      const who = names.get(k.contactId)!;
      return { contactId: k.contactId, contactName: who.name, contactEmail: who.email, cadence: k.cadence, lastContactAt: k.lastContactAt, dueAt: k.dueAt };
    }),
    count: due.length,
  };
}

export interface Reminder {
  /** "reply": an email thread awaiting your reply (core/mail/awaiting.ts). */
  kind: "followup" | "keep-in-touch" | "reply";
  /** The follow-up's id; null for keep-in-touch. */
  followupId: number | null;
  contactId: number;
  contactName: string;
  contactEmail: string | null;
  /** "YYYY-MM-DD" (a day) or an ISO UTC instant. */
  dueAt: string;
  allDay: boolean;
  /** Whole local days since the due date: > 0 overdue, 0 today, < 0 still ahead (when reminding ahead). */
  daysOverdue: number;
  /** What to do, for people: the follow-up's note, or "keep in touch (every 30d)". */
  what: string;
  /** How overdue, for people: "3 days overdue", "due today", "due in 2 days". */
  due: string;
  note: string | null;
  /** The follow-up's recurrence, or the contact's keep-in-touch cadence. */
  every: string | null;
  dealId: number | null;
  lastContactAt: string | null;
}

function followupWhat(f: { id: number; note: string | null; every: string | null }): string {
  return `follow-up #${f.id}${f.every ? ` (every ${f.every})` : ""}${f.note ? `: ${f.note}` : ""}`;
}

/** "every 30d; last contact 2026-01-20" or "every 2w; never contacted". */
export function cadenceSummary(k: KeepInTouchDue): string {
  return `every ${k.cadence}; ${k.lastContactAt ? `last contact ${localDate(new Date(k.lastContactAt))}` : "never contacted"}`;
}

function keepInTouchWhat(k: KeepInTouchDue): string {
  return `keep in touch (${cadenceSummary(k)})`;
}

/** What `crm remind` reports: open follow-ups due by now (+ within) and keep-in-touch due; oldest first. */
export function dueReminders(store: Store, now: Date, within?: Interval): Reminder[] {
  const horizon = within ? addInterval(now, within) : now;
  const followups = listFollowups(store, now, { status: "open", dueBy: horizon });
  // Many reminders share a due value: how overdue it is and how it reads are worked out once for each.
  const dueInfo = new Map<string, { days: number; text: string }>();
  const about = (dueAt: string) => {
    let info = dueInfo.get(dueAt);
    if (!info) dueInfo.set(dueAt, (info = { days: daysOverdue(dueAt, now), text: describeDue(dueAt, now) }));
    return info;
  };
  const items: Reminder[] = followups.map((f) => ({
    kind: "followup",
    followupId: f.id,
    contactId: f.contactId,
    contactName: f.contactName,
    contactEmail: f.contactEmail,
    dueAt: f.dueAt,
    allDay: isAllDay(f.dueAt),
    daysOverdue: about(f.dueAt).days,
    what: followupWhat(f),
    due: about(f.dueAt).text,
    note: f.note,
    every: f.every,
    dealId: f.dealId,
    lastContactAt: null,
  }));
  for (const k of keepInTouchDue(store, now, horizon))
    items.push({
      kind: "keep-in-touch",
      followupId: null,
      contactId: k.contactId,
      contactName: k.contactName,
      contactEmail: k.contactEmail,
      dueAt: k.dueAt,
      allDay: true,
      daysOverdue: about(k.dueAt).days,
      what: keepInTouchWhat(k),
      due: about(k.dueAt).text,
      note: null,
      every: k.cadence,
      dealId: null,
      lastContactAt: k.lastContactAt,
    });
  for (const a of awaitingReply(store, now)) {
    const days = daysBetween(new Date(a.at), now);
    items.push({
      kind: "reply",
      followupId: null,
      contactId: a.contactId,
      contactName: a.contactName,
      contactEmail: a.contactEmail,
      dueAt: a.at,
      allDay: false,
      daysOverdue: days,
      what: `reply to “${a.subject}”`,
      due: `waiting for ${days} day${days === 1 ? "" : "s"}`,
      note: null,
      every: null,
      dealId: null,
      lastContactAt: a.at,
    });
  }
  // Oldest first; on the same moment follow-ups before keep-in-touch, then by name. Each due value is
  // read as a moment once, not once per comparison.
  const moments = new Map<string, number>();
  const moment = (dueAt: string) => {
    let t = moments.get(dueAt);
    if (t === undefined) moments.set(dueAt, (t = fromStored(dueAt).getTime()));
    return t;
  };
  return items.sort(
    (a, b) =>
      moment(a.dueAt) - moment(b.dueAt) ||
      (a.kind === b.kind ? 0 : a.kind === "followup" ? -1 : 1) ||
      a.contactName.localeCompare(b.contactName) ||
      (a.followupId ?? 0) - (b.followupId ?? 0),
  );
}

// Interactions: what happened with a person (a call, an email, a meeting...). Logging one resets the
// contact's keep-in-touch clock; `issue` interactions stay open until resolved.
import { inTransaction, type Store } from "../../db/open.js";
import type { ContactRow, IdRow, InteractionRow } from "../../db/rows.js";
import { usageError, notFound, conflict } from "../../errors.js";
import { localDateTime } from "../../io/dates.js";

export const INTERACTION_TYPES = ["call", "email", "meeting", "message", "note", "issue"] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** `direction` ("in" | "out") and `threadId` are set on captured email (core/mail), null otherwise. */
export interface Interaction extends Pick<InteractionRow, "id" | "contactId" | "summary" | "at" | "resolvedAt" | "direction" | "threadId"> {
  contactName: string;
  type: InteractionType;
}

export function logInteraction(store: Store, input: { contactId: number; summary: string; type: InteractionType; at: Date }, now: Date): number {
  const summary = input.summary.trim();
  if (!summary) throw usageError("an interaction needs a summary", 'e.g. crm log ada "Called about the proposal"');
  // What has not happened yet is something to do: a follow-up, not an interaction.
  if (input.at.getTime() > now.getTime()) throw usageError(`cannot log an interaction at ${localDateTime(input.at)}: that is in the future`);
  return inTransaction(store, () => {
    const row = store.sqlite
      .prepare<[number, string, string, string, string], IdRow>(
        "insert into interactions(contact_id, type, summary, at, created_at) values (?, ?, ?, ?, ?) returning id",
      )
      .get(input.contactId, input.type, summary, input.at.toISOString(), now.toISOString())!;
    return row.id;
  });
}

export function listInteractions(store: Store, q: { contactId?: number; since?: Date; until?: Date; type?: InteractionType; limit?: number }): Interaction[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.contactId !== undefined) {
    where.push("i.contact_id = ?");
    params.push(q.contactId);
  }
  if (q.since) {
    where.push("i.at >= ?");
    params.push(q.since.toISOString());
  }
  if (q.until) {
    where.push("i.at <= ?");
    params.push(q.until.toISOString());
  }
  if (q.type) {
    where.push("i.type = ?");
    params.push(q.type);
  }
  const sql = `select i.id, i.contact_id as contactId, c.name as contactName, i.type, i.summary, i.at, i.resolved_at as resolvedAt,
    i.direction, i.thread_id as threadId
    from interactions i join contacts c on c.id = i.contact_id
    ${where.length ? "where " + where.join(" and ") : ""} order by i.at desc, i.id desc ${q.limit ? "limit ?" : ""}`;
  if (q.limit) params.push(Math.floor(q.limit));
  return store.sqlite.prepare<(string | number)[], Interaction>(sql).all(...params);
}

type OpenIssue = Pick<Interaction, "id" | "contactId" | "contactName" | "summary" | "at">;

/**
 * `issue` interactions logged up to `now` and not resolved, oldest first (then by id): the first
 * `limit` of them, and how many there are. The partial index of open issues answers both.
 */
export function unresolvedIssues(store: Store, now: Date, limit = Infinity): { rows: OpenIssue[]; count: number } {
  const where = "i.type = 'issue' and i.resolved_at is null and i.at <= ?";
  const iso = now.toISOString();
  const rows = store.sqlite
    .prepare<[string, number], OpenIssue>(
      `select i.id, i.contact_id as contactId, c.name as contactName, i.summary, i.at from interactions i
       join contacts c on c.id = i.contact_id where ${where} order by i.at, i.id limit ?`,
    )
    .all(iso, Number.isFinite(limit) ? limit : -1);
  const count =
    rows.length < limit ? rows.length : store.sqlite.prepare<[string], { n: number }>(`select count(*) as n from interactions i where ${where}`).get(iso)!.n;
  return { rows, count };
}

/** Marks an `issue` interaction resolved (so it leaves `crm today`): exit 3 unknown, 2 not an issue, 4 already resolved. */
export function resolveIssue(store: Store, id: number, now: Date): { id: number; contactName: string; summary: string } {
  return inTransaction(store, () => {
    const row = store.sqlite
      .prepare<[number], Pick<InteractionRow, "id" | "type" | "summary" | "resolvedAt"> & { contactName: ContactRow["name"] }>(
        "select i.id, i.type, i.summary, i.resolved_at as resolvedAt, c.name as contactName from interactions i join contacts c on c.id = i.contact_id where i.id = ?",
      )
      .get(id);
    if (!row) throw notFound(`no interaction #${id}`);
    if (row.type !== "issue") throw usageError(`interaction #${id} is a ${row.type}, not an issue`);
    if (row.resolvedAt) throw conflict(`issue #${id} was already resolved on ${row.resolvedAt.slice(0, 10)}`, "nothing was changed");
    store.sqlite.prepare("update interactions set resolved_at = ? where id = ?").run(now.toISOString(), id);
    return { id, contactName: row.contactName, summary: row.summary };
  });
}

// `crm log`, `crm log list`, `crm log resolve`: interactions with a person. Parse → one core call → render.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import { resolveContact } from "../../../core/contacts/contacts.js";
import { listInteractions, logInteraction, resolveIssue, INTERACTION_TYPES, type Interaction } from "../../../core/contacts/interactions.js";
import { inTransaction } from "../../../db/open.js";
import { localDateTime } from "../../../io/dates.js";
import { ExitCode, usageError } from "../../../errors.js";
import { oneOf, read, whenDate, withFlagHint } from "../../flags.js";
import { printRecords } from "../../render/output.js";
import type { Column } from "../../render/table.js";
import { interactionKind } from "../../render/words.js";

export interface LogOptions {
  /** Checked against core's interaction types when the command runs. */
  type: string;
  at?: string;
}
export interface LogListOptions extends OutputOptions {
  since?: string;
  type?: string;
  limit?: number;
}

const interactionType = oneOf(INTERACTION_TYPES);
/** A value as it would be typed in a shell: quoted when it holds anything but plain characters. */
const shellWord = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `"${text.replace(/["\\$`]/g, "\\$&")}"`);
const when = (iso: string | null) => (iso ? localDateTime(new Date(iso)) : "");

export async function log(ctx: Ctx, [ref, ...summary]: string[], opts: LogOptions): Promise<void> {
  if (!ref) throw usageError("missing the contact", 'e.g. crm log ada "Called about the proposal" --type call');
  if (!summary.length) throw usageError("missing the summary of the interaction", 'e.g. crm log ada "Called about the proposal" --type call');
  const type = read("interaction --type", opts.type, interactionType);
  const at = (await whenDate(opts.at, ctx.now, "--at")) ?? ctx.now;
  const store = ctx.store();
  const contact = resolveContact(store, ref);
  const id = withFlagHint(ExitCode.usage, `that is a follow-up: crm followup add ${contact.id} --due ${shellWord(opts.at ?? "")}`, () =>
    logInteraction(store, { contactId: contact.id, summary: summary.join(" "), type, at }, ctx.now),
  );
  ctx.print(`${id}\n`);
  ctx.info(`logged ${type} with #${contact.id} ${contact.name}`);
}

const interactionColumns: Column<Interaction>[] = [
  { header: "id", cell: (i) => i.id, align: "right" },
  { header: "when", cell: (i) => when(i.at) },
  { header: "contact", cell: (i) => i.contactName },
  { header: "type", cell: (i) => interactionKind(i) },
  { header: "summary", cell: (i) => i.summary },
];

/**
 * The thread view of email: threads newest first (by their latest message), each thread's messages
 * oldest first, replies indented under the message that started the thread.
 */
function threaded(rows: Interaction[]): { rows: Interaction[]; reply: Set<Interaction> } {
  const threads = new Map<string, Interaction[]>();
  for (const r of rows) {
    const key = r.threadId ?? `#${r.id}`;
    threads.set(key, [...(threads.get(key) ?? []), r]);
  }
  const reply = new Set<Interaction>();
  const ordered = [...threads.values()].flatMap((t) => {
    const messages = [...t].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
    // The first message's copies for other contacts share its date: only later messages are replies.
    for (const m of messages) if (m.at > messages[0]!.at) reply.add(m);
    return messages;
  });
  return { rows: ordered, reply };
}

export async function list(ctx: Ctx, [ref]: [string?], opts: LogListOptions): Promise<void> {
  const store = ctx.store();
  const contactId = ref ? resolveContact(store, ref).id : undefined;
  const since = await whenDate(opts.since, ctx.now, "--since");
  const type = opts.type !== undefined ? read("interaction --type", opts.type, interactionType) : undefined;
  const listed = listInteractions(store, { contactId, since, until: ctx.now, type, limit: opts.limit });
  const { rows, reply } = type === "email" ? threaded(listed) : { rows: listed, reply: new Set<Interaction>() };
  const columns =
    type === "email"
      ? interactionColumns.map((c) => (c.header === "summary" ? { ...c, cell: (i: Interaction) => (reply.has(i) ? `  ↳ ${i.summary}` : i.summary) } : c))
      : interactionColumns;
  await printRecords(ctx, {
    rows,
    columns,
    fields: ["id", "contactId", "contactName", "type", "summary", "at", "resolvedAt", "direction", "threadId"],
    empty: "no interactions",
  });
}

/** `crm log resolve <id...>`: issues leave `crm today` once resolved; all or none. */
export async function resolve(ctx: Ctx, ids: number[]): Promise<void> {
  const store = ctx.store();
  // Core says which interaction is unknown or not an issue; issues are those logged with --type issue.
  const resolveAll = () => inTransaction(store, () => ids.map((id) => resolveIssue(store, id, ctx.now)));
  const resolved = withFlagHint(ExitCode.notFound, "see `crm log list --type issue`", () =>
    withFlagHint(ExitCode.usage, "only interactions logged with --type issue can be resolved", resolveAll),
  );
  for (const r of resolved) ctx.info(`resolved issue #${r.id} with ${r.contactName}`);
}

// Follow-up commands, `crm remind` (for cron) and `crm today` (the morning agenda): parse the options,
// call core, render the result.
import type { Ctx } from "../context.js";
import {
  addFollowup, addFollowupsForMany, completeFollowups, dealContact, describeDue, dueReminders, formatDue, isAllDay, isOverdue,
  getFollowup, listFollowups, parseFollowupIds, toStoredDue, removeFollowups, snoozeFollowup, DUE_FILTERS, type DueFilter, type Followup, type FollowupStatus, type Reminder,
} from "../../core/followups/followups.js";
import type { AgendaItem, AgendaSection, AgendaTone } from "../../core/today/agenda.js";
import { resolveContact } from "../../core/contacts/contacts.js";
import { resolveIssue } from "../../core/contacts/interactions.js";
import { inTransaction } from "../../db/open.js";
import { parseInterval, parseWhen, localDate, type When } from "../../io/dates.js";
import { usageError, quote } from "../../errors.js";
import { emit, printRecords, toCsv, toJson, type Column } from "../render/output.js";

type Opts = Record<string, any>;

function parseId(value: string, what: string, example: string): number {
  const text = String(value).trim().replace(/^#/, "");
  if (!/^\d+$/.test(text) || Number(text) === 0) throw usageError(`invalid ${what} ${quote(value)}`, `use a number, e.g. ${example}`);
  return Number(text);
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(String(value).trim())) throw usageError(`invalid --limit ${quote(value)}`, "use a whole number, e.g. --limit 20");
  return Number(value);
}

const startOfToday = (now: Date): When => ({ date: new Date(now.getFullYear(), now.getMonth(), now.getDate()), hasTime: false });

export async function add(ctx: Ctx, [ref]: string[], opts: Opts): Promise<void> {
  const given = [ref !== undefined && "<ref>", opts.tag !== undefined && "--tag", opts.segment !== undefined && "--segment"].filter(Boolean);
  if (given.length > 1) throw usageError(`give either a contact, --tag or --segment, not ${given.join(" and ")}`, "one follow-up per contact, or one for each contact of a tag or segment");
  const bulk = opts.tag !== undefined || opts.segment !== undefined;
  const example = 'e.g. crm followup add ada --due friday --note "Send the proposal"';
  if (!given.length && opts.deal === undefined) throw usageError("missing the contact to follow up with", `${example}, or --tag <tag> for everyone with a tag`);
  if (bulk && opts.due === undefined) throw usageError(`missing --due for the follow-ups of ${opts.tag !== undefined ? "--tag" : "--segment"}`, 'e.g. --due "in 2 weeks"');
  if (bulk && !String(opts.note ?? "").trim()) throw usageError(`missing --note for the follow-ups of ${opts.tag !== undefined ? "--tag" : "--segment"}`, 'say what to follow up about, e.g. --note "Ask for a testimonial"');
  if (opts.every !== undefined) parseInterval(opts.every, "--every");
  const dealId = opts.deal !== undefined ? parseId(opts.deal, "--deal", "--deal 12") : undefined;
  const due = opts.due !== undefined ? await parseWhen(opts.due, ctx.now, "--due date") : startOfToday(ctx.now);
  const input = { due, note: opts.note, every: opts.every, dealId };
  const store = ctx.store();

  if (!bulk) {
    const contact = ref !== undefined ? resolveContact(store, ref) : { id: dealContact(store, dealId!).contactId, name: "" };
    const id = addFollowup(store, contact.id, input, ctx.now);
    const f = getFollowup(store, id);
    ctx.print(`${id}\n`);
    ctx.info(`added follow-up #${id} for #${f.contactId} ${f.contactName}, due ${formatDue(f.dueAt)}${f.every ? `, every ${f.every}` : ""}`);
    if (isOverdue(f.dueAt, ctx.now)) ctx.warn(`follow-up #${id} is already overdue (${describeDue(f.dueAt, ctx.now)})`);
    return;
  }
  let ids: number[];
  let label: string;
  if (opts.tag !== undefined) {
    ids = addFollowupsForMany(store, { tag: String(opts.tag) }, input, ctx.now);
    label = `contacts tagged ${quote(opts.tag)}`;
  } else {
    const { contactIdsInSegment } = await import("../../core/customers/segments.js");
    const members = contactIdsInSegment(store, String(opts.segment), ctx.now);
    ids = addFollowupsForMany(store, { contactIds: members }, input, ctx.now);
    label = `customers in the segment ${quote(opts.segment)}`;
  }
  if (ids.length) ctx.print(ids.join("\n") + "\n");
  ctx.info(ids.length ? `added ${ids.length} follow-up${ids.length === 1 ? "" : "s"} for the ${label}, due ${formatDue(toStoredDue(due))}` : `no ${label}: nothing added`);
}

/** The JSON/CSV record of a follow-up (documented in the README). */
export function followupRecord(f: Followup, now: Date): Record<string, unknown> {
  return {
    id: f.id,
    contactId: f.contactId,
    contactName: f.contactName,
    dueAt: f.dueAt,
    allDay: isAllDay(f.dueAt),
    note: f.note,
    every: f.every,
    dealId: f.dealId,
    dealTitle: f.dealTitle,
    status: f.status,
    overdue: f.status === "open" && isOverdue(f.dueAt, now),
    doneAt: f.doneAt,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}
export const FOLLOWUP_FIELDS = ["id", "contactId", "contactName", "dueAt", "allDay", "note", "every", "dealId", "dealTitle", "status", "overdue", "doneAt", "createdAt", "updatedAt"];

const STATUSES = ["open", "done", "all"];

export async function list(ctx: Ctx, _args: string[], opts: Opts): Promise<void> {
  if (opts.overdue && opts.due !== undefined) throw usageError("give either --overdue or --due, not both", "--due today already includes what is overdue");
  const due = (opts.overdue ? "overdue" : String(opts.due ?? "all").trim().toLowerCase()) as DueFilter;
  if (!DUE_FILTERS.includes(due)) throw usageError(`unknown --due ${quote(opts.due)}`, "use today, week or all (or --overdue)");
  const status = String(opts.status ?? "open").trim().toLowerCase();
  if (!STATUSES.includes(status)) throw usageError(`unknown --status ${quote(opts.status)}`, "use open, done or all");
  if (due === "overdue" && status !== "open") throw usageError(`--overdue lists open follow-ups; it cannot be combined with --status ${status}`, "leave out --status");
  const limit = parseLimit(opts.limit);
  const store = ctx.store();
  const contactId = opts.contact !== undefined ? resolveContact(store, String(opts.contact)).id : undefined;
  const rows = listFollowups(store, ctx.now, { status: status as FollowupStatus | "all", due, contactId, limit });
  const c = ctx.color;
  const columns: Column<Followup>[] = [
    { header: "id", cell: (f) => f.id, align: "right" },
    { header: "due", cell: (f) => formatDue(f.dueAt) },
    { header: "contact", cell: (f) => f.contactName },
    { header: "note", cell: (f) => f.note },
    { header: "every", cell: (f) => f.every },
    { header: "deal", cell: (f) => (f.dealId ? `#${f.dealId} ${f.dealTitle ?? ""}`.trim() : "") },
    {
      header: "status",
      cell: (f) => {
        if (f.status === "done") return c.dim(`done ${f.doneAt ? localDate(new Date(f.doneAt)) : ""}`.trim());
        const text = describeDue(f.dueAt, ctx.now);
        return isOverdue(f.dueAt, ctx.now) ? c.red(text) : text.startsWith("due today") ? c.yellow(text) : text;
      },
    },
  ];
  const none = { open: "no open follow-ups", done: "no done follow-ups", all: "no follow-ups" }[status]!;
  await printRecords(ctx, {
    rows,
    columns,
    record: (f) => followupRecord(f, ctx.now),
    fields: FOLLOWUP_FIELDS,
    empty: due === "overdue" ? "nothing overdue" : due === "all" ? none : `${none} due ${due === "today" ? "by the end of today" : "within a week"}`,
  });
}

export async function done(ctx: Ctx, ids: string[]): Promise<void> {
  const results = completeFollowups(ctx.store(), parseFollowupIds(ids), ctx.now);
  for (const r of results)
    ctx.info(`done: follow-up #${r.id} with ${r.contactName}${r.next ? `; next one is #${r.next.id}, due ${formatDue(r.next.dueAt)}` : ""}`);
}

export async function snooze(ctx: Ctx, [id]: string[], opts: Opts): Promise<void> {
  const [followupId] = parseFollowupIds([id!]);
  if (opts.until === undefined) throw usageError("missing --until", `say until when, e.g. crm followup snooze ${followupId} --until monday`);
  const until = await parseWhen(opts.until, ctx.now, "--until date");
  const f = snoozeFollowup(ctx.store(), followupId!, until, ctx.now);
  ctx.info(`snoozed follow-up #${f.id} with ${f.contactName} until ${formatDue(f.dueAt)}`);
}

export async function rm(ctx: Ctx, ids: string[]): Promise<void> {
  for (const f of removeFollowups(ctx.store(), parseFollowupIds(ids)))
    ctx.info(`deleted follow-up #${f.id} with ${f.contactName}`);
}

/** The JSON/CSV record of a reminder (documented in the README). */
export const REMINDER_FIELDS = [
  "kind", "followupId", "contactId", "contactName", "contactEmail", "dueAt", "allDay", "daysOverdue", "what", "due", "note", "every", "dealId", "lastContactAt",
] as const;

/** The line cron mails: who — what — how overdue. */
export function reminderLine(r: Reminder): string {
  return `${r.contactName} — ${r.what} — ${r.due}`;
}

export async function remind(ctx: Ctx, _args: string[], opts: Opts): Promise<void> {
  const within = opts.within !== undefined ? parseInterval(String(opts.within), "--within") : undefined;
  const items = dueReminders(ctx.store(), ctx.now, within);
  if (!items.length) {
    // Cron mails any output, stderr included: --quiet means not one byte.
    if (opts.quiet) return;
    if (ctx.format === "table") return ctx.info("nothing due");
  }
  const records = items.map((r) => Object.fromEntries(REMINDER_FIELDS.map((k) => [k, r[k]])));
  if (ctx.format === "json") return emit(ctx, toJson(records));
  if (ctx.format === "csv") return emit(ctx, toCsv(records, REMINDER_FIELDS));
  const c = ctx.color;
  const lines = items.map((r) => {
    const tone = r.daysOverdue > 0 || (!r.allDay && r.due.endsWith("overdue")) ? c.red : r.daysOverdue === 0 ? c.yellow : c.dim;
    return `${c.bold(r.contactName)} — ${r.what} — ${tone(r.due)}`;
  });
  emit(ctx, lines.join("\n") + "\n");
}

const MAX_PER_SECTION = 8;

/** The JSON record of an agenda item (documented in the README): always the same keys. */
const agendaItemRecord = (i: AgendaItem) => ({
  kind: i.kind, id: i.id, contactId: i.contactId, contactName: i.contactName, text: i.text, date: i.date, detail: i.detail,
  urgency: Math.round(i.urgency * 100) / 100, extra: i.extra ?? {},
});

function agendaCsv(sections: AgendaSection[]): string {
  const rows = sections.flatMap((s) =>
    s.items.map((i) => ({ section: s.key, kind: i.kind, id: i.id, contactId: i.contactId, contactName: i.contactName, text: i.text, date: i.date, detail: i.detail, urgency: Math.round(i.urgency * 100) / 100 })),
  );
  return toCsv(rows, ["section", "kind", "id", "contactId", "contactName", "text", "date", "detail", "urgency"]);
}

export async function today(ctx: Ctx): Promise<void> {
  // The agenda (and the customer models of its at-risk section) loads only for `crm today`.
  const { buildAgenda } = await import("../../core/today/agenda.js");
  const agenda = buildAgenda(ctx.store(), ctx.now);
  if (ctx.format === "json")
    return emit(ctx, toJson({ asOf: agenda.asOf, date: agenda.date, sections: agenda.sections.map((s) => ({ key: s.key, title: s.title, count: s.items.length, items: s.items.map(agendaItemRecord) })) }));
  if (ctx.format === "csv") return emit(ctx, agendaCsv(agenda.sections));

  const c = ctx.color;
  const toneColor: Record<AgendaTone, (s: string) => string> = { alert: c.red, warning: c.yellow, info: c.cyan };
  const dateTitle = new Date(ctx.now.getFullYear(), ctx.now.getMonth(), ctx.now.getDate()).toLocaleDateString("en-GB", {
    weekday: "long", day: "numeric", month: "long", year: "numeric",
  });
  const shown = agenda.sections.filter((s) => s.items.length);
  const lines = [c.bold(`Agenda for ${dateTitle}`)];
  if (!shown.length) lines.push("", "Nothing on the agenda: no follow-ups due, no open issues, nobody to get back in touch with.");
  // Cut long texts on a terminal only; piped output stays whole.
  const cut = (s: string, n: number) => (ctx.tableStyle === "box" && [...s].length > n ? [...s].slice(0, n - 1).join("") + "…" : s);
  for (const s of shown) {
    const items = s.items.slice(0, MAX_PER_SECTION);
    const ids = items.map((i) => (i.id !== null ? `#${i.id}` : ""));
    const idWidth = Math.max(0, ...ids.map((x) => x.length));
    const names = items.map((i) => cut(i.contactName ?? "", 24));
    const nameWidth = Math.max(0, ...names.map((x) => [...x].length));
    const texts = items.map((i) => cut(i.text, 60));
    const textWidth = Math.max(0, ...texts.map((x) => [...x].length));
    lines.push("", toneColor[s.tone](c.bold(`${s.title} (${s.items.length})`)));
    items.forEach((item, k) => {
      const pad = (x: string, w: number) => x + " ".repeat(Math.max(0, w - [...x].length));
      const cells = [...(idWidth ? [c.dim(ids[k]!.padStart(idWidth))] : []), pad(names[k]!, nameWidth), pad(texts[k]!, textWidth), toneColor[s.tone](item.detail)];
      lines.push("  " + cells.join("  "));
    });
    if (s.items.length > items.length) lines.push(c.dim(`  … and ${s.items.length - items.length} more${s.more ? `: ${s.more}` : ""}`));
  }
  const hints: string[] = [];
  if (shown.some((s) => s.key === "overdue" || s.key === "today")) hints.push("Done? crm followup done <id>   Later? crm followup snooze <id> --until <when>");
  if (shown.some((s) => s.key === "issues")) hints.push("Fixed? crm log resolve <id>");
  if (hints.length) lines.push("", ...hints.map((h) => c.dim(h)));
  emit(ctx, lines.join("\n") + "\n");
}

export async function resolveIssues(ctx: Ctx, ids: string[]): Promise<void> {
  const parsed = [...new Set(ids.map((v) => parseId(v, "interaction id", "crm log resolve 34")))];
  const store = ctx.store();
  const resolved = inTransaction(store, () => parsed.map((id) => resolveIssue(store, id, ctx.now)));
  for (const r of resolved) ctx.info(`resolved issue #${r.id} with ${r.contactName}`);
}

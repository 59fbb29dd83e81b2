// The follow-up commands: parse → one core call → render.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import {
  addFollowup,
  addFollowupsForMany,
  completeFollowups,
  dealContact,
  describeDue,
  formatDue,
  isAllDay,
  isOverdue,
  getFollowup,
  listFollowups,
  toStoredDue,
  removeFollowups,
  snoozeFollowup,
  type DueFilter,
  type Followup,
  type FollowupStatus,
} from "../../../core/followups/followups.js";
import { resolveContact } from "../../../core/contacts/contacts.js";
import { LAST_YEAR, localDate, type Interval, type When } from "../../../io/dates.js";
import { ExitCode, usageError, quote } from "../../../errors.js";
import { when, withFlagHint } from "../../flags.js";
import { printRecords } from "../../render/output.js";
import { styled, type Column } from "../../render/table.js";
import { plural } from "../../render/words.js";

export interface FollowupAddOptions {
  /** A date as typed; read when the command runs (it needs "now"). */
  due?: string;
  note?: string;
  every?: Interval;
  deal?: number;
  tag?: string;
  segment?: string;
}
export interface FollowupListOptions extends OutputOptions {
  overdue?: boolean;
  due?: Exclude<DueFilter, "overdue">;
  contact?: string;
  status: FollowupStatus | "all";
  limit?: number;
}
export interface FollowupSnoozeOptions {
  until?: string;
}

const startOfToday = (now: Date): When => ({ date: new Date(now.getFullYear(), now.getMonth(), now.getDate()), hasTime: false });

export async function add(ctx: Ctx, [ref]: [string?], opts: FollowupAddOptions): Promise<void> {
  const given = [ref !== undefined && "<ref>", opts.tag !== undefined && "--tag", opts.segment !== undefined && "--segment"].filter(Boolean);
  if (given.length > 1)
    throw usageError(
      `give either a contact, --tag or --segment, not ${given.join(" and ")}`,
      "one follow-up per contact, or one for each contact of a tag or segment",
    );
  const bulk = opts.tag !== undefined || opts.segment !== undefined;
  const example = 'e.g. crm followup add ada --due friday --note "Send the proposal"';
  if (!given.length && opts.deal === undefined) throw usageError("missing the contact to follow up with", `${example}, or --tag <tag> for everyone with a tag`);
  if (bulk && opts.due === undefined)
    throw usageError(`missing --due for the follow-ups of ${opts.tag !== undefined ? "--tag" : "--segment"}`, 'e.g. --due "in 2 weeks"');
  if (bulk && !String(opts.note ?? "").trim())
    throw usageError(
      `missing --note for the follow-ups of ${opts.tag !== undefined ? "--tag" : "--segment"}`,
      'say what to follow up about, e.g. --note "Ask for a testimonial"',
    );
  if (bulk && opts.deal !== undefined)
    throw usageError("--deal links one contact's deal and cannot be used with --tag or --segment", "add the deal's follow-up on its own");
  if ((opts.note?.trim().length ?? 0) > 10_000) throw usageError("the --note is longer than 10,000 characters");
  const dealId = opts.deal;
  const due = opts.due !== undefined ? await when(opts.due, ctx.now, "--due") : startOfToday(ctx.now);
  const input = { due, note: opts.note, every: opts.every, dealId };
  const store = ctx.store();

  if (!bulk) {
    const contact = ref !== undefined ? resolveContact(store, ref) : { id: dealContact(store, dealId!).contactId, name: "" };
    // A deal of another contact: core says whose it is; the deal came from --deal.
    const id = withFlagHint(ExitCode.usage, "link a deal of the same contact, or leave out --deal", () => addFollowup(store, contact.id, input, ctx.now));
    const f = getFollowup(store, id);
    ctx.print(`${id}\n`);
    ctx.info(`added follow-up #${id} for #${f.contactId} ${f.contactName}, due ${formatDue(f.dueAt)}${f.every ? `, every ${f.every}` : ""}`);
    if (isOverdue(f.dueAt, ctx.now)) ctx.warn(`follow-up #${id} is already overdue (${describeDue(f.dueAt, ctx.now)})`);
    return;
  }
  let ids: number[];
  let label: string;
  if (opts.tag !== undefined) {
    ids = addFollowupsForMany(store, { tag: opts.tag }, input, ctx.now);
    label = `contacts tagged ${quote(opts.tag)}`;
  } else {
    const { contactIdsInSegment } = await import("../../../core/customers/segments.js");
    const members = contactIdsInSegment(store, opts.segment!, ctx.now);
    ids = addFollowupsForMany(store, { contactIds: members }, input, ctx.now);
    label = `customers in the segment ${quote(opts.segment)}`;
  }
  if (ids.length) ctx.print(ids.join("\n") + "\n");
  ctx.info(ids.length ? `added ${plural(ids.length, "follow-up")} for the ${label}, due ${formatDue(toStoredDue(due))}` : `no ${label}: nothing added`);
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
export const FOLLOWUP_FIELDS = [
  "id",
  "contactId",
  "contactName",
  "dueAt",
  "allDay",
  "note",
  "every",
  "dealId",
  "dealTitle",
  "status",
  "overdue",
  "doneAt",
  "createdAt",
  "updatedAt",
];

export async function list(ctx: Ctx, _args: [], opts: FollowupListOptions): Promise<void> {
  if (opts.overdue && opts.due !== undefined) throw usageError("give either --overdue or --due, not both", "--due today already includes what is overdue");
  const due = opts.overdue ? "overdue" : (opts.due ?? "all");
  const status = opts.status;
  if (due === "overdue" && status !== "open")
    throw usageError(`--overdue lists open follow-ups; it cannot be combined with --status ${status}`, "leave out --status");
  const store = ctx.store();
  const contactId = opts.contact !== undefined ? resolveContact(store, opts.contact).id : undefined;
  const rows = listFollowups(store, ctx.now, { status, due, contactId, limit: opts.limit });
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
        if (f.status === "done") return styled(`done ${f.doneAt ? localDate(new Date(f.doneAt)) : ""}`.trim(), c.dim);
        const text = describeDue(f.dueAt, ctx.now);
        return isOverdue(f.dueAt, ctx.now) ? styled(text, c.red) : text.startsWith("due today") ? styled(text, c.yellow) : text;
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

/** An unknown follow-up id: core says which; done ones are listed with --status all. */
const withListHint = <T>(run: () => T): T => withFlagHint(ExitCode.notFound, "see `crm followup list --status all`", run);

export async function done(ctx: Ctx, ids: number[]): Promise<void> {
  const results = withListHint(() => completeFollowups(ctx.store(), ids, ctx.now));
  for (const r of results)
    ctx.info(
      `done: follow-up #${r.id} with ${r.contactName}${r.next ? `; next one is #${r.next.id}, due ${formatDue(r.next.dueAt)}` : ""}${
        r.seriesEnded ? `; the series ends: its next date would fall after the year ${LAST_YEAR}` : ""
      }`,
    );
}

export async function snooze(ctx: Ctx, [followupId]: [number], opts: FollowupSnoozeOptions): Promise<void> {
  if (opts.until === undefined) throw usageError("missing --until", `say until when, e.g. crm followup snooze ${followupId} --until monday`);
  const until = await when(opts.until, ctx.now, "--until");
  // A date in the past: core says so; the date came from --until.
  const f = withListHint(() =>
    withFlagHint(ExitCode.usage, "give a later date, e.g. --until tomorrow or --until +1w", () => snoozeFollowup(ctx.store(), followupId, until, ctx.now)),
  );
  ctx.info(`snoozed follow-up #${f.id} with ${f.contactName} until ${formatDue(f.dueAt)}`);
}

export async function rm(ctx: Ctx, ids: number[]): Promise<void> {
  for (const f of withListHint(() => removeFollowups(ctx.store(), ids, ctx.now))) ctx.info(`deleted follow-up #${f.id} with ${f.contactName}`);
}

// The contact commands: parse → one core call → render.
import fs from "node:fs";
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import {
  addContact,
  editContact,
  getContact,
  listContacts,
  listTags,
  mergeContacts,
  removeContact,
  resolveContact,
  tagContact,
  untagContact,
  linkedCounts,
  normaliseEmail,
  normaliseName,
  normaliseTag,
  emailOwner,
  CONTACT_SORTS,
  type Contact,
  type ContactInput,
} from "../../../core/contacts/contacts.js";
import { localDate, localDateTime } from "../../../io/dates.js";
import { CrmError, ExitCode, usageError } from "../../../errors.js";
import { read, oneOf, interval, fieldPair, withFlagHint } from "../../flags.js";
import { printRecords } from "../../render/output.js";
import { emit } from "../../render/sink.js";
import { jsonMoney, toJson } from "../../render/json.js";
import type { Column } from "../../render/table.js";
import { grouped, interactionKind, plural } from "../../render/words.js";
import { confirmOrYes } from "../../prompt.js";

/** The details `add` and `edit` take. */
export interface ContactDetailOptions {
  name?: string;
  email?: string;
  phone?: string;
  company?: string;
  title?: string;
  tag?: string[];
  field?: string[];
  note?: string;
  cadence?: string;
  source?: string;
  allowDuplicate?: boolean;
}
export type ContactAddOptions = ContactDetailOptions;
export interface ContactEditOptions extends ContactDetailOptions {
  untag?: string[];
}
export interface ContactListOptions extends OutputOptions {
  tag?: string;
  company?: string;
  segment?: string;
  search?: string;
  /** Checked against core's list of sorts when the command runs. */
  sort: string;
  limit?: number;
}
export type ContactShowOptions = OutputOptions;
export type TagsOptions = OutputOptions;
export interface ConfirmOptions {
  yes?: boolean;
}

/** The details as core takes them: the cadence an interval ("" clears it), fields as [key, value]. */
function contactInput(opts: ContactDetailOptions): ContactInput {
  return {
    email: opts.email,
    phone: opts.phone,
    company: opts.company,
    title: opts.title,
    note: opts.note,
    cadence: opts.cadence === undefined ? undefined : opts.cadence.trim() ? read("--cadence", opts.cadence, interval) : null,
    source: opts.source,
    tags: opts.tag,
    fields: opts.field?.map((pair) => read("--field", pair, fieldPair)),
  };
}

/** An inquirer `validate` from a core check: true, or the refusal's words under the prompt. */
const answerCheck =
  (check: (answer: string) => unknown) =>
  (answer: string): true | string => {
    try {
      check(answer);
      return true;
    } catch (err) {
      if (err instanceof CrmError) return err.hint ? `${err.message} — ${err.hint}` : err.message;
      throw err;
    }
  };

const tagList = (text: string) =>
  text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

/**
 * Asks for what the command line did not give. Each answer is checked as it is given (the name, the
 * email's syntax and whether another contact has it, each tag), so a refusal comes before the next
 * question, not after the last one.
 */
async function promptContact(ctx: Ctx, input: ContactInput, allowDuplicate: boolean | undefined): Promise<ContactInput> {
  const { input: ask } = await import("@inquirer/prompts");
  const io = { input: ctx.io.stdin, output: ctx.io.stderr };
  // A database that does not exist yet has no contacts to clash with: an interrupted add starts none.
  const store = fs.existsSync(ctx.dbPath) ? ctx.store() : undefined;
  const name = await ask({ message: "Name", required: true, validate: answerCheck(normaliseName) }, io);
  const email = await ask(
    {
      message: "Email (optional)",
      default: input.email ?? undefined,
      validate: answerCheck((answer) => {
        if (!answer.trim()) return;
        let address: string;
        try {
          address = normaliseEmail(answer);
        } catch {
          throw usageError("that is not an email address, e.g. ada@example.com");
        }
        const owner = allowDuplicate || !store ? undefined : emailOwner(store, address);
        if (owner) throw usageError(`#${owner.id} ${owner.name} already has ${address}`, "give another email, or leave it empty");
      }),
    },
    io,
  );
  const phone = await ask({ message: "Phone (optional)", default: input.phone ?? undefined }, io);
  const company = await ask({ message: "Company (optional)", default: input.company ?? undefined }, io);
  const tags = await ask({ message: "Tags, comma-separated (optional)", validate: answerCheck((answer) => tagList(answer).forEach(normaliseTag)) }, io);
  return {
    ...input,
    name,
    email: email.trim() || undefined,
    phone: phone.trim() || undefined,
    company: company.trim() || undefined,
    tags: [...(input.tags ?? []), ...tagList(tags)],
  };
}

/** An email another contact has: core says whose; the command names the flag that allows it. */
const withDuplicateHint = <T>(run: () => T): T => withFlagHint(ExitCode.conflict, "use --allow-duplicate to add it anyway", run);

export async function add(ctx: Ctx, [name]: [string?], opts: ContactAddOptions): Promise<void> {
  let input: ContactInput = { ...contactInput(opts), name: name ?? opts.name };
  if (input.name === undefined) {
    if (!ctx.interactive) throw usageError("missing the contact's name", 'pass it as the first argument or with --name, e.g. crm add "Ada Lovelace"');
    input = await promptContact(ctx, input, opts.allowDuplicate);
  }
  if (!input.name!.trim()) throw usageError("a contact needs a name", "give it as the first argument or with --name");
  // Before the database is opened: a refused command creates or upgrades nothing.
  if (input.email) normaliseEmail(input.email);
  const id = withDuplicateHint(() => addContact(ctx.store(), input, ctx.now, { allowDuplicate: opts.allowDuplicate }));
  ctx.print(`${id}\n`);
  ctx.info(`added contact #${id} ${input.name!.trim()}`);
}

const contactColumns: Column<Contact>[] = [
  { header: "id", cell: (c) => c.id, align: "right" },
  { header: "name", cell: (c) => c.name },
  { header: "email", cell: (c) => c.email },
  { header: "phone", cell: (c) => c.phone },
  { header: "company", cell: (c) => c.company },
  { header: "tags", cell: (c) => c.tags.join(", ") },
  { header: "last contact", cell: (c) => (c.lastInteractionAt ? localDate(new Date(c.lastInteractionAt)) : "") },
];

export const CONTACT_FIELDS = [
  "id",
  "name",
  "email",
  "phone",
  "company",
  "title",
  "tags",
  "fields",
  "note",
  "cadence",
  "source",
  "lastInteractionAt",
  "createdAt",
  "updatedAt",
];

/** The members of an RFM segment, from the customer analytics (loaded only when --segment is used). */
async function segmentMembers(ctx: Ctx, segment: string): Promise<number[]> {
  const { contactIdsInSegment } = await import("../../../core/customers/segments.js");
  return contactIdsInSegment(ctx.store(), segment, ctx.now);
}

export async function list(ctx: Ctx, _args: [], opts: ContactListOptions): Promise<void> {
  const sort = read("--sort", opts.sort, oneOf(CONTACT_SORTS));
  const ids = opts.segment ? await segmentMembers(ctx, opts.segment) : undefined;
  const rows = listContacts(ctx.store(), { tag: opts.tag, company: opts.company, search: opts.search, sort, limit: opts.limit, ids });
  await printRecords(ctx, { rows, columns: contactColumns, fields: CONTACT_FIELDS, empty: "no contacts match" });
}

const when = (iso: string | null) => (iso ? localDateTime(new Date(iso)) : "");

export async function show(ctx: Ctx, [ref]: [string], _opts: ContactShowOptions): Promise<void> {
  // The profile's modules load here, not for every contact command (`crm contact list` is a hot path).
  const [{ contactProfile }, { describeDue, formatDue, isOverdue }, { formatMoney }] = await Promise.all([
    import("../../../core/contacts/profile.js"),
    import("../../../core/followups/followups.js"),
    import("../../../io/money.js"),
  ]);
  const store = ctx.store();
  const { id } = resolveContact(store, ref);
  const profile = contactProfile(store, id, ctx.now);
  const { customerAnalytics } = await import("../../../core/customers/segments.js");
  const analytics = customerAnalytics(store, id, ctx.now);
  if (ctx.format === "json")
    return emit(
      ctx,
      toJson({
        ...profile,
        deals: profile.deals.map((d) => ({ ...d, amount: jsonMoney(d.amountMinor, d.currency, { minor: true }) })),
        purchases: profile.purchases.map((p) => ({ ...p, total: jsonMoney(p.totalMinor, p.currency, { minor: true }) })),
        analytics: analytics && {
          ...analytics,
          ...(analytics.clv12Months !== undefined ? { clv12Months: jsonMoney(analytics.clv12Months, analytics.currency) } : {}),
        },
      }),
    );
  if (ctx.format === "csv") return printRecords(ctx, { rows: [profile.contact], columns: contactColumns, fields: CONTACT_FIELDS });
  const c = ctx.color;
  const p = profile.contact;
  const lines: string[] = [];
  const kv = (k: string, v: unknown) => v !== null && v !== undefined && v !== "" && lines.push(`  ${c.dim(k.padEnd(14))} ${v}`);
  lines.push(`${c.bold(`#${p.id} ${p.name}`)}${p.title || p.company ? c.dim(` — ${[p.title, p.company].filter(Boolean).join(", ")}`) : ""}`);
  kv("email", p.email);
  kv("phone", p.phone);
  kv("tags", p.tags.join(", "));
  for (const [k, v] of Object.entries(p.fields)) kv(k, v);
  kv("cadence", p.cadence && `every ${p.cadence}`);
  kv("source", p.source);
  kv("note", p.note);
  kv("added", localDate(new Date(p.createdAt)));
  if (analytics) {
    kv("segment", analytics.segment);
    kv("RFM scores", `R${analytics.r} F${analytics.f} M${analytics.m}`);
    if (analytics.pAlive !== undefined) kv("P(alive)", `${Math.round(analytics.pAlive * 100)}%`);
    if (analytics.clv12Months !== undefined) kv("CLV, 12 months", `${grouped(analytics.clv12Months)} ${analytics.currency}`);
  }
  for (const pur of profile.purchases)
    kv("purchases", `${formatMoney(pur.totalMinor, pur.currency)} in ${pur.count} (${localDate(new Date(pur.firstAt))} → ${localDate(new Date(pur.lastAt))})`);
  for (const s of profile.latestScores)
    kv(s.survey, `${s.type.toUpperCase()} ${s.score} on ${localDate(new Date(s.at))}${s.comment ? ` — “${s.comment}”` : ""}`);
  const section = (title: string, items: string[]) => {
    if (!items.length) return;
    lines.push("", c.bold(title));
    for (const i of items) lines.push("  " + i);
  };
  section(
    "Open follow-ups",
    profile.openFollowups.map(
      (f) =>
        `${c.cyan(`#${f.id}`)} ${formatDue(f.dueAt)} ${(isOverdue(f.dueAt, ctx.now) ? c.red : c.dim)(`(${describeDue(f.dueAt, ctx.now)})`)}${f.every ? ` every ${f.every}` : ""}${f.note ? "  " + f.note : ""}`,
    ),
  );
  section(
    "Deals",
    profile.deals.map(
      (d) => `${c.cyan(`#${d.id}`)} ${d.title}  ${d.stage}  ${formatMoney(d.amountMinor, d.currency)}${d.closeOn ? `  close ${d.closeOn}` : ""}`,
    ),
  );
  section(
    "Recent interactions",
    profile.recentInteractions.map((i) => `${when(i.at)}  ${interactionKind(i).padEnd(11)}  ${i.summary}`),
  );
  emit(ctx, lines.join("\n") + "\n");
}

export async function edit(ctx: Ctx, [ref]: [string], opts: ContactEditOptions): Promise<void> {
  const store = ctx.store();
  const { id } = resolveContact(store, ref);
  const input = { ...contactInput(opts), name: opts.name, removeTags: opts.untag };
  if (Object.values(input).every((v) => v === undefined))
    throw usageError("nothing to change", "pass at least one flag, e.g. --phone or --tag; see crm contact edit --help");
  if (input.name !== undefined && !input.name.trim()) throw usageError("a contact needs a name", "give a name with --name, or leave --name out");
  withDuplicateHint(() => editContact(store, id, input, ctx.now, { allowDuplicate: opts.allowDuplicate }));
  ctx.info(`updated contact #${id}`);
}

export async function rm(ctx: Ctx, [ref]: [string], opts: ConfirmOptions): Promise<void> {
  const store = ctx.store();
  const contact = resolveContact(store, ref);
  const counts = linkedCounts(store, contact.id);
  const linked = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  await confirmOrYes(ctx, `Delete #${contact.id} ${contact.name}${linked ? ` and their ${linked}` : ""}?`, opts.yes);
  removeContact(store, contact.id);
  ctx.info(`deleted contact #${contact.id} ${contact.name}`);
}

export async function merge(ctx: Ctx, [keepRef, otherRef]: [string, string], opts: ConfirmOptions): Promise<void> {
  const store = ctx.store();
  const keep = resolveContact(store, keepRef);
  const other = resolveContact(store, otherRef);
  if (keep.id === other.id) throw usageError(`both references name the same contact #${keep.id}`, "give two different contacts");
  await confirmOrYes(ctx, `Merge #${other.id} ${other.name} into #${keep.id} ${keep.name} (removing #${other.id})?`, opts.yes);
  mergeContacts(store, keep.id, other.id, ctx.now);
  ctx.info(`merged #${other.id} into #${keep.id} ${keep.name}`);
}

export async function tag(ctx: Ctx, [ref, ...tags]: string[]): Promise<void> {
  const store = ctx.store();
  const { id, name } = resolveContact(store, ref);
  tagContact(store, id, tags);
  ctx.info(`tagged #${id} ${name}: ${getContact(store, id).tags.join(", ")}`);
}

export async function untag(ctx: Ctx, [ref, ...tags]: string[]): Promise<void> {
  const store = ctx.store();
  const { id, name } = resolveContact(store, ref);
  const removed = untagContact(store, id, tags);
  ctx.info(`removed ${plural(removed, "tag")} from #${id} ${name}`);
}

export async function tags(ctx: Ctx, _args: [], _opts: TagsOptions): Promise<void> {
  await printRecords(ctx, {
    rows: listTags(ctx.store()),
    columns: [
      { header: "tag", cell: (t) => t.tag },
      { header: "contacts", cell: (t) => t.contacts, align: "right" },
    ],
    empty: "no tags yet",
  });
}

// Contact and interaction commands: parse the options, call core, render the result.
import type { Ctx } from "../context.js";
import {
  addContact, editContact, getContact, listContacts, listTags, mergeContacts, removeContact, resolveContact,
  tagContact, untagContact, linkedCounts, normaliseEmail, CONTACT_SORTS, type Contact, type ContactInput, type ContactSort,
} from "../../core/contacts/contacts.js";
import { listInteractions, logInteraction, parseInteractionType, type Interaction } from "../../core/contacts/interactions.js";
import { search } from "../../core/contacts/search.js";
import { parseWhen, localDate, localDateTime } from "../../io/dates.js";
import { usageError, quote } from "../../errors.js";
import { printRecords, emit, toJson, type Column } from "../render/output.js";
import { confirmOrYes } from "../prompt.js";

type Opts = Record<string, any>;

export function parseLimit(value: string | undefined, flag = "--limit"): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(String(value).trim())) throw usageError(`invalid ${flag} ${quote(value)}`, "use a whole number, e.g. --limit 50");
  return Number(value);
}

function contactInput(opts: Opts): ContactInput {
  return {
    email: opts.email, phone: opts.phone, company: opts.company, title: opts.title, note: opts.note,
    cadence: opts.cadence, source: opts.source, tags: opts.tag, fields: opts.field,
  };
}

async function promptContact(ctx: Ctx, input: ContactInput): Promise<ContactInput> {
  const { input: ask } = await import("@inquirer/prompts");
  const io = { input: ctx.io.stdin, output: ctx.io.stderr };
  const name = await ask({ message: "Name", required: true, validate: (v) => (v.trim() ? true : "a name is required") }, io);
  const email = await ask(
    {
      message: "Email (optional)",
      default: input.email ?? undefined,
      validate: (v) => {
        if (!v.trim()) return true;
        try {
          normaliseEmail(v);
          return true;
        } catch {
          return "that is not an email address, e.g. ada@example.com";
        }
      },
    },
    io,
  );
  const phone = await ask({ message: "Phone (optional)", default: input.phone ?? undefined }, io);
  const company = await ask({ message: "Company (optional)", default: input.company ?? undefined }, io);
  const tags = await ask({ message: "Tags, comma-separated (optional)" }, io);
  return {
    ...input,
    name,
    email: email.trim() || undefined,
    phone: phone.trim() || undefined,
    company: company.trim() || undefined,
    tags: [...(input.tags ?? []), ...tags.split(",").map((t) => t.trim()).filter(Boolean)],
  };
}

export async function add(ctx: Ctx, [name]: string[], opts: Opts): Promise<void> {
  let input: ContactInput = { ...contactInput(opts), name: name ?? opts.name };
  if (input.name === undefined) {
    if (!ctx.interactive) throw usageError("missing the contact's name", 'pass it as the first argument or with --name, e.g. crm add "Ada Lovelace"');
    input = await promptContact(ctx, input);
  }
  const id = addContact(ctx.store(), input, ctx.now, { allowDuplicate: opts.allowDuplicate });
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

export const CONTACT_FIELDS = ["id", "name", "email", "phone", "company", "title", "tags", "fields", "note", "cadence", "source", "lastInteractionAt", "createdAt", "updatedAt"];

/** The members of an RFM segment, from the customer analytics (loaded only when --segment is used). */
async function segmentMembers(ctx: Ctx, segment: string): Promise<number[]> {
  const { contactIdsInSegment } = await import("../../core/customers/segments.js");
  return contactIdsInSegment(ctx.store(), segment, ctx.now);
}

export async function list(ctx: Ctx, _args: string[], opts: Opts): Promise<void> {
  const sort = String(opts.sort ?? "name") as ContactSort;
  if (!CONTACT_SORTS.includes(sort)) throw usageError(`unknown --sort ${quote(opts.sort)}`, `use one of: ${CONTACT_SORTS.join(", ")}`);
  const ids = opts.segment ? await segmentMembers(ctx, opts.segment) : undefined;
  const rows = listContacts(ctx.store(), { tag: opts.tag, company: opts.company, search: opts.search, sort, limit: parseLimit(opts.limit), ids });
  await printRecords(ctx, { rows, columns: contactColumns, fields: CONTACT_FIELDS, empty: "no contacts match" });
}

const when = (iso: string | null) => (iso ? localDateTime(new Date(iso)) : "");

export async function show(ctx: Ctx, [ref]: string[]): Promise<void> {
  // The profile's modules load here, not for every contact command (`crm contact list` is a hot path).
  const [{ contactProfile }, { describeDue, formatDue, isOverdue }, { formatMoney }] = await Promise.all([
    import("../../core/contacts/profile.js"),
    import("../../core/followups/followups.js"),
    import("../../io/money.js"),
  ]);
  const store = ctx.store();
  const { id } = resolveContact(store, ref!);
  const profile = contactProfile(store, id, ctx.now);
  const { customerAnalytics } = await import("../../core/customers/segments.js");
  profile.analytics = customerAnalytics(store, id, ctx.now);
  if (ctx.format === "json") return emit(ctx, toJson(profile));
  if (ctx.format === "csv") return printRecords(ctx, { rows: [profile.contact], columns: contactColumns, fields: CONTACT_FIELDS });
  const c = ctx.color;
  const p = profile.contact;
  const lines: string[] = [];
  const kv = (k: string, v: unknown) => v !== null && v !== undefined && v !== "" && lines.push(`  ${c.dim(k.padEnd(12))} ${v}`);
  lines.push(`${c.bold(`#${p.id} ${p.name}`)}${p.title || p.company ? c.dim(` — ${[p.title, p.company].filter(Boolean).join(", ")}`) : ""}`);
  kv("email", p.email);
  kv("phone", p.phone);
  kv("tags", p.tags.join(", "));
  for (const [k, v] of Object.entries(p.fields)) kv(k, v);
  kv("cadence", p.cadence && `every ${p.cadence}`);
  kv("source", p.source);
  kv("note", p.note);
  kv("added", localDate(new Date(p.createdAt)));
  const a = profile.analytics as Record<string, any> | undefined;
  if (a) for (const [k, v] of Object.entries(a)) kv(k, v);
  for (const pur of profile.purchases)
    kv("purchases", `${formatMoney(pur.totalMinor, pur.currency)} in ${pur.count} (${localDate(new Date(pur.firstAt))} → ${localDate(new Date(pur.lastAt))})`);
  for (const s of profile.latestScores) kv(s.survey, `${s.type.toUpperCase()} ${s.score} on ${localDate(new Date(s.at))}${s.comment ? ` — “${s.comment}”` : ""}`);
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
    profile.deals.map((d) => `${c.cyan(`#${d.id}`)} ${d.title}  ${d.stage}  ${formatMoney(d.amountMinor, d.currency)}${d.closeOn ? `  close ${d.closeOn}` : ""}`),
  );
  section("Recent interactions", profile.recentInteractions.map((i) => `${when(i.at)}  ${i.type.padEnd(7)}  ${i.summary}`));
  emit(ctx, lines.join("\n") + "\n");
}

export async function edit(ctx: Ctx, [ref]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const { id } = resolveContact(store, ref!);
  const input = { ...contactInput(opts), name: opts.name, removeTags: opts.untag };
  if (Object.values(input).every((v) => v === undefined)) throw usageError("nothing to change", "pass at least one flag, e.g. --phone or --tag; see crm contact edit --help");
  editContact(store, id, input, ctx.now, { allowDuplicate: opts.allowDuplicate });
  ctx.info(`updated contact #${id}`);
}

export async function rm(ctx: Ctx, [ref]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const contact = resolveContact(store, ref!);
  const counts = linkedCounts(store, contact.id);
  const linked = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(", ");
  await confirmOrYes(ctx, `Delete #${contact.id} ${contact.name}${linked ? ` and their ${linked}` : ""}?`, opts.yes);
  removeContact(store, contact.id);
  ctx.info(`deleted contact #${contact.id} ${contact.name}`);
}

export async function merge(ctx: Ctx, [keepRef, otherRef]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const keep = resolveContact(store, keepRef!);
  const other = resolveContact(store, otherRef!);
  if (keep.id === other.id) throw usageError(`both references name the same contact #${keep.id}`, "give two different contacts");
  await confirmOrYes(ctx, `Merge #${other.id} ${other.name} into #${keep.id} ${keep.name} (removing #${other.id})?`, opts.yes);
  mergeContacts(store, keep.id, other.id, ctx.now);
  ctx.info(`merged #${other.id} into #${keep.id} ${keep.name}`);
}

export async function tag(ctx: Ctx, [ref, ...tags]: string[]): Promise<void> {
  const store = ctx.store();
  const { id, name } = resolveContact(store, ref!);
  tagContact(store, id, tags);
  ctx.info(`tagged #${id} ${name}: ${getContact(store, id).tags.join(", ")}`);
}

export async function untag(ctx: Ctx, [ref, ...tags]: string[]): Promise<void> {
  const store = ctx.store();
  const { id, name } = resolveContact(store, ref!);
  const removed = untagContact(store, id, tags);
  ctx.info(`removed ${removed} tag${removed === 1 ? "" : "s"} from #${id} ${name}`);
}

export async function tags(ctx: Ctx): Promise<void> {
  await printRecords(ctx, {
    rows: listTags(ctx.store()),
    columns: [
      { header: "tag", cell: (t) => t.tag },
      { header: "contacts", cell: (t) => t.contacts, align: "right" },
    ],
    empty: "no tags yet",
  });
}

export async function log(ctx: Ctx, [ref, ...summary]: string[], opts: Opts): Promise<void> {
  if (!ref) throw usageError("missing the contact", 'e.g. crm log ada "Called about the proposal" --type call');
  if (!summary.length) throw usageError("missing the summary of the interaction", 'e.g. crm log ada "Called about the proposal" --type call');
  const type = parseInteractionType(opts.type);
  const at = opts.at ? (await parseWhen(opts.at, ctx.now, "--at date")).date : ctx.now;
  const store = ctx.store();
  const contact = resolveContact(store, ref);
  const id = logInteraction(store, { contactId: contact.id, summary: summary.join(" "), type, at }, ctx.now);
  ctx.print(`${id}\n`);
  ctx.info(`logged ${type} with #${contact.id} ${contact.name}`);
}

const interactionColumns: Column<Interaction>[] = [
  { header: "id", cell: (i) => i.id, align: "right" },
  { header: "when", cell: (i) => when(i.at) },
  { header: "contact", cell: (i) => i.contactName },
  { header: "type", cell: (i) => i.type },
  { header: "summary", cell: (i) => i.summary },
];

export async function logList(ctx: Ctx, [ref]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const contactId = ref ? resolveContact(store, ref).id : undefined;
  const since = opts.since ? (await parseWhen(opts.since, ctx.now, "--since date")).date : undefined;
  const type = opts.type ? parseInteractionType(opts.type) : undefined;
  const rows = listInteractions(store, { contactId, since, until: ctx.now, type, limit: parseLimit(opts.limit) });
  await printRecords(ctx, {
    rows,
    columns: interactionColumns,
    fields: ["id", "contactId", "contactName", "type", "summary", "at", "resolvedAt"],
    empty: "no interactions",
  });
}

export async function find(ctx: Ctx, words: string[], opts: Opts): Promise<void> {
  const marks: [string, string] = ctx.useColor && ctx.format === "table" ? ["\x1b[1;33m", "\x1b[22;39m"] : ["[", "]"];
  const rows = search(ctx.store(), words.join(" "), parseLimit(opts.limit) ?? 20, ctx.format === "table" ? marks : ["", ""]);
  await printRecords(ctx, {
    rows,
    columns: [
      { header: "kind", cell: (h) => h.kind },
      { header: "id", cell: (h) => h.id, align: "right" },
      { header: "contact", cell: (h) => h.contactName },
      { header: "match", cell: (h) => h.snippet },
    ],
    record: ({ rank, ...hit }) => ({ ...hit, rank: Math.round(rank * 1000) / 1000 }),
    fields: ["kind", "id", "contactId", "contactName", "title", "snippet", "rank"],
    empty: `nothing matches ${quote(words.join(" "))}`,
  });
}

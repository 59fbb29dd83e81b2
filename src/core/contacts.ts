// Contacts: the people. Creating, finding (by id, email or name fragment), listing, editing, tagging,
// merging and removing them. Everything returns plain records; nothing here prints.
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { contacts, contactTags, contactFields, tags } from "../db/schema.js";
import { inTransaction, type Store } from "../db/open.js";
import { conflict, notFound, usageError, quote } from "../errors.js";
import { parseInterval, formatInterval } from "../io/dates.js";

export interface Contact {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  title: string | null;
  note: string | null;
  cadence: string | null;
  source: string | null;
  tags: string[];
  fields: Record<string, string>;
  lastInteractionAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the user may give when adding or editing; undefined leaves a value alone, null clears it. */
export interface ContactInput {
  name?: string;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  title?: string | null;
  note?: string | null;
  cadence?: string | null;
  source?: string | null;
  tags?: string[];
  /** "key=value" pairs; an empty value removes the field on edit. */
  fields?: string[];
}

// A pragmatic address check (the WHATWG form rule): one @, no spaces, a dotted domain.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw usageError(`invalid email ${quote(email)}`, "use an address like ada@example.com");
  return e;
}

export function normaliseTag(tag: string): string {
  const t = tag.trim();
  if (!t || /[\r\n\t,]/.test(t) || t.length > 64) throw usageError(`invalid tag ${quote(tag)}`, "a tag is up to 64 characters without commas or line breaks");
  return t;
}

export function parseFieldPair(pair: string): [string, string] {
  const i = pair.indexOf("=");
  const key = i > 0 ? pair.slice(0, i).trim() : "";
  if (!key) throw usageError(`invalid --field ${quote(pair)}`, "use key=value, e.g. --field birthday=1815-12-10");
  return [key, pair.slice(i + 1).trim()];
}

const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : v.trim() || null);

interface Normalised {
  values: Partial<typeof contacts.$inferInsert>;
  tags: string[];
  fields: [string, string][];
}

function normalise(input: ContactInput, requireName: boolean): Normalised {
  const values: Partial<typeof contacts.$inferInsert> = {};
  if (input.name !== undefined || requireName) {
    const name = (input.name ?? "").trim();
    if (!name) throw usageError("a contact needs a name", "give it as the first argument or with --name");
    if (name.length > 10_000) throw usageError("the name is longer than 10,000 characters");
    values.name = name;
  }
  if (input.email !== undefined) values.email = input.email ? normaliseEmail(input.email) : null;
  if (input.cadence !== undefined) values.cadence = input.cadence ? formatInterval(parseInterval(input.cadence, "--cadence")) : null;
  for (const key of ["phone", "company", "title", "note", "source"] as const) {
    const v = clean(input[key]);
    if (v !== undefined) values[key] = v;
  }
  return {
    values,
    tags: [...new Set((input.tags ?? []).map(normaliseTag))],
    fields: (input.fields ?? []).map(parseFieldPair),
  };
}

function tagIds(store: Store, names: string[]): number[] {
  if (names.length === 0) return [];
  const insert = store.sqlite.prepare("insert into tags(name) values (?) on conflict do nothing");
  const find = store.sqlite.prepare("select id from tags where name = ? collate nocase");
  return names.map((name) => {
    insert.run(name);
    return (find.get(name) as { id: number }).id;
  });
}

export function addTags(store: Store, contactId: number, names: string[]): void {
  const ids = tagIds(store, names.map(normaliseTag));
  if (ids.length) store.db.insert(contactTags).values(ids.map((tagId) => ({ contactId, tagId }))).onConflictDoNothing().run();
}

function setFields(store: Store, contactId: number, fields: [string, string][]): void {
  for (const [key, value] of fields) {
    if (value === "") store.db.delete(contactFields).where(and(eq(contactFields.contactId, contactId), eq(contactFields.key, key))).run();
    else
      store.db
        .insert(contactFields)
        .values({ contactId, key, value })
        .onConflictDoUpdate({ target: [contactFields.contactId, contactFields.key], set: { value } })
        .run();
  }
}

function assertEmailFree(store: Store, email: string | null | undefined, exceptId?: number): void {
  if (!email) return;
  const existing = store.sqlite.prepare("select id, name from contacts where email = ? and id is not ?").get(email, exceptId ?? null) as
    | { id: number; name: string }
    | undefined;
  if (existing)
    throw conflict(`a contact with email ${quote(email)} already exists (#${existing.id} ${existing.name})`, "use --allow-duplicate to add it anyway");
}

export function addContact(store: Store, input: ContactInput, now: Date, opts: { allowDuplicate?: boolean } = {}): number {
  const n = normalise(input, true);
  const stamp = now.toISOString();
  return inTransaction(store, () => {
    if (!opts.allowDuplicate) assertEmailFree(store, n.values.email);
    const row = store.db
      .insert(contacts)
      .values({ ...(n.values as typeof contacts.$inferInsert), createdAt: stamp, updatedAt: stamp })
      .returning({ id: contacts.id })
      .get();
    addTags(store, row.id, n.tags);
    setFields(store, row.id, n.fields);
    return row.id;
  });
}

export function editContact(
  store: Store,
  id: number,
  input: ContactInput & { removeTags?: string[] },
  now: Date,
  opts: { allowDuplicate?: boolean } = {},
): void {
  const n = normalise(input, false);
  inTransaction(store, () => {
    if (!opts.allowDuplicate && n.values.email) assertEmailFree(store, n.values.email, id);
    store.db.update(contacts).set({ ...n.values, updatedAt: now.toISOString() }).where(eq(contacts.id, id)).run();
    addTags(store, id, n.tags);
    if (input.removeTags?.length) removeTags(store, id, input.removeTags);
    setFields(store, id, n.fields);
  });
}

export function removeTags(store: Store, contactId: number, names: string[]): number {
  const ids = store.db
    .select({ id: tags.id })
    .from(tags)
    .where(inArray(sql`lower(${tags.name})`, names.map((t) => t.trim().toLowerCase())))
    .all()
    .map((r) => r.id);
  if (!ids.length) return 0;
  return store.db.delete(contactTags).where(and(eq(contactTags.contactId, contactId), inArray(contactTags.tagId, ids))).run().changes;
}

export function tagContact(store: Store, contactId: number, names: string[]): void {
  inTransaction(store, () => addTags(store, contactId, names));
}

export function untagContact(store: Store, contactId: number, names: string[]): number {
  return inTransaction(store, () => removeTags(store, contactId, names));
}

export interface TagCount {
  tag: string;
  contacts: number;
}

export function listTags(store: Store): TagCount[] {
  return store.sqlite
    .prepare(
      `select t.name as tag, count(ct.contact_id) as contacts from tags t
       join contact_tags ct on ct.tag_id = t.id group by t.id order by contacts desc, t.name collate nocase`,
    )
    .all() as TagCount[];
}

export type ContactSort = "name" | "created" | "updated" | "last-contact" | "company";
export const CONTACT_SORTS: ContactSort[] = ["name", "created", "updated", "last-contact", "company"];

export interface ContactQuery {
  tag?: string;
  company?: string;
  search?: string;
  sort?: ContactSort;
  limit?: number;
  /** Restrict to these ids (e.g. the members of an RFM segment). */
  ids?: number[];
}

// Written out in SQL: drizzle would render the outer `id` unqualified, and inside the subquery that
// would mean interactions.id.
const lastInteraction = sql<string | null>`(select max(i.at) from interactions i where i.contact_id = "contacts"."id")`;

export function listContacts(store: Store, q: ContactQuery = {}): Contact[] {
  const where: SQL[] = [];
  if (q.tag)
    where.push(
      sql`${contacts.id} in (select ct.contact_id from contact_tags ct join tags t on t.id = ct.tag_id where t.name = ${q.tag.trim()} collate nocase)`,
    );
  if (q.company) where.push(sql`${contacts.company} like ${"%" + q.company.trim() + "%"} escape '\\'`);
  if (q.search) {
    const like = "%" + q.search.trim().replace(/[\\%_]/g, (c) => "\\" + c) + "%";
    where.push(
      sql`(${contacts.name} like ${like} escape '\\' or ${contacts.email} like ${like} escape '\\' or ${contacts.company} like ${like} escape '\\' or ${contacts.phone} like ${like} escape '\\')`,
    );
  }
  if (q.ids) where.push(q.ids.length ? inArray(contacts.id, q.ids) : sql`0`);
  const order = {
    name: [asc(sql`${contacts.name} collate nocase`), asc(contacts.id)],
    created: [asc(contacts.createdAt), asc(contacts.id)],
    updated: [desc(contacts.updatedAt), asc(contacts.id)],
    "last-contact": [desc(sql`coalesce(${lastInteraction}, '')`), asc(contacts.id)],
    company: [asc(sql`coalesce(${contacts.company}, '~') collate nocase`), asc(sql`${contacts.name} collate nocase`)],
  }[q.sort ?? "name"];
  let query = store.db
    .select({
      id: contacts.id,
      name: contacts.name,
      email: contacts.email,
      phone: contacts.phone,
      company: contacts.company,
      title: contacts.title,
      note: contacts.note,
      cadence: contacts.cadence,
      source: contacts.source,
      createdAt: contacts.createdAt,
      updatedAt: contacts.updatedAt,
      lastInteractionAt: lastInteraction,
    })
    .from(contacts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...order)
    .$dynamic();
  if (q.limit !== undefined) query = query.limit(q.limit);
  const rows = query.all();
  return attachTagsAndFields(store, rows);
}

function attachTagsAndFields(store: Store, rows: Omit<Contact, "tags" | "fields">[]): Contact[] {
  const tagMap = new Map<number, string[]>();
  const fieldMap = new Map<number, Record<string, string>>();
  // One query each for all rows (not one per contact); small lists filter by id, large ones read all.
  const ids = rows.map((r) => r.id);
  const byIds = ids.length <= 500;
  const idFilter = byIds ? `where contact_id in (${ids.map(() => "?").join(",") || "null"})` : "";
  const tagRows = store.sqlite
    .prepare(`select ct.contact_id as id, t.name from contact_tags ct join tags t on t.id = ct.tag_id ${idFilter} order by t.name collate nocase`)
    .all(...(byIds ? ids : [])) as { id: number; name: string }[];
  for (const t of tagRows) (tagMap.get(t.id) ?? tagMap.set(t.id, []).get(t.id)!).push(t.name);
  const fieldRows = store.sqlite
    .prepare(`select contact_id as id, key, value from contact_fields ${idFilter} order by key`)
    .all(...(byIds ? ids : [])) as { id: number; key: string; value: string }[];
  for (const f of fieldRows) (fieldMap.get(f.id) ?? fieldMap.set(f.id, {}).get(f.id)!)[f.key] = f.value;
  return rows.map((r) => ({ ...r, tags: tagMap.get(r.id) ?? [], fields: fieldMap.get(r.id) ?? {} }));
}

export function getContact(store: Store, id: number): Contact {
  const [contact] = listContacts(store, { ids: [id] });
  if (!contact) throw notFound(`no contact #${id}`, "see `crm contact list`");
  return contact;
}

/** Resolves a `<ref>`: numeric id, exact email, or a unique case-insensitive name fragment. */
export function resolveContact(store: Store, ref: string): { id: number; name: string } {
  const text = ref.trim();
  if (!text) throw usageError("an empty contact reference", "give an id, an email or part of a name");
  if (/^\d+$/.test(text)) {
    const row = store.sqlite.prepare("select id, name from contacts where id = ?").get(Number(text)) as { id: number; name: string } | undefined;
    if (row) return row;
    throw notFound(`no contact #${text}`, "see `crm contact list`");
  }
  if (text.includes("@")) {
    const rows = store.sqlite.prepare("select id, name from contacts where email = ? order by id").all(text.toLowerCase()) as { id: number; name: string }[];
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1) throw ambiguous(text, rows);
  }
  const exact = store.sqlite.prepare("select id, name from contacts where name = ? collate nocase order by id limit 11").all(text) as { id: number; name: string }[];
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) throw ambiguous(text, exact);
  const like = "%" + text.replace(/[\\%_]/g, (c) => "\\" + c) + "%";
  const rows = store.sqlite
    .prepare("select id, name from contacts where name like ? escape '\\' order by name collate nocase, id limit 11")
    .all(like) as { id: number; name: string }[];
  if (rows.length === 1) return rows[0]!;
  if (rows.length > 1) throw ambiguous(text, rows);
  throw notFound(`no contact matches ${quote(text)}`, "use an id, an exact email or part of a name; see `crm contact list --search`");
}

function ambiguous(ref: string, rows: { id: number; name: string }[]) {
  const shown = rows.slice(0, 10).map((r) => `#${r.id} ${r.name}`).join(", ");
  const more = rows.length > 10 ? ", ..." : "";
  return conflict(`${quote(ref)} matches several contacts: ${shown}${more}`, "use the id or the email instead");
}

export interface LinkedCounts {
  interactions: number;
  followups: number;
  deals: number;
  purchases: number;
  responses: number;
}

export function linkedCounts(store: Store, id: number): LinkedCounts {
  const count = (table: string) => (store.sqlite.prepare(`select count(*) n from ${table} where contact_id = ?`).get(id) as { n: number }).n;
  return {
    interactions: count("interactions"),
    followups: count("followups"),
    deals: count("deals"),
    purchases: count("purchases"),
    responses: count("responses"),
  };
}

/** Deletes the contact and everything linked to it (interactions, follow-ups, deals, purchases, answers). */
export function removeContact(store: Store, id: number): void {
  inTransaction(store, () => {
    const { changes } = store.db.delete(contacts).where(eq(contacts.id, id)).run();
    if (!changes) throw notFound(`no contact #${id}`);
  });
}

/**
 * Merges `otherId` into `keepId`: every linked record moves to the kept contact, tags and fields are
 * unioned (the kept contact's field value wins on a clash), empty details are filled from the other,
 * then the other contact is removed. One transaction.
 */
export function mergeContacts(store: Store, keepId: number, otherId: number, now: Date): void {
  if (keepId === otherId) throw usageError("cannot merge a contact with itself", "give two different contacts");
  inTransaction(store, () => {
    const s = store.sqlite;
    for (const table of ["interactions", "followups", "deals", "purchases", "responses"])
      s.prepare(`update ${table} set contact_id = ? where contact_id = ?`).run(keepId, otherId);
    s.prepare("insert or ignore into contact_tags(contact_id, tag_id) select ?, tag_id from contact_tags where contact_id = ?").run(keepId, otherId);
    s.prepare("insert or ignore into contact_fields(contact_id, key, value) select ?, key, value from contact_fields where contact_id = ?").run(keepId, otherId);
    const other = s.prepare("select * from contacts where id = ?").get(otherId) as Record<string, string | null>;
    const keep = s.prepare("select * from contacts where id = ?").get(keepId) as Record<string, string | null>;
    const fill: Record<string, string | null> = {};
    for (const col of ["email", "phone", "company", "title", "cadence", "source"]) if (!keep[col] && other[col]) fill[col] = other[col]!;
    if (other.note) fill.note = keep.note ? `${keep.note}\n${other.note}` : other.note;
    const created = [keep.created_at!, other.created_at!].sort()[0]!;
    s.prepare(
      `update contacts set email = coalesce(@email, email), phone = coalesce(@phone, phone), company = coalesce(@company, company),
       title = coalesce(@title, title), cadence = coalesce(@cadence, cadence), source = coalesce(@source, source),
       note = coalesce(@note, note), created_at = @created, updated_at = @updated where id = @id`,
    ).run({
      email: null, phone: null, company: null, title: null, cadence: null, source: null, note: null,
      ...fill, created, updated: now.toISOString(), id: keepId,
    });
    s.prepare("delete from contacts where id = ?").run(otherId);
  });
}

// Contacts: the people. Creating, finding (by id, email or name fragment), listing, editing, tagging,
// merging and removing them. Everything returns plain records; nothing here prints.
// Plain prepared SQL rather than drizzle: `crm contact list` is on the start-up-critical path.
import { inTransaction, type Store } from "../../db/open.js";
import type { ContactRow, CountRow, IdRow } from "../../db/rows.js";
import { conflict, notFound, usageError, quote } from "../../errors.js";
import { parseInterval, formatInterval, type Interval } from "../../io/dates.js";
import { assertTotalsFit } from "../purchases/purchases.js";
import { contactCandidates, fold } from "./search.js";
import { mergeContactDetails, type ContactDetails } from "./merge.js";
import { purchasesChanged } from "../purchases/version.js";

export interface Contact extends ContactRow {
  tags: string[];
  fields: Record<string, string>;
  lastInteractionAt: string | null;
}

/** A contact as references resolve to it. */
export type ContactRef = Pick<ContactRow, "id" | "name">;

/** What the user may give when adding or editing; undefined leaves a value alone, null clears it. */
export interface ContactInput {
  name?: string;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  title?: string | null;
  note?: string | null;
  /** How often to keep in touch: an interval, or its text as stored ("30d"). */
  cadence?: Interval | string | null;
  source?: string | null;
  tags?: string[];
  /** Custom fields as [key, value]; an empty value removes the field on edit. */
  fields?: [key: string, value: string][];
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

/** A contact's name, trimmed: not empty, at most 10,000 characters. */
export function normaliseName(name: string): string {
  const n = name.trim();
  if (!n) throw usageError("a contact needs a name");
  if (n.length > 10_000) throw usageError("the name is longer than 10,000 characters");
  return n;
}

/** A custom field written as "key=value" (the key ends at the first "="). */
export function parseFieldPair(pair: string): [string, string] {
  const i = pair.indexOf("=");
  return customField([i > 0 ? pair.slice(0, i) : "", pair.slice(i + 1)], pair);
}

function customField([key, value]: [string, string], given: string = `${key}=${value}`): [string, string] {
  const k = key.trim();
  if (!k) throw usageError(`invalid custom field ${quote(given)}`, "a custom field is key=value, e.g. birthday=1815-12-10");
  return [k, value.trim()];
}

function cadenceText(cadence: Interval | string): string {
  return formatInterval(typeof cadence === "string" ? parseInterval(cadence, "cadence") : cadence);
}

const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : v.trim() || null);

const COLUMNS = ["name", "email", "phone", "company", "title", "note", "cadence", "source"] as const;
type ContactValues = Partial<Record<(typeof COLUMNS)[number], string | null>>;

interface Normalised {
  values: ContactValues;
  tags: string[];
  fields: [string, string][];
}

function normalise(input: ContactInput, requireName: boolean): Normalised {
  const values: ContactValues = {};
  if (input.name !== undefined || requireName) values.name = normaliseName(input.name ?? "");
  if (input.email !== undefined) values.email = input.email ? normaliseEmail(input.email) : null;
  if (input.cadence !== undefined) values.cadence = input.cadence ? cadenceText(input.cadence) : null;
  for (const key of ["phone", "company", "title", "note", "source"] as const) {
    const v = clean(input[key]);
    if (v !== undefined) values[key] = v;
  }
  return {
    values,
    tags: [...new Set((input.tags ?? []).map(normaliseTag))],
    fields: (input.fields ?? []).map((field) => customField(field)),
  };
}

function tagIds(store: Store, names: string[]): number[] {
  if (names.length === 0) return [];
  const insert = store.sqlite.prepare("insert into tags(name) values (?) on conflict do nothing");
  const find = store.sqlite.prepare<[string], IdRow>("select id from tags where name = ? collate nocase");
  return names.map((name) => {
    insert.run(name);
    return find.get(name)!.id;
  });
}

function addTags(store: Store, contactId: number, names: string[]): void {
  const link = store.sqlite.prepare("insert or ignore into contact_tags(contact_id, tag_id) values (?, ?)");
  for (const tagId of tagIds(store, names.map(normaliseTag))) link.run(contactId, tagId);
}

function setFields(store: Store, contactId: number, fields: [string, string][]): void {
  const remove = store.sqlite.prepare("delete from contact_fields where contact_id = ? and key = ?");
  const upsert = store.sqlite.prepare(
    "insert into contact_fields(contact_id, key, value) values (?, ?, ?) on conflict(contact_id, key) do update set value = excluded.value",
  );
  for (const [key, value] of fields) {
    if (value === "") remove.run(contactId, key);
    else upsert.run(contactId, key, value);
  }
}

/** The contact (other than `exceptId`) that has this normalised email, if any. */
export function emailOwner(store: Store, email: string, exceptId?: number): ContactRef | undefined {
  return store.sqlite
    .prepare<[string, number | null], ContactRef>("select id, name from contacts where email = ? and id is not ?")
    .get(email, exceptId ?? null);
}

function assertEmailFree(store: Store, email: string | null | undefined, exceptId?: number): void {
  if (!email) return;
  const existing = emailOwner(store, email, exceptId);
  if (existing) throw conflict(`a contact with email ${quote(email)} already exists (#${existing.id} ${existing.name})`);
}

export function addContact(store: Store, input: ContactInput, now: Date, opts: { allowDuplicate?: boolean } = {}): number {
  const n = normalise(input, true);
  const stamp = now.toISOString();
  return inTransaction(store, () => {
    if (!opts.allowDuplicate) assertEmailFree(store, n.values.email);
    const row = store.sqlite
      .prepare<Record<string, unknown>, IdRow>(
        `insert into contacts(name, email, phone, company, title, note, cadence, source, created_at, updated_at)
         values (@name, @email, @phone, @company, @title, @note, @cadence, @source, @stamp, @stamp) returning id`,
      )
      .get({ ...Object.fromEntries(COLUMNS.map((c) => [c, null])), ...n.values, stamp })!;
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
    // Only known column names reach the SQL text; values are bound.
    const cols = Object.keys(n.values).filter((c): c is (typeof COLUMNS)[number] => (COLUMNS as readonly string[]).includes(c));
    store.sqlite
      .prepare(`update contacts set ${[...cols.map((c) => `${c} = @${c}`), "updated_at = @updatedAt"].join(", ")} where id = @id`)
      .run({ ...n.values, updatedAt: now.toISOString(), id });
    addTags(store, id, n.tags);
    if (input.removeTags?.length) removeTags(store, id, input.removeTags);
    setFields(store, id, n.fields);
  });
}

function removeTags(store: Store, contactId: number, names: string[]): number {
  const remove = store.sqlite.prepare("delete from contact_tags where contact_id = ? and tag_id = (select id from tags where name = ? collate nocase)");
  let removed = 0;
  for (const name of new Set(names.map((t) => t.trim()))) removed += remove.run(contactId, name).changes;
  return removed;
}

/** Ids of the contacts carrying a tag (case-insensitive); exit 3 when no such tag exists. */
export function contactIdsWithTag(store: Store, tag: string): number[] {
  const t = store.sqlite.prepare<[string], IdRow>("select id from tags where name = ? collate nocase").get(tag.trim());
  if (!t) throw notFound(`no tag ${quote(tag)}`, "see `crm tags` for the tags in use");
  return store.sqlite.prepare<[number], number>("select contact_id from contact_tags where tag_id = ? order by contact_id").pluck().all(t.id);
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
    .prepare<[], TagCount>(
      `select t.name as tag, count(ct.contact_id) as contacts from tags t
       join contact_tags ct on ct.tag_id = t.id group by t.id order by contacts desc, t.name collate nocase`,
    )
    .all();
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

const ORDER: Record<ContactSort, string> = {
  name: "c.name collate nocase, c.id",
  created: "c.created_at, c.id",
  updated: "c.updated_at desc, c.id",
  "last-contact": "coalesce(lastInteractionAt, '') desc, c.id",
  company: "coalesce(c.company, '~') collate nocase, c.name collate nocase, c.id",
};

const likePattern = (text: string) => "%" + text.trim().replace(/[\\%_]/g, (ch) => "\\" + ch) + "%";

export function listContacts(store: Store, q: ContactQuery = {}): Contact[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.tag) {
    where.push("c.id in (select ct.contact_id from contact_tags ct join tags t on t.id = ct.tag_id where t.name = ? collate nocase)");
    params.push(q.tag.trim());
  }
  if (q.company) {
    where.push("c.company like ? escape '\\'");
    params.push(likePattern(q.company));
  }
  // Names and companies also match without accents and case ("societe" finds Société): the search index
  // adds contacts with words starting as typed, which are then checked here (the index also holds notes).
  let candidates: Set<number> | undefined;
  if (q.search) {
    const extra = contactCandidates(store, q.search, "details");
    if (extra.length) candidates = new Set(extra);
    where.push(
      `(c.name like ?1 escape '\\' or c.email like ?1 escape '\\' or c.company like ?1 escape '\\' or c.phone like ?1 escape '\\'${extra.length ? " or c.id in (select value from json_each(?))" : ""})`.replaceAll(
        "?1",
        "?",
      ),
    );
    params.push(...Array(4).fill(likePattern(q.search)));
    if (extra.length) params.push(JSON.stringify(extra));
  }
  if (q.ids) {
    where.push(q.ids.length ? `c.id in (select value from json_each(?))` : "0");
    if (q.ids.length) params.push(JSON.stringify(q.ids));
  }
  const limit = q.limit !== undefined && !candidates ? "limit ?" : "";
  if (limit) params.push(q.limit!);
  // tags and fields are filled in by attachTagsAndFields.
  const rows = store.sqlite
    .prepare<(string | number)[], Contact>(
      `select c.id, c.name, c.email, c.phone, c.company, c.title, c.note, c.cadence, c.source,
         c.created_at as createdAt, c.updated_at as updatedAt,
         (select max(i.at) from interactions i where i.contact_id = c.id) as lastInteractionAt
       from contacts c
       ${where.length ? "where " + where.join(" and ") : ""} order by ${ORDER[q.sort ?? "name"]} ${limit}`,
    )
    .all(...params);
  if (!candidates) return attachTagsAndFields(store, rows);
  const text = fold(q.search!.trim());
  const holds = (value: string | null) => value !== null && fold(value).includes(text);
  const kept = rows.filter((r) => !candidates.has(r.id) || holds(r.name) || holds(r.company) || holds(r.email) || holds(r.phone));
  return attachTagsAndFields(store, q.limit !== undefined ? kept.slice(0, q.limit) : kept);
}

function attachTagsAndFields(store: Store, rows: Contact[]): Contact[] {
  const tagMap = new Map<number, string[]>();
  const fieldMap = new Map<number, Record<string, string>>();
  // One query each for all rows (not one per contact); small lists filter by id, large ones read all.
  const ids = rows.map((r) => r.id);
  const byIds = ids.length <= 500;
  const idFilter = byIds ? `where contact_id in (${ids.map(() => "?").join(",") || "null"})` : "";
  const tagRows = store.sqlite
    .prepare<number[], { id: number; name: string }>(
      `select ct.contact_id as id, t.name from contact_tags ct join tags t on t.id = ct.tag_id ${idFilter} order by t.name collate nocase`,
    )
    .all(...(byIds ? ids : []));
  for (const t of tagRows) (tagMap.get(t.id) ?? tagMap.set(t.id, []).get(t.id)!).push(t.name);
  const fieldRows = store.sqlite
    .prepare<number[], { id: number; key: string; value: string }>(`select contact_id as id, key, value from contact_fields ${idFilter} order by key`)
    .all(...(byIds ? ids : []));
  for (const f of fieldRows) (fieldMap.get(f.id) ?? fieldMap.set(f.id, {}).get(f.id)!)[f.key] = f.value;
  // The rows are fresh objects from the driver: completed in place (a spread per row costs more).
  for (const r of rows) {
    r.tags = tagMap.get(r.id) ?? [];
    r.fields = fieldMap.get(r.id) ?? {};
  }
  return rows;
}

export function getContact(store: Store, id: number): Contact {
  const [contact] = listContacts(store, { ids: [id] });
  if (!contact) throw notFound(`no contact #${id}`, "see `crm contact list`");
  return contact;
}

/** Resolves a `<ref>`: numeric id (`12` or `#12`), exact email, or a unique name fragment, accents and case aside. */
export function resolveContact(store: Store, ref: string): ContactRef {
  const text = ref.trim();
  if (!text) throw usageError("an empty contact reference", "give an id, an email or part of a name");
  // SQLite's LIKE stops reading a pattern at NUL: "N\0" would match any name ending in "n".
  if (text.includes("\u0000"))
    throw usageError(`invalid contact reference ${quote(ref)}: it contains a NUL character`, "give an id, an email or part of a name");
  // An id, also as crm prints it: "#12".
  if (/^#?\d+$/.test(text)) {
    const id = Number(text.replace("#", ""));
    const row = store.sqlite.prepare<[number], ContactRef>("select id, name from contacts where id = ?").get(id);
    if (row) return row;
    throw notFound(`no contact #${id}`, "see `crm contact list`");
  }
  if (text.includes("@")) {
    const rows = store.sqlite.prepare<[string], ContactRef>("select id, name from contacts where email = ? order by id").all(text.toLowerCase());
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1) throw ambiguous(text, rows);
  }
  const exact = store.sqlite.prepare<[string], ContactRef>("select id, name from contacts where name = ? collate nocase order by id limit 11").all(text);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) throw ambiguous(text, exact);
  // Then as a fragment, without accents and case: "chloe" is Chloé, "emile zola" is ÉMILE ZOLA. LIKE finds
  // plain substrings (ASCII case aside); the search index adds names with words starting as typed.
  const folded = fold(text);
  const substrings = store.sqlite
    .prepare<[string], ContactRef>("select id, name from contacts where name like ? escape '\\' order by name collate nocase, id limit 11")
    .all(likePattern(folded));
  const seen = new Set(substrings.map((r) => r.id));
  const others = contactCandidates(store, text, "name").filter((id) => !seen.has(id));
  const byId = store.sqlite.prepare<[number], ContactRef>("select id, name from contacts where id = ?");
  const found = [...substrings, ...others.map((id) => byId.get(id)!).filter((r) => fold(r.name).includes(folded))];
  const same = found.filter((r) => fold(r.name) === folded);
  if (same.length === 1) return same[0]!;
  if (same.length > 1) throw ambiguous(text, same);
  const rows = found.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" }) || a.id - b.id).slice(0, 11);
  if (rows.length === 1) return rows[0]!;
  if (rows.length > 1) throw ambiguous(text, rows);
  throw notFound(`no contact matches ${quote(text)}`, "use an id, an exact email or part of a name; see `crm contact list`");
}

function ambiguous(ref: string, rows: ContactRef[]) {
  const shown = rows
    .slice(0, 10)
    .map((r) => `#${r.id} ${r.name}`)
    .join(", ");
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
  const count = (table: string) => store.sqlite.prepare<[number], CountRow>(`select count(*) n from ${table} where contact_id = ?`).get(id)!.n;
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
    // Their purchases go with them (a cascade): the customer analytics change.
    if (store.sqlite.prepare("select 1 from purchases where contact_id = ? limit 1").get(id)) purchasesChanged(store);
    const { changes } = store.sqlite.prepare("delete from contacts where id = ?").run(id);
    if (!changes) throw notFound(`no contact #${id}`);
  });
}

/**
 * Merges `otherId` into `keepId`: every linked record moves to the kept contact, tags are unioned,
 * the other's emails, phones, websites and addresses are added after the kept contact's own
 * (./merge.ts), other fields and empty details filled from the other (the kept contact's value wins on
 * a clash), notes joined; then the other contact is removed. One transaction.
 */
export function mergeContacts(store: Store, keepId: number, otherId: number, now: Date): void {
  if (keepId === otherId) throw usageError("cannot merge a contact with itself", "give two different contacts");
  inTransaction(store, () => {
    const s = store.sqlite;
    for (const table of ["interactions", "followups", "deals", "purchases", "responses"]) {
      const { changes } = s.prepare(`update ${table} set contact_id = ? where contact_id = ?`).run(keepId, otherId);
      if (table === "purchases" && changes) purchasesChanged(store);
    }
    assertTotalsFit(store, keepId);
    s.prepare("insert or ignore into contact_tags(contact_id, tag_id) select ?, tag_id from contact_tags where contact_id = ?").run(keepId, otherId);
    // Both people's emails, phones, websites and addresses are kept; the kept contact's details win.
    const details = (id: number): ContactDetails => {
      const row = s
        .prepare<[number], Omit<ContactDetails, "fields">>("select name, email, phone, company, title, note, cadence, source from contacts where id = ?")
        .get(id)!;
      const fields = s.prepare<[number], { key: string; value: string }>("select key, value from contact_fields where contact_id = ?").all(id);
      return { ...row, fields: new Map(fields.map((f) => [f.key, f.value])) };
    };
    const { fields, ...merged } = mergeContactDetails(details(keepId), details(otherId), false);
    const created = s
      .prepare<[number, number], { createdAt: string }>("select min(created_at) as createdAt from contacts where id in (?, ?)")
      .get(keepId, otherId)!.createdAt;
    s.prepare(
      `update contacts set email = @email, phone = @phone, company = @company, title = @title, cadence = @cadence, source = @source,
       note = @note, created_at = @created, updated_at = @updated where id = @id`,
    ).run({ ...merged, created, updated: now.toISOString(), id: keepId });
    s.prepare("delete from contact_fields where contact_id = ?").run(keepId);
    const insertField = s.prepare("insert into contact_fields(contact_id, key, value) values (?, ?, ?)");
    for (const [key, value] of fields) insertField.run(keepId, key, value);
    s.prepare("delete from contacts where id = ?").run(otherId);
  });
}

// `crm import contacts`: people from a CSV (Google Contacts, Outlook, HubSpot, crm's own export, or any
// file with a column mapping) or a vCard file (phones, Apple/Google contacts). Duplicates are matched by
// email, case-insensitively, and skipped, updated or refused, as the user chooses.
import fs from "node:fs";
import type { Store } from "../../db/open.js";
import { usageError, quote } from "../../errors.js";
import { headerKey } from "../../io/csv.js";
import { formatInterval, parseInterval } from "../../io/dates.js";
import { addNumberedField, parseVcard, splitVcards, type Labelled, type VcardContact } from "../../io/vcard.js";
import { normaliseEmail, normaliseTag } from "../contacts/contacts.js";
import { mergeContactDetails, sameDetails, type ContactDetails } from "../contacts/merge.js";
import {
  ColumnMapError,
  InvalidRow,
  noSuchColumn,
  rejectsColumns,
  runImport,
  unknownTarget,
  type ImportOptions,
  type ImportReport,
  type Importer,
  type RecordSource,
} from "./engine.js";
import { openImportSource, type ReadOptions } from "./source.js";

export type OnDuplicate = "skip" | "update" | "error";
export const ON_DUPLICATE: readonly OnDuplicate[] = ["skip", "update", "error"];

export type ContactFileFormat = "csv" | "vcf";

export interface ContactImportOptions extends ImportOptions, ReadOptions {
  /** Default: from the file's extension or content. */
  format?: ContactFileFormat;
  /** Source column → target field. */
  map?: ReadonlyMap<string, string>;
  /** Default: skip. */
  onDuplicate?: OnDuplicate;
  source?: string;
}

/** A contact as the file gives it, before validation (CSV columns and vCards both become this). */
type RawContact = VcardContact & { nickname?: string; fieldsJson?: string; createdAt?: string };

// ---------------------------------------------------------------------------------------------
// Recognised CSV columns

type Role =
  | {
      kind:
        | "name"
        | "first"
        | "middle"
        | "last"
        | "prefix"
        | "suffix"
        | "nickname"
        | "company"
        | "title"
        | "note"
        | "tags"
        | "fields"
        | "cadence"
        | "source"
        | "createdAt"
        | "ignore";
    }
  /** `label`: what the column's header says (Outlook's "Business Phone"); `labelIndex`: Google's "- Label" column. */
  | { kind: "email" | "phone"; rank: number; label?: string; labelIndex?: number }
  | { kind: "field"; key: string }
  /** One part of an address split over columns (Outlook's "Business City"): joined, in `order`, into one `address`. */
  | { kind: "addressPart"; group: string; order: number; labelIndex?: number }
  /** Thunderbird's "Birth Year", "Birth Month", "Birth Day": one birthday. */
  | { kind: "birthPart"; part: "year" | "month" | "day" }
  /** Google's "Custom Field 1 - Value" (and Event, Relation): a field named by its "- Label" column. */
  | { kind: "labelled"; labelIndex: number | undefined; fallback: string };

const FIXED: Record<string, Role> = {};
const put = (kind: Role["kind"], keys: string[], extra: Record<string, unknown> = {}) => {
  for (const k of keys) FIXED[k] = { kind, ...extra } as Role;
};
put("name", ["name", "fullname", "displayname", "contactname", "formattedname", "fn"]);
put("first", ["firstname", "givenname", "first", "forename"]);
put("middle", ["middlename", "additionalname", "middle"]);
put("last", ["lastname", "familyname", "surname", "last"]);
put("prefix", ["nameprefix", "prefix", "salutation"]);
put("suffix", ["namesuffix", "suffix"]);
put("nickname", ["nickname"]);
put("company", [
  "company",
  "companyname",
  "organization",
  "organisation",
  "organizationname",
  "organization1name",
  "org",
  "employer",
  "associatedcompany",
  "accountname",
]);
put("title", ["jobtitle", "organizationtitle", "organization1title", "position", "role"]);
put("note", ["notes", "note", "comments", "comment", "about"]);
put("tags", ["tags", "tag", "labels", "groupmembership", "categories", "groups", "lists"]);
put("fields", ["fields"]);
put("cadence", ["cadence"]);
put("source", ["source"]);
put("createdAt", ["createdat"]);
// crm's own export columns that are computed, and address-book noise that carries no information.
put("ignore", ["id", "lastinteractionat", "updatedat", "photo", "fileas", "sensitivity", "priority", "private", "initials"]);
for (const [key, field] of Object.entries({
  birthday: "birthday",
  birthdate: "birthday",
  dateofbirth: "birthday",
  dob: "birthday",
  bday: "birthday",
  department: "department",
  organizationdepartment: "department",
  organization1department: "department",
  anniversary: "anniversary",
  website: "website",
  webpage: "website",
  webpage1: "website",
  webpage2: "website",
  website1value: "website",
  website2value: "website",
  personalwebpage: "website",
  websiteurl: "website",
  url: "website",
  homepage: "website",
  address: "address",
}))
  FIXED[key] = { kind: "field", key: field };
for (const [key, part] of Object.entries({ birthyear: "year", birthmonth: "month" } as const)) FIXED[key] = { kind: "birthPart", part };

/** The parts of an address in the order they are joined: street lines, PO box, city, region, code, country. */
const ADDRESS_PARTS: [RegExp, number][] = [
  [/^(?:street|address|streetaddress|address1)$/, 1],
  [/^(?:street2|address2)$/, 2],
  [/^street3$/, 3],
  [/^(?:pobox|addresspobox)$/, 4],
  [/^city$/, 5],
  [/^(?:state|region|county|stateregion|province)$/, 6],
  [/^(?:postalcode|zipcode|zip|postcode)$/, 7],
  [/^(?:country|countryregion)$/, 8],
];

/**
 * Outlook's "Business Street"/"Home City", Thunderbird's "Work Address 2"/"Home ZipCode", Google's
 * "Address 1 - Street": a part of the work, home or other address. Undefined for any other column.
 */
function addressPart(key: string): { group: string; order: number } | undefined {
  const m = /^(business|work|home|other|address\d+)(.+)$/.exec(key);
  if (!m) return undefined;
  const order = ADDRESS_PARTS.find(([re]) => re.test(m[2]!))?.[1];
  if (order === undefined) return undefined;
  return { group: m[1] === "business" ? "work" : m[1]!, order };
}

/** Outlook's and Thunderbird's phone columns, most likely "the" number first. */
const PHONE_COLUMNS = [
  "primaryphone",
  "phone",
  "phonenumber",
  "telephone",
  "tel",
  "mobile",
  "mobilephone",
  "mobilephonenumber",
  "mobilenumber",
  "cellphone",
  "cell",
  "businessphone",
  "workphone",
  "businessphone2",
  "homephone",
  "homephone2",
  "otherphone",
  "carphone",
  "companymainphone",
  "companymaintelephone",
  "businessfax",
  "homefax",
  "otherfax",
  "faxnumber",
  "pager",
  "pagernumber",
];
const EMAIL_NAMED = ["primaryemail", "secondaryemail", "workemail", "businessemail", "homeemail", "personalemail", "otheremail"];

/** The label a named column gives its number or address: "Business Phone 2" → work, "Mobile Phone" → mobile. */
function labelOfHeader(key: string): string | undefined {
  if (/fax/.test(key)) return key.startsWith("home") ? "home fax" : key.startsWith("other") ? "other fax" : key.startsWith("business") ? "work fax" : "fax";
  if (/pager/.test(key)) return "pager";
  if (/^(business|work)/.test(key)) return "work";
  if (/^(home|personal)/.test(key)) return "home";
  if (/^(mobile|cell)/.test(key)) return "mobile";
  if (/^companymain/.test(key)) return "main";
  if (/^car/.test(key)) return "car";
  if (/^other/.test(key)) return "other";
  return undefined;
}

/** Google's "* Work" (the star marks the primary one) → "work". */
const cleanLabel = (label: string | undefined) =>
  label
    ?.replace(/^\*\s*/, "")
    .trim()
    .toLowerCase() || undefined;

function roleOf(header: string, hasJobTitle: boolean): Role | undefined {
  const key = headerKey(header);
  // Outlook: "Title" is the name prefix (Mr., Dr.) when a "Job Title" column exists.
  if (key === "title") return hasJobTitle ? { kind: "prefix" } : { kind: "title" };
  if (FIXED[key]) return FIXED[key];
  // Google "E-mail 1 - Value", Outlook "E-mail 2 Address", generic "Email", "Email 2", "Email Address".
  let m = /^email(\d*)(?:address|value)?(\d*)$/.exec(key) ?? /^emailaddress(\d*)$/.exec(key);
  if (m) return { kind: "email", rank: Number(m[1] || m[2] || 1) };
  if (EMAIL_NAMED.includes(key)) return { kind: "email", rank: 50 + EMAIL_NAMED.indexOf(key), label: labelOfHeader(key) };
  m = /^phone(\d+)value$/.exec(key);
  if (m) return { kind: "phone", rank: Number(m[1]) };
  if (PHONE_COLUMNS.includes(key)) return { kind: "phone", rank: PHONE_COLUMNS.indexOf(key), label: labelOfHeader(key) };
  // Google's label/type columns describe the neighbouring value; phonetic spellings; address parts
  // when the formatted address is there.
  if (/^(email|phone|address|website|organization|relation|event|im|externalid|customfield)\d+(label|type)$/.test(key)) return { kind: "ignore" };
  // Outlook's "E-mail Type" (SMTP) and "E-mail Display Name" repeat the address.
  if (/^email\d*(type|displayname)$/.test(key)) return { kind: "ignore" };
  if (/phonetic|yomi/.test(key)) return { kind: "ignore" };
  return undefined;
}

const MAP_TARGETS = [
  "name",
  "first_name",
  "middle_name",
  "last_name",
  "email",
  "phone",
  "company",
  "title",
  "note",
  "tags",
  "birthday",
  "cadence",
  "source",
  "field:<key>",
  "ignore",
];

function roleOfTarget(target: string): Role | undefined {
  const t = target.trim().toLowerCase();
  const simple: Record<string, Role> = {
    name: { kind: "name" },
    first_name: { kind: "first" },
    middle_name: { kind: "middle" },
    last_name: { kind: "last" },
    email: { kind: "email", rank: 0 },
    phone: { kind: "phone", rank: -1 },
    company: { kind: "company" },
    title: { kind: "title" },
    note: { kind: "note" },
    tags: { kind: "tags" },
    fields: { kind: "fields" },
    birthday: { kind: "field", key: "birthday" },
    cadence: { kind: "cadence" },
    source: { kind: "source" },
    ignore: { kind: "ignore" },
    "-": { kind: "ignore" },
  };
  if (simple[t]) return simple[t];
  if (t.startsWith("field:") && target.trim().slice(6).trim()) return { kind: "field", key: target.trim().slice(6).trim() };
  return undefined;
}

/** How each column of a contacts CSV is read: the mapping first, then recognised headers, else a custom field. */
function columnRoles(header: readonly string[], file: string, map: ReadonlyMap<string, string> = new Map()): Role[] {
  const roles: (Role | undefined)[] = header.map(() => undefined);
  for (const [source, target] of map) {
    let i = header.indexOf(source);
    if (i < 0) i = header.findIndex((h) => headerKey(h) === headerKey(source));
    if (i < 0) throw noSuchColumn(file, source, header);
    const role = roleOfTarget(target);
    if (!role) throw unknownTarget(target, "a contact field", MAP_TARGETS);
    roles[i] = role;
  }
  for (const i of rejectsColumns(header)) roles[i] ??= { kind: "ignore" };
  const keys = header.map(headerKey);
  const hasJobTitle = keys.includes("jobtitle");
  const hasFormattedAddress = keys.some((k) => /^address\d*formatted$/.test(k));
  return header.map((h, i) => {
    if (roles[i]) return roles[i]!;
    // A preset's renamed column is headed by its target ("field:profile linkedin").
    if (/^field:/i.test(h)) return roleOfTarget(h) ?? { kind: "field", key: h.trim() };
    // Google's "E-mail 1 - Value" and "Phone 1 - Value" have their label in "… 1 - Label".
    const numbered = /^(email|phone)(\d+)value$/.exec(keys[i]!);
    if (numbered) {
      const role = roleOf(h, hasJobTitle) as Extract<Role, { kind: "email" | "phone" }>;
      const label = keys.findIndex((k) => k === `${numbered[1]}${numbered[2]}label` || k === `${numbered[1]}${numbered[2]}type`);
      return label >= 0 ? { ...role, labelIndex: label } : role;
    }
    const pair = /^(customfield|event|relation)(\d+)value$/.exec(keys[i]!);
    if (pair) {
      const label = keys.findIndex((k) => k === `${pair[1]}${pair[2]}label` || k === `${pair[1]}${pair[2]}type`);
      return {
        kind: "labelled",
        labelIndex: label >= 0 ? label : undefined,
        fallback: h
          .replace(/\s*-\s*value$/i, "")
          .trim()
          .toLowerCase(),
      };
    }
    // Google's "Address 1 - Formatted" is the whole address (its parts are left out), labelled by "- Label".
    const formatted = /^(address\d+)formatted$/.exec(keys[i]!);
    if (formatted) {
      const label = keys.findIndex((k) => k === `${formatted[1]}label` || k === `${formatted[1]}type`);
      return { kind: "addressPart", group: formatted[1]!, order: 0, labelIndex: label >= 0 ? label : undefined };
    }
    if (hasFormattedAddress && /^address\d+(street|city|pobox|region|postalcode|country|extendedaddress)$/.test(keys[i]!)) return { kind: "ignore" };
    // "Birth Day" beside "Birth Month" is a day of the month; alone, "Birthday" is the date.
    if (keys[i] === "birthday") return keys.includes("birthmonth") ? { kind: "birthPart", part: "day" } : { kind: "field", key: "birthday" };
    const part = addressPart(keys[i]!);
    if (part) {
      const label = /^address\d+$/.test(part.group) ? keys.findIndex((k) => k === `${part.group}label` || k === `${part.group}type`) : -1;
      return { kind: "addressPart", ...part, labelIndex: label >= 0 ? label : undefined };
    }
    return roleOf(h, hasJobTitle) ?? { kind: "field", key: h.trim() };
  });
}

/** Google puts several values in one cell separated by " ::: ". */
const multi = (value: string) =>
  value
    .split(/\s+:::\s+/)
    .map((v) => v.trim())
    .filter(Boolean);

/** Tags from "a;b", "a, b" or Google's "* myContacts ::: Friends" (system groups, "* …", dropped). */
function splitTags(value: string): string[] {
  return value
    .split(/\s*(?::::|;|,)\s*/)
    .map((t) => t.trim())
    .filter((t) => t && !t.startsWith("* ") && t !== "*");
}

/** Thunderbird's Birth Year/Month/Day as one date: YYYY-MM-DD, or --MM-DD without a year. */
function birthdayOf(birth: Partial<Record<"year" | "month" | "day", string>>): string | undefined {
  const { year, month, day } = birth;
  if (!month || !day || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return [year, month, day].filter(Boolean).join("-") || undefined;
  const md = `${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  return year && /^\d{4}$/.test(year) ? `${year}-${md}` : `--${md}`;
}

/** Outlook writes "0/0/00" for an empty date. */
const emptyDate = (v: string) => /^0{1,2}\/0{1,2}\/0{2,4}$/.test(v);

function rawFromCells(cells: readonly string[], roles: readonly Role[], header: readonly string[]): RawContact {
  const raw: RawContact = { emails: [], phones: [], tags: [], fields: [] };
  const emails: [number, Labelled][] = [];
  const phones: [number, Labelled][] = [];
  const addresses = new Map<string, { label?: string; parts: [number, string][] }>();
  const birth: Partial<Record<"year" | "month" | "day", string>> = {};
  cells.forEach((cellText, i) => {
    // One spelling of a line break in stored text, whatever the file used.
    const value = cellText.trim().replace(/\r\n?/g, "\n");
    const role = roles[i];
    if (!value || !role || role.kind === "ignore") return;
    switch (role.kind) {
      case "email":
      case "phone": {
        const label = role.label ?? cleanLabel(role.labelIndex === undefined ? undefined : cells[role.labelIndex]);
        for (const v of multi(value)) (role.kind === "email" ? emails : phones).push([role.rank, { value: v, label }]);
        return;
      }
      case "tags":
        raw.tags.push(...splitTags(value));
        return;
      case "fields":
        raw.fieldsJson = value;
        return;
      case "labelled": {
        const label = role.labelIndex === undefined ? "" : (cells[role.labelIndex] ?? "").trim();
        raw.fields.push([label || role.fallback, value]);
        return;
      }
      case "field":
        if (emptyDate(value) || (headerKey(header[i]!) === "gender" && value.toLowerCase() === "unspecified")) return;
        if (role.key === "website") addNumberedField(raw.fields, "website", value);
        else raw.fields.push([role.key, value]);
        return;
      case "addressPart": {
        const address = addresses.get(role.group) ?? addresses.set(role.group, { parts: [] }).get(role.group)!;
        address.parts.push([role.order, value]);
        const label = role.labelIndex === undefined ? undefined : cleanLabel(cells[role.labelIndex]);
        address.label ??= label ?? (/^address\d+$/.test(role.group) ? undefined : role.group);
        return;
      }
      case "birthPart":
        birth[role.part] = value;
        return;
      case "nickname":
        raw.nickname = value;
        raw.fields.push(["nickname", value]);
        return;
      case "note":
        raw.note = raw.note ? `${raw.note}\n${value}` : value;
        return;
      default:
        if (raw[role.kind] === undefined) raw[role.kind] = value;
    }
  });
  for (const { label, parts } of addresses.values())
    addNumberedField(
      raw.fields,
      "address",
      parts
        .sort((a, b) => a[0] - b[0])
        .map(([, v]) => v)
        .join(", "),
      label,
    );
  const birthday = birthdayOf(birth);
  if (birthday) raw.fields.push(["birthday", birthday]);
  // Stable sort by rank keeps file order among equals.
  raw.emails = emails.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  raw.phones = phones.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Validation and writing

interface ContactRow extends ContactDetails {
  /** True when the name was made up (from the email or company) and must not overwrite a real one. */
  nameIsFallback: boolean;
  tags: string[];
  createdAt: string | null;
}

function validateContact(raw: RawContact, defaultSource: string | undefined): ContactRow {
  const fields = new Map<string, string>();
  if (raw.fieldsJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.fieldsJson);
    } catch {
      throw new InvalidRow(`the fields column is not a JSON object: ${quote(raw.fieldsJson)}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw new InvalidRow(`the fields column is not a JSON object: ${quote(raw.fieldsJson)}`);
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (v === null || v === undefined || String(v).trim() === "") continue;
      if (!k.trim()) throw new InvalidRow("the fields column has an empty field name");
      fields.set(k.trim(), typeof v === "string" ? v : JSON.stringify(v));
    }
  }
  for (const [k, v] of raw.fields) if (!fields.has(k) && v.trim()) fields.set(k, v.trim());
  if (raw.prefix) fields.set("name prefix", raw.prefix);
  if (raw.suffix) fields.set("name suffix", raw.suffix);

  // The first email and phone go on the contact, the others in fields `email 2`, `phone 2`…; each
  // label beside its value (`email label`, `email 2 label`). The same address twice is kept once.
  let email: string | null = null;
  const emails = uniqueLabelled(raw.emails, (e) => e.toLowerCase());
  const [first] = emails;
  if (first !== undefined) {
    try {
      email = normaliseEmail(first.value);
    } catch {
      throw new InvalidRow(`invalid email ${quote(first.value)}`);
    }
  }
  setNumbered(
    fields,
    "email",
    emails.map((e) => ({ ...e, value: e.value.toLowerCase() })),
  );
  const phones = uniqueLabelled(raw.phones, phoneKey);
  const phone = phones[0]?.value;
  setNumbered(fields, "phone", phones);

  const built = [raw.first, raw.middle, raw.last].filter(Boolean).join(" ").trim();
  const realName = raw.name?.trim() || built;
  const name = realName || raw.nickname || raw.company || email || phone;
  if (!name) throw new InvalidRow("no name, email, phone or company: nothing to identify the contact by");
  if (name.length > 10_000) throw new InvalidRow("the name is longer than 10,000 characters");

  const tags: string[] = [];
  for (const t of raw.tags) {
    try {
      const tag = normaliseTag(t);
      if (!tags.some((x) => x.toLowerCase() === tag.toLowerCase())) tags.push(tag);
    } catch {
      throw new InvalidRow(`invalid tag ${quote(t)}: a tag is up to 64 characters without commas or line breaks`);
    }
  }
  let cadence: string | null = null;
  if (raw.cadence) {
    try {
      cadence = formatInterval(parseInterval(raw.cadence, "cadence"));
    } catch {
      throw new InvalidRow(`invalid cadence ${quote(raw.cadence)}: use an interval like 30d, 2w, 1m`);
    }
  }
  let createdAt: string | null = null;
  if (raw.createdAt) {
    const d = new Date(raw.createdAt);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(raw.createdAt) || Number.isNaN(d.getTime()))
      throw new InvalidRow(`invalid createdAt ${quote(raw.createdAt)}: use an ISO 8601 timestamp`);
    createdAt = d.toISOString();
  }
  return {
    name,
    nameIsFallback: !realName,
    email,
    phone: phone ?? null,
    company: raw.company ?? null,
    title: raw.title ?? null,
    note: raw.note ?? null,
    cadence,
    source: raw.source ?? defaultSource ?? null,
    tags,
    fields,
    createdAt,
  };
}

/** Digits (and a leading +) of a number: "+44 20 7946-0001" and "+442079460001" are the same phone. */
const phoneKey = (p: string) => p.replace(/[^\d+]/g, "");

function uniqueLabelled(values: readonly Labelled[], key: (v: string) => string): Labelled[] {
  const out: Labelled[] = [];
  for (const v of values) {
    const same = out.find((o) => key(o.value) === key(v.value));
    if (!same) out.push({ value: v.value.trim(), label: v.label });
    else same.label ??= v.label;
  }
  return out;
}

/** `email label` for the first; `email 2` and `email 2 label` for the second… */
function setNumbered(fields: Map<string, string>, key: string, values: readonly Labelled[]): void {
  values.forEach((v, i) => {
    const slot = i === 0 ? key : `${key} ${i + 1}`;
    if (i > 0) fields.set(slot, v.value);
    if (v.label) fields.set(`${slot} label`, v.label);
  });
}

interface Validated {
  row: ContactRow;
}

function contactImporter(
  store: Store,
  now: Date,
  onDuplicate: OnDuplicate,
  defaultSource: string | undefined,
  toRaw: (cells: string[]) => RawContact,
): Importer<Validated> {
  const s = store.sqlite;
  const stamp = now.toISOString();
  // Without an email, the same name and phone (and no email on record) is the same person.
  const noEmailKey = (name: string, phone: string | null) => `${name.trim().toLowerCase()}\u0000${phone ?? ""}`;
  const byEmail = new Map<string, number>();
  const byNamePhone = new Map<string, number>();
  const tagIds = new Map<string, number>();
  let loaded = false;
  // Read on first use, which is inside the import's write transaction: loaded any earlier, the maps
  // would miss contacts another process adds while this one waits for the lock (duplicates).
  const loadKnown = () => {
    if (loaded) return;
    loaded = true;
    for (const r of s.prepare("select id, email from contacts where email is not null order by id desc").iterate() as Iterable<{ id: number; email: string }>)
      byEmail.set(r.email.toLowerCase(), r.id);
    for (const r of s.prepare("select id, name, phone from contacts where email is null order by id desc").iterate() as Iterable<{
      id: number;
      name: string;
      phone: string | null;
    }>)
      byNamePhone.set(noEmailKey(r.name, r.phone), r.id);
    for (const r of s.prepare("select id, name from tags").iterate() as Iterable<{ id: number; name: string }>) tagIds.set(r.name.toLowerCase(), r.id);
  };
  /** Emails (or names and phones) seen earlier in this file, with their line: duplicates there count too. */
  const seen = new Map<string, number>();

  const insertContact = s.prepare(
    `insert into contacts(name, email, phone, company, title, note, cadence, source, created_at, updated_at)
     values (@name, @email, @phone, @company, @title, @note, @cadence, @source, @createdAt, @updatedAt) returning id`,
  );
  const insertTag = s.prepare("insert into tags(name) values (?) on conflict do nothing returning id");
  const findTag = s.prepare("select id from tags where name = ? collate nocase");
  const linkTag = s.prepare("insert or ignore into contact_tags(contact_id, tag_id) values (?, ?)");
  const setField = s.prepare(
    "insert into contact_fields(contact_id, key, value) values (?, ?, ?) on conflict(contact_id, key) do update set value = excluded.value",
  );
  const getContact = s.prepare("select name, email, phone, company, title, note, cadence, source from contacts where id = ?");
  const clearFields = s.prepare("delete from contact_fields where contact_id = ?");
  const getTags = s.prepare("select lower(t.name) as name from contact_tags ct join tags t on t.id = ct.tag_id where ct.contact_id = ?").pluck();
  const getFields = s.prepare("select key, value from contact_fields where contact_id = ?");
  const updateContact = s.prepare(
    `update contacts set name = @name, email = @email, phone = @phone, company = @company, title = @title, note = @note, cadence = @cadence,
     source = @source, updated_at = @updatedAt where id = @id`,
  );

  const tagId = (name: string): number => {
    const key = name.toLowerCase();
    let id = tagIds.get(key);
    if (id === undefined) {
      const inserted = insertTag.get(name) as { id: number } | undefined;
      id = inserted?.id ?? (findTag.get(name) as { id: number }).id;
      tagIds.set(key, id);
    }
    return id;
  };
  const link = (contactId: number, row: ContactRow) => {
    for (const t of row.tags) linkTag.run(contactId, tagId(t));
    for (const [k, v] of row.fields) setField.run(contactId, k, v);
  };

  return {
    validate({ line, cells }) {
      loadKnown();
      const row = validateContact(toRaw(cells), defaultSource);
      const key = row.email ?? noEmailKey(row.name, row.phone);
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, line);
      if (onDuplicate === "error") {
        const what =
          row.email !== null
            ? `email ${quote(row.email)}`
            : `name ${quote(row.name)}${row.phone ? ` and phone ${quote(row.phone)}` : " and no email or phone"}`;
        const existing = row.email !== null ? byEmail.get(row.email) : byNamePhone.get(key);
        if (existing !== undefined && earlier === undefined) throw new InvalidRow(`a contact with ${what} already exists (#${existing})`, true);
        if (earlier !== undefined) throw new InvalidRow(`the ${what} ${row.email !== null ? "is" : "are"} also on line ${earlier}`, true);
      }
      return { row };
    },
    write({ row }) {
      loadKnown();
      const existing = row.email !== null ? byEmail.get(row.email) : byNamePhone.get(noEmailKey(row.name, row.phone));
      if (existing === undefined) {
        const { id } = insertContact.get({
          name: row.name,
          email: row.email,
          phone: row.phone,
          company: row.company,
          title: row.title,
          note: row.note,
          cadence: row.cadence,
          source: row.source,
          createdAt: row.createdAt ?? stamp,
          updatedAt: stamp,
        }) as { id: number };
        link(id, row);
        if (row.email !== null) byEmail.set(row.email, id);
        else byNamePhone.set(noEmailKey(row.name, row.phone), id);
        return "added";
      }
      if (onDuplicate !== "update") return "skipped";
      // Merged, never overwritten: emails, phones, websites and addresses the contact lacks are added
      // with their labels; the file's other non-empty values win; nothing already there is dropped.
      const old = getContact.get(existing) as Omit<ContactDetails, "fields">;
      const before: ContactDetails = {
        ...old,
        fields: new Map((getFields.all(existing) as { key: string; value: string }[]).map((f) => [f.key, f.value])),
      };
      const merged = mergeContactDetails(before, { ...row, name: row.nameIsFallback ? old.name : row.name }, true);
      const oldTags = new Set(getTags.all(existing) as string[]);
      if (sameDetails(before, merged) && row.tags.every((t) => oldTags.has(t.toLowerCase()))) return "skipped";
      const { fields, ...columns } = merged;
      updateContact.run({ ...columns, updatedAt: stamp, id: existing });
      clearFields.run(existing);
      link(existing, { ...row, fields });
      return "updated";
    },
    searchIndexed: "contacts",
  };
}

// ---------------------------------------------------------------------------------------------
// Sources

function detectFormat(file: string, requested: ContactFileFormat | undefined): ContactFileFormat {
  if (requested !== undefined) return requested;
  if (/\.(vcf|vcard)$/i.test(file)) return "vcf";
  if (/\.(csv|tsv|txt)$/i.test(file)) return "csv";
  try {
    const fd = fs.openSync(file, "r");
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, 512, 0);
    fs.closeSync(fd);
    if (
      /^\s*BEGIN:VCARD/i.test(
        head
          .subarray(0, n)
          .toString("utf8")
          .replace(/^\ufeff/, ""),
      )
    )
      return "vcf";
  } catch {
    // openCsv reports a missing or unreadable file with the right message.
  }
  return "csv";
}

function vcardSource(file: string): { source: RecordSource; header: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usageError(code === "ENOENT" ? `no such file ${quote(file)}` : `cannot read ${quote(file)}: ${code}`, "check the path");
  }
  const cards = splitVcards(text);
  if (!cards.length) throw usageError(`${quote(file)} holds no vCard (no BEGIN:VCARD line)`, "export the contacts as vCard (.vcf) and import that file");
  const size = Buffer.byteLength(text);
  let done = 0;
  return {
    header: ["card"],
    source: {
      file,
      size,
      bytesRead: () => done,
      async *records() {
        for (const card of cards) {
          done += Buffer.byteLength(card.text);
          yield { line: card.line, cells: [card.text] };
        }
      },
    },
  };
}

export async function importContacts(
  store: Store,
  file: string,
  now: Date,
  opts: ContactImportOptions = {},
): Promise<{ report: ImportReport; header: string[] }> {
  const onDuplicate = opts.onDuplicate ?? "skip";
  const source = opts.source?.trim() || undefined;
  if (detectFormat(file, opts.format) === "vcf") {
    if (opts.map?.size)
      throw new ColumnMapError("a column mapping applies to CSV files, not vCards", "vCard properties are recognised by name", { kind: "not-csv" });
    if (opts.preset !== undefined)
      throw usageError(
        `the preset ${quote(opts.preset)} describes a CSV export, and ${quote(file)} is a vCard file`,
        "vCard properties are recognised by name: drop the preset",
      );
    const { source: records, header } = vcardSource(file);
    const toRaw = (cells: string[]): RawContact => {
      try {
        return parseVcard(cells[0]!);
      } catch (err) {
        throw new InvalidRow((err as Error).message);
      }
    };
    return { report: await runImport(store, records, contactImporter(store, now, onDuplicate, source, toRaw), opts), header };
  }
  const csv = await openImportSource(file, "contacts", opts);
  const roles = columnRoles(csv.header, file, csv.map);
  if (!roles.some((r) => ["name", "first", "last", "email", "company", "phone"].includes(r.kind)))
    throw new ColumnMapError(
      `${quote(file)} has no name, email, phone or company column; its columns are: ${csv.header.map((h) => JSON.stringify(h)).join(", ")}`,
      'map columns to them, e.g. "Full Name=name,Mail=email"',
      { kind: "missing-column", example: "Full Name=name,Mail=email" },
    );
  const toRaw = (cells: string[]) => rawFromCells(cells, roles, csv.header);
  return { report: await runImport(store, csv, contactImporter(store, now, onDuplicate, source, toRaw), opts), header: csv.header };
}

// vCard (RFC 2426 v3.0, RFC 6350 v4.0) in and out through ical.js: reading cards from phones and
// address books (folded lines, several EMAIL/TEL, N/FN, ORG, TITLE, NOTE, BDAY, CATEGORIES), and
// writing vCard 4.0 that other apps read and that crm reads back without loss (X-CRM-* properties).
import ICAL from "ical.js";
import type { ContactRow } from "../db/rows.js";

/** A contact as a vCard describes it, before crm's validation. Emails and phones in preference order. */
export interface VcardContact {
  name?: string;
  first?: string;
  middle?: string;
  last?: string;
  prefix?: string;
  suffix?: string;
  emails: string[];
  phones: string[];
  company?: string;
  title?: string;
  note?: string;
  tags: string[];
  fields: [string, string][];
  cadence?: string;
  source?: string;
}

export interface VcardBlock {
  /** The line of BEGIN:VCARD. */
  line: number;
  text: string;
}

/** Splits a file into its cards (BEGIN:VCARD … END:VCARD), remembering where each begins. */
export function splitVcards(text: string): VcardBlock[] {
  const blocks: VcardBlock[] = [];
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim().toUpperCase();
    if (l === "BEGIN:VCARD") start = i;
    else if (l === "END:VCARD" && start >= 0) {
      blocks.push({ line: start + 1, text: lines.slice(start, i + 1).join("\r\n") + "\r\n" });
      start = -1;
    }
  }
  if (start >= 0) blocks.push({ line: start + 1, text: lines.slice(start).join("\r\n") });
  return blocks;
}

const str = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s === "" ? undefined : s;
};

/** Text of a property ical.js does not know (X-…): unescaped by hand, the way TEXT values are. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function textOf(prop: ICAL.Property): string | undefined {
  const v = prop.getFirstValue();
  if (typeof v !== "string") return str(v);
  return str(prop.type === "unknown" ? unescapeText(v) : v);
}

function params(prop: ICAL.Property, name: string): string[] {
  const p = prop.getParameter(name);
  if (p === undefined || p === null) return [];
  return (Array.isArray(p) ? p : [p]).flatMap((x) => String(x).split(",")).map((x) => x.trim().toLowerCase());
}

/** Preference order: vCard 4 PREF=1..100 (1 first), vCard 3 TYPE=PREF, then file order. */
function byPreference(props: ICAL.Property[]): ICAL.Property[] {
  const rank = (p: ICAL.Property) => {
    const pref = Number(params(p, "pref")[0]);
    if (Number.isFinite(pref) && pref > 0) return pref;
    return params(p, "type").includes("pref") ? 1 : 101;
  };
  return props
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.p);
}

/** Reads one card. Throws an Error with a one-line reason when it cannot be read. */
export function parseVcard(text: string): VcardContact {
  const version = /^VERSION:\s*(\S+)/im.exec(text)?.[1];
  if (version === "2.1") throw new Error("vCard 2.1 is not supported: export the contacts as vCard 3.0 or 4.0");
  let card: ICAL.Component;
  try {
    const parsed = ICAL.parse(text);
    card = new ICAL.Component(parsed as unknown[]);
  } catch (err) {
    throw new Error(`cannot read this vCard: ${(err as Error).message.split("\n")[0]}`);
  }
  if (card.name !== "vcard") throw new Error(`expected a vCard, found ${card.name.toUpperCase()}`);

  const out: VcardContact = { emails: [], phones: [], tags: [], fields: [] };
  out.name = str(card.getFirstPropertyValue("fn"));
  const n = card.getFirstProperty("n")?.getFirstValue();
  if (Array.isArray(n)) {
    // N: family; given; additional; prefixes; suffixes (each may itself be a list).
    const part = (i: number) => str(Array.isArray(n[i]) ? (n[i] as unknown[]).join(" ") : n[i]);
    out.last = part(0);
    out.first = part(1);
    out.middle = part(2);
    out.prefix = part(3);
    out.suffix = part(4);
  } else if (typeof n === "string") out.last = str(n);

  out.emails = byPreference(card.getAllProperties("email"))
    .map(textOf)
    .filter((v): v is string => v !== undefined);
  out.phones = byPreference(card.getAllProperties("tel"))
    .map((p) => textOf(p)?.replace(/^tel:/i, ""))
    .filter((v): v is string => v !== undefined);

  const org = card.getFirstProperty("org");
  if (org) {
    const v = org.getFirstValue();
    const parts = (Array.isArray(v) ? v : [v]).map(str);
    out.company = parts[0];
    const departments = parts.slice(1).filter(Boolean).join(", ");
    if (departments) out.fields.push(["department", departments]);
  }
  out.title = str(card.getFirstPropertyValue("title"));
  out.note = card.getAllProperties("note").map(textOf).filter(Boolean).join("\n") || undefined;
  for (const p of card.getAllProperties("categories")) for (const v of p.getValues()) if (str(v)) out.tags.push(str(v)!);

  const bday = card.getFirstProperty("bday");
  if (bday) {
    const v = bday.getFirstValue();
    const s = str(v && typeof v === "object" && "toString" in v ? v.toString() : v);
    if (s) out.fields.push(["birthday", s.replace(/^(\d{4}-\d{2}-\d{2})T00:00:00(Z)?$/, "$1")]);
  }
  const anniversary = card.getFirstProperty("anniversary");
  if (anniversary) {
    const v = anniversary.getFirstValue();
    const a = str(v && typeof v === "object" ? v.toString() : v);
    if (a) out.fields.push(["anniversary", a]);
  }
  const nickname = card
    .getAllProperties("nickname")
    .flatMap((p) => p.getValues().map(str))
    .filter(Boolean)
    .join(", ");
  if (nickname) out.fields.push(["nickname", nickname]);
  const urls = card
    .getAllProperties("url")
    .map(textOf)
    .filter((v): v is string => v !== undefined);
  urls.forEach((u, i) => out.fields.push([i === 0 ? "website" : `website ${i + 1}`, u]));
  card.getAllProperties("adr").forEach((p, i) => {
    const v = p.getFirstValue();
    const parts = (Array.isArray(v) ? v : [v]).map((x) => str(Array.isArray(x) ? x.join(" ") : x)).filter(Boolean);
    if (parts.length) out.fields.push([i === 0 ? "address" : `address ${i + 1}`, parts.join(", ")]);
  });
  const role = str(card.getFirstPropertyValue("role"));
  if (role) out.fields.push(["role", role]);

  // crm's own properties, so a crm export reads back without loss.
  for (const p of card.getAllProperties("x-crm-field")) {
    const v = textOf(p);
    const i = v?.indexOf("=") ?? -1;
    if (v && i > 0) {
      const key = v.slice(0, i).trim();
      const idx = out.fields.findIndex(([k]) => k === key);
      if (idx >= 0) out.fields.splice(idx, 1);
      out.fields.push([key, v.slice(i + 1)]);
    }
  }
  out.cadence = str(card.getFirstProperty("x-crm-cadence") && textOf(card.getFirstProperty("x-crm-cadence")!));
  out.source = str(card.getFirstProperty("x-crm-source") && textOf(card.getFirstProperty("x-crm-source")!));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A stored contact as a card is written from: its row, its tags and fields, and a stable UID. */
export type VcardInput = Omit<ContactRow, "createdAt"> & {
  uid: string;
  tags: string[];
  fields: Record<string, string>;
};

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Family name and given names from a full name, for N (apps sort by it): the last word is the family name. */
function splitName(name: string): [string, string] {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return [name.trim(), ""];
  return [words[words.length - 1]!, words.slice(0, -1).join(" ")];
}

function textProp(card: ICAL.Component, name: string, value: string, type?: string): void {
  const p = new ICAL.Property(name);
  if (name.startsWith("x-")) p.resetType("text");
  p.setValue(value);
  if (type) p.setParameter("type", type);
  card.addProperty(p);
}

/** One contact as a vCard 4.0 (CRLF, folded at 75 octets by ical.js). */
export function contactToVcard(c: VcardInput): string {
  const card = new ICAL.Component(["vcard", [], []]);
  card.addPropertyWithValue("version", "4.0");
  card.addPropertyWithValue("uid", c.uid);
  textProp(card, "fn", c.name);
  const n = new ICAL.Property("n");
  const [family, given] = splitName(c.name);
  n.setValue([family, given, "", "", ""]);
  card.addProperty(n);
  if (c.email) textProp(card, "email", c.email);
  if (c.phone) textProp(card, "tel", c.phone);
  if (c.company) {
    const org = new ICAL.Property("org");
    org.setValue([c.company]);
    card.addProperty(org);
  }
  if (c.title) textProp(card, "title", c.title);
  if (c.note) textProp(card, "note", c.note);
  if (c.tags.length) {
    const cat = new ICAL.Property("categories");
    cat.setValues(c.tags);
    card.addProperty(cat);
  }
  const birthday = c.fields.birthday;
  if (birthday && ISO_DAY.test(birthday)) {
    const p = new ICAL.Property("bday");
    p.setValue(ICAL.VCardTime.fromDateAndOrTimeString(birthday, "date"));
    card.addProperty(p);
  }
  // Extra addresses and numbers as EMAIL/TEL too, so phones and address books see them.
  for (const [key, value] of Object.entries(c.fields)) {
    if (/^email \d+$/.test(key)) textProp(card, "email", value);
    else if (/^phone \d+$/.test(key)) textProp(card, "tel", value);
  }
  for (const [key, value] of Object.entries(c.fields)) textProp(card, "x-crm-field", `${key}=${value}`);
  if (c.cadence) textProp(card, "x-crm-cadence", c.cadence);
  if (c.source) textProp(card, "x-crm-source", c.source);
  card.addPropertyWithValue("rev", c.updatedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"));
  return card.toString() + "\r\n";
}

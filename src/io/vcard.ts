// vCard (2.1, RFC 2426 v3.0, RFC 6350 v4.0) in and out through ical.js: reading cards as phones and
// address books write them (Android's 2.1 QUOTED-PRINTABLE with a CHARSET, Apple's itemN groups with
// X-ABLabel, X-ABDATE and X-APPLE-OMIT-YEAR, Google's `\:` in URLs), and writing vCard 4.0 that other
// apps read (typed and preferred EMAIL/TEL, ADR, URL, NICKNAME, ANNIVERSARY, ORG with its department,
// N with its prefix, KIND:org) and that crm reads back without loss (X-CRM-* properties).
//
// Stored as contact fields (see README "Contact fields"): `email 2`, `phone 2`… for the numbers beyond
// the first, `email label`, `email 2 label`, `phone label`… for their work/home/mobile labels,
// `birthday` and `anniversary` (YYYY-MM-DD, or --MM-DD without a year), `nickname`, `department`,
// `name prefix`, `name suffix`, `website`, `address` (and `website 2`, `address 2`, `address label`…),
// `profile <service>` for social profiles, `im <service>` for messaging handles, `kind` = `org`.
import ICAL from "ical.js";
import type { ContactRow } from "../db/rows.js";

/** An email or phone number with the label the address book gave it (work, home, mobile…). */
export interface Labelled {
  value: string;
  label?: string;
}

/** A contact as a vCard describes it, before crm's validation. Emails and phones in preference order. */
export interface VcardContact {
  name?: string;
  first?: string;
  middle?: string;
  last?: string;
  prefix?: string;
  suffix?: string;
  emails: Labelled[];
  phones: Labelled[];
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

// ---------------------------------------------------------------------------------------------
// vCard 2.1 and QUOTED-PRINTABLE, turned into the 3.0 ical.js reads

/** Binary properties crm does not keep; in 2.1 their base64 runs over many lines, so they are dropped first. */
const BINARY = /^(?:[\w-]+\.)?(PHOTO|LOGO|SOUND|KEY)[;:]/i;

/** Properties whose value is a list of parts separated by ";" in every version. */
const STRUCTURED = /^(?:[\w-]+\.)?(N|ADR|ORG|X-ANDROID-CUSTOM)$/i;

/** Splits `a;b="c;d";e` at the semicolons outside quotes. */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  const text = value.replace(/=\r?\n/g, "");
  for (let i = 0; i < text.length; i++) {
    const m = text[i] === "=" ? /^[0-9A-Fa-f]{2}$/.exec(text.slice(i + 1, i + 3)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 16));
      i += 2;
    } else for (const b of Buffer.from(text[i]!, "utf8")) bytes.push(b);
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset || "utf-8");
  } catch {
    throw new Error(`unknown CHARSET ${JSON.stringify(charset)} in a QUOTED-PRINTABLE value`);
  }
  return decoder.decode(Uint8Array.from(bytes));
}

/**
 * Rewrites what ical.js does not read into vCard 3.0: 2.1's bare parameters (`TEL;CELL;PREF:`) become
 * TYPE values, QUOTED-PRINTABLE values (with their soft line breaks) are decoded in their CHARSET,
 * and binary properties (photos) are dropped.
 */
function toVersion3(text: string): string {
  const v21 = /^VERSION:\s*2\.1\s*$/im.test(text);
  const raw = text.split(/\r\n|\r|\n/);
  const logical: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    if (/^[ \t]/.test(line) && logical.length) {
      logical[logical.length - 1] += line.slice(1);
      continue;
    }
    // A QUOTED-PRINTABLE value ending with "=" goes on at the start of the next line.
    const head = line.slice(0, line.indexOf(":") + 1);
    if (/QUOTED-PRINTABLE/i.test(head)) while (line.endsWith("=") && i + 1 < raw.length) line = `${line}\n${raw[++i]!}`;
    logical.push(line);
  }
  const out: string[] = [];
  for (let i = 0; i < logical.length; i++) {
    const line = logical[i]!;
    if (BINARY.test(line)) {
      // 2.1 base64 continues on unindented lines up to an empty one.
      while (/ENCODING=BASE64|;BASE64[;:]/i.test(line) && i + 1 < logical.length && logical[i + 1]!.trim() !== "" && !/^[\w.-]+[;:]/.test(logical[i + 1]!)) i++;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) {
      if (line.trim()) out.push(line);
      continue;
    }
    const [name, ...params] = splitParams(line.slice(0, colon));
    let value = line.slice(colon + 1);
    if (/^VERSION$/i.test(name!.trim())) {
      out.push("VERSION:3.0");
      continue;
    }
    let encoding = "";
    let charset = "";
    const kept: string[] = [];
    const types: string[] = [];
    for (const p of params) {
      const eq = p.indexOf("=");
      const key = (eq < 0 ? "" : p.slice(0, eq)).trim().toUpperCase();
      const v = eq < 0 ? p.trim() : p.slice(eq + 1).trim();
      if (key === "ENCODING" || (!key && /^(QUOTED-PRINTABLE|8BIT|7BIT|BASE64|B)$/i.test(v))) encoding = v.toUpperCase();
      else if (key === "CHARSET") charset = v.replace(/"/g, "");
      else if (!key) types.push(v);
      else kept.push(p);
    }
    if (encoding === "QUOTED-PRINTABLE") value = decodeQuotedPrintable(value, charset);
    // 2.1 escapes nothing in a plain value: its commas are text, not separators.
    if (v21 && !STRUCTURED.test(name!)) value = value.replace(/[\\,]/g, (c) => `\\${c}`);
    value = value.replace(/\r\n|\r|\n/g, "\\n");
    if (types.length) kept.unshift(`TYPE=${types.join(",")}`);
    out.push([name, ...kept].join(";") + ":" + value);
  }
  return out.join("\r\n");
}

// ---------------------------------------------------------------------------------------------
// Reading

const str = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s === "" ? undefined : s;
};

/** Text of a property ical.js does not know (X-…): unescaped by hand, the way TEXT values are. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,:nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function textOf(prop: ICAL.Property): string | undefined {
  const v = prop.getFirstValue();
  if (typeof v !== "string") return str(v);
  // Google writes `http\://…` in URLs, which are not TEXT: the backslash is an escape all the same.
  return str(prop.type === "unknown" || prop.type === "uri" ? unescapeText(v) : v);
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

/** Apple's `_$!<Mobile>!$_` names a built-in label; anything else is the user's own. */
function appleLabel(text: string): string {
  const m = /^_\$!<(.+)>!\$_$/.exec(text.trim());
  return (m ? m[1]! : text).trim().toLowerCase();
}

/** TYPE values that say how to reach someone rather than where (or are noise). */
const NOT_A_LABEL = new Set(["pref", "internet", "voice", "x400", "msg", "text", "dom", "intl", "postal", "parcel", "video", "bbs", "modem", "isdn", "pcs"]);
const LABEL_OF_TYPE: Record<string, string> = { cell: "mobile", iphone: "mobile", fax: "fax", pager: "pager", main: "main", car: "car" };

/** The label of an EMAIL, TEL, ADR or URL: Apple's X-ABLabel of its group, else its TYPE values. */
function labelOf(card: ICAL.Component, prop: ICAL.Property): string | undefined {
  const group = prop.getParameter("group");
  if (group) {
    const ab = card.getAllProperties("x-ablabel").find((p) => p.getParameter("group") === group);
    const text = ab && textOf(ab);
    if (text) return appleLabel(text);
  }
  const types = params(prop, "type").filter((t) => !NOT_A_LABEL.has(t));
  if (!types.length) return undefined;
  const place = types.find((t) => t === "work" || t === "home" || t === "other");
  const kind = types.map((t) => LABEL_OF_TYPE[t]).find(Boolean);
  // "work fax", "home fax"; a plain "work"; a plain "mobile".
  if (place && kind && kind !== "mobile") return `${place} ${kind}`;
  return place ?? kind ?? types[0];
}

/** A date as stored: YYYY-MM-DD, or --MM-DD when the year is not known (`--0315`, Apple's X-APPLE-OMIT-YEAR). */
function dateOf(prop: ICAL.Property): string | undefined {
  const v = prop.getFirstValue();
  let s = str(v && typeof v === "object" && "toString" in v ? v.toString() : v);
  if (!s) return undefined;
  s = s.replace(/^(\d{4}-\d{2}-\d{2})T00:00:00(Z)?$/, "$1");
  const basic = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (basic) s = `${basic[1]}-${basic[2]}-${basic[3]}`;
  const noYear = /^--(\d{2})-?(\d{2})$/.exec(s);
  if (noYear) return `--${noYear[1]}-${noYear[2]}`;
  const omit = str(prop.getParameter("x-apple-omit-year"));
  if (omit && s.startsWith(`${omit}-`)) return `--${s.slice(5, 10)}`;
  return s;
}

/** Adds `key` (or `key 2`, `key 3`… when taken) to the fields, with its label beside it. */
export function addNumberedField(fields: [string, string][], key: string, value: string, label?: string): void {
  let n = 1;
  const keyOf = (i: number) => (i === 1 ? key : `${key} ${i}`);
  while (fields.some(([k]) => k === keyOf(n))) n++;
  fields.push([keyOf(n), value]);
  if (label) fields.push([`${keyOf(n)} label`, label]);
}

/** A service's name as a field key: "Twitter" → "twitter", "x-skype" → "skype". */
const serviceKey = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/^x-/, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** The service of a social profile URL when the card does not name it. */
function serviceOfUrl(url: string): string | undefined {
  const host = /^[a-z]+:\/\/(?:www\.)?([^/]+)/i.exec(url)?.[1]?.toLowerCase();
  return host?.replace(/\.(com|org|net|social)$/, "");
}

/** Messaging properties older address books write instead of IMPP. */
const IM_PROPERTIES = ["x-skype", "x-skype-username", "x-jabber", "x-aim", "x-icq", "x-msn", "x-yahoo", "x-gadugadu", "x-qq", "x-google-talk", "x-twitter"];

/** Reads one card. Throws an Error with a one-line reason when it cannot be read. */
export function parseVcard(text: string): VcardContact {
  const version = /^VERSION:\s*(\S+)/im.exec(text)?.[1];
  let card: ICAL.Component;
  try {
    const parsed = ICAL.parse(version === "4.0" ? text : toVersion3(text));
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

  const labelled = (name: string, clean: (v: string) => string = (v) => v): Labelled[] =>
    byPreference(card.getAllProperties(name)).flatMap((p) => {
      const value = textOf(p);
      return value === undefined ? [] : [{ value: clean(value), label: labelOf(card, p) }];
    });
  out.emails = labelled("email", (v) => v.replace(/^mailto:/i, ""));
  out.phones = labelled("tel", (v) => v.replace(/^tel:/i, ""));

  const org = card.getFirstProperty("org");
  if (org) {
    const v = org.getFirstValue();
    const parts = (Array.isArray(v) ? v : [v]).map(str);
    out.company = parts[0];
    const departments = parts.slice(1).filter(Boolean).join(", ");
    if (departments) out.fields.push(["department", departments]);
  }
  const kind = str(card.getFirstPropertyValue("kind"))?.toLowerCase();
  const showAs = str(card.getFirstProperty("x-abshowas") && textOf(card.getFirstProperty("x-abshowas")!))?.toLowerCase();
  if (kind === "org" || kind === "organization" || showAs === "company") out.fields.push(["kind", "org"]);
  out.title = str(card.getFirstPropertyValue("title"));
  out.note = card.getAllProperties("note").map(textOf).filter(Boolean).join("\n") || undefined;
  for (const p of card.getAllProperties("categories")) for (const v of p.getValues()) if (str(v)) out.tags.push(str(v)!);

  const bday = card.getFirstProperty("bday");
  const birthday = bday && dateOf(bday);
  if (birthday) out.fields.push(["birthday", birthday]);
  for (const name of ["anniversary", "x-anniversary", "x-ms-anniversary", "x-evolution-anniversary"]) {
    const p = card.getFirstProperty(name);
    const a = p && dateOf(p);
    if (a && !out.fields.some(([k]) => k === "anniversary")) out.fields.push(["anniversary", a]);
  }
  // Apple's other dates: the anniversary, or a date under the user's own label.
  for (const p of card.getAllProperties("x-abdate")) {
    const d = dateOf(p);
    if (!d) continue;
    const label = labelOf(card, p) ?? "other";
    const key = label === "anniversary" ? "anniversary" : `${label} date`.replace(/ date date$/, " date");
    if (!out.fields.some(([k]) => k === key)) out.fields.push([key, d]);
  }
  const nicknames = card.getAllProperties("nickname").flatMap((p) => p.getValues().map(str));
  // Android keeps nicknames and events in X-ANDROID-CUSTOM: vnd.android.cursor.item/<kind>;<data1>;<type>;<label>…
  for (const p of card.getAllProperties("x-android-custom")) {
    const v = p.getFirstValue();
    const [kind, data, type, label] = (Array.isArray(v) ? v : String(v ?? "").split(";")).map((x) => str(x));
    if (kind === "vnd.android.cursor.item/nickname" && data) nicknames.push(data);
    if (kind === "vnd.android.cursor.item/contact_event" && data) {
      // Event types: 1 anniversary, 2 other, 3 birthday, 0 the user's own label.
      const key = type === "1" ? "anniversary" : type === "3" ? "birthday" : `${label?.toLowerCase() ?? "other"} date`;
      const day = /^--?\d{2}-?\d{2}$/.test(data) ? `--${data.replace(/\D/g, "").slice(0, 2)}-${data.replace(/\D/g, "").slice(2)}` : data;
      if (!out.fields.some(([k]) => k === key)) out.fields.push([key, day]);
    }
  }
  const nickname = [...new Set(nicknames.filter(Boolean))].join(", ");
  if (nickname) out.fields.push(["nickname", nickname]);

  for (const p of byPreference(card.getAllProperties("url"))) {
    const url = textOf(p);
    const label = labelOf(card, p);
    if (url) addNumberedField(out.fields, "website", url, label === "homepage" ? undefined : label);
  }
  for (const p of byPreference(card.getAllProperties("adr"))) {
    const v = p.getFirstValue();
    const parts = (Array.isArray(v) ? v : [v]).map((x) => str(Array.isArray(x) ? x.join(" ") : x)).filter(Boolean);
    if (parts.length) addNumberedField(out.fields, "address", parts.join(", "), labelOf(card, p));
  }
  for (const p of card.getAllProperties("x-socialprofile")) {
    const url = textOf(p);
    const service = params(p, "type").find((t) => t !== "pref") ?? (url ? serviceOfUrl(url) : undefined);
    const handle = str(p.getParameter("x-user"));
    if (url || handle) addNumberedField(out.fields, `profile ${serviceKey(service ?? "other")}`, url ?? handle!);
  }
  for (const p of card.getAllProperties("impp")) {
    const v = textOf(p);
    if (!v) continue;
    const service = str(p.getParameter("x-service-type")) ?? /^([a-z][\w+.-]*):/i.exec(v)?.[1] ?? "other";
    addNumberedField(out.fields, `im ${serviceKey(service)}`, v);
  }
  for (const name of IM_PROPERTIES)
    for (const p of card.getAllProperties(name)) {
      const v = textOf(p);
      const key = name === "x-twitter" ? "profile twitter" : `im ${serviceKey(name.replace(/-username$/, ""))}`;
      if (v && !out.fields.some(([k, x]) => k.startsWith(key) && x.endsWith(v))) addNumberedField(out.fields, key, v);
    }
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

const ISO_DAY = /^(\d{4}-\d{2}-\d{2}|--\d{2}-\d{2})$/;

/** Family name and given names from a full name, for N (apps sort by it): the last word is the family name. */
function splitName(name: string): [string, string] {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return [name.trim(), ""];
  return [words[words.length - 1]!, words.slice(0, -1).join(" ")];
}

/** The name without the prefix and suffix it was written with ("Dr. Ada Lovelace PhD" → "Ada Lovelace"). */
function bareName(name: string, prefix: string | undefined, suffix: string | undefined): string {
  let bare = name.trim();
  if (prefix && bare.startsWith(`${prefix} `)) bare = bare.slice(prefix.length + 1);
  if (suffix && bare.endsWith(` ${suffix}`)) bare = bare.slice(0, -suffix.length - 1);
  return bare.trim() || name;
}

function textProp(card: ICAL.Component, name: string, value: string, type?: string, pref?: boolean): void {
  const p = new ICAL.Property(name);
  if (name.startsWith("x-crm")) p.resetType("text");
  p.setValue(value);
  if (type) p.setParameter("type", type);
  if (pref) p.setParameter("pref", "1");
  card.addProperty(p);
}

/** A label as a vCard TYPE: mobile → cell, "work fax" → work,fax; a label of the user's own is left to X-CRM-FIELD. */
function typeOfLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const words = label
    .toLowerCase()
    .split(/\s+/)
    .map((w) => (w === "mobile" ? "cell" : w));
  return words.every((w) => /^[a-z][a-z0-9-]*$/.test(w)) ? words.join(",") : undefined;
}

/** The numbered fields `key`, `key 2`, `key 3`… in order, each with its label. */
function numbered(fields: Record<string, string>, key: string): { value: string; label?: string }[] {
  return Object.keys(fields)
    .map((k) => ({ k, n: k === key ? 1 : Number(new RegExp(`^${key} (\\d+)$`).exec(k)?.[1] ?? NaN) }))
    .filter(({ n }) => Number.isFinite(n))
    .sort((a, b) => a.n - b.n)
    .map(({ k }) => ({ value: fields[k]!, label: fields[`${k} label`] }));
}

function dateProp(card: ICAL.Component, name: string, value: string | undefined): void {
  if (!value || !ISO_DAY.test(value)) return;
  const p = new ICAL.Property(name);
  p.setValue(value);
  card.addProperty(p);
}

/** One contact as a vCard 4.0 (CRLF, folded at 75 octets by ical.js). */
export function contactToVcard(c: VcardInput): string {
  const f = c.fields;
  const card = new ICAL.Component(["vcard", [], []]);
  card.addPropertyWithValue("version", "4.0");
  card.addPropertyWithValue("uid", c.uid);
  const isOrg = f.kind === "org";
  if (isOrg) card.addPropertyWithValue("kind", "org");
  textProp(card, "fn", c.name);
  const n = new ICAL.Property("n");
  const [family, given] = isOrg ? ["", ""] : splitName(bareName(c.name, f["name prefix"], f["name suffix"]));
  n.setValue([family, given, "", f["name prefix"] ?? "", f["name suffix"] ?? ""]);
  card.addProperty(n);
  if (f.nickname) textProp(card, "nickname", f.nickname);
  // The contact's own email and phone are the preferred ones; the others follow in their order.
  const emails = [...(c.email ? [{ value: c.email, label: f["email label"] }] : []), ...numbered(f, "email")];
  emails.forEach((e, i) => textProp(card, "email", e.value, typeOfLabel(e.label), i === 0 && c.email !== null));
  const phones = [...(c.phone ? [{ value: c.phone, label: f["phone label"] }] : []), ...numbered(f, "phone")];
  phones.forEach((t, i) => textProp(card, "tel", t.value, typeOfLabel(t.label), i === 0 && c.phone !== null));
  if (c.company) {
    const org = new ICAL.Property("org");
    org.setValue(f.department ? [c.company, f.department] : [c.company]);
    card.addProperty(org);
  }
  if (c.title) textProp(card, "title", c.title);
  if (f.role) textProp(card, "role", f.role);
  for (const a of numbered(f, "address")) {
    const adr = new ICAL.Property("adr");
    // Stored as one line of text: it goes back as the street, where every app shows it whole.
    adr.setValue(["", "", a.value, "", "", "", ""]);
    const type = typeOfLabel(a.label);
    if (type) adr.setParameter("type", type);
    card.addProperty(adr);
  }
  for (const u of numbered(f, "website")) textProp(card, "url", u.value, typeOfLabel(u.label));
  dateProp(card, "bday", f.birthday);
  dateProp(card, "anniversary", f.anniversary);
  for (const [key, value] of Object.entries(f)) {
    const profile = /^profile (.+?)(?: \d+)?$/.exec(key);
    if (profile) textProp(card, "x-socialprofile", value, typeOfLabel(profile[1]));
    const im = /^im (.+?)(?: \d+)?$/.exec(key);
    if (im) {
      const p = new ICAL.Property("impp");
      p.setValue(/^[a-z][\w+.-]*:/i.test(value) ? value : `${im[1]!.replace(/\s+/g, "-")}:${value}`);
      p.setParameter("x-service-type", im[1]!);
      card.addProperty(p);
    }
  }
  if (c.note) textProp(card, "note", c.note);
  if (c.tags.length) {
    const cat = new ICAL.Property("categories");
    cat.setValues(c.tags);
    card.addProperty(cat);
  }
  for (const [key, value] of Object.entries(f)) textProp(card, "x-crm-field", `${key}=${value}`);
  if (c.cadence) textProp(card, "x-crm-cadence", c.cadence);
  if (c.source) textProp(card, "x-crm-source", c.source);
  card.addPropertyWithValue("rev", c.updatedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"));
  return card.toString() + "\r\n";
}

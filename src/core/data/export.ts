// `crm export`: every entity as plain records with documented, stable field names (the same names in
// CSV and JSON), streamed from the database so a million purchases never sit in memory; vCards of
// contacts, an iCalendar of open follow-ups, and everything held about one person (right of access).
import crypto from "node:crypto";
import type { Store } from "../../db/open.js";
import { SCHEMA_VERSION } from "../../db/open.js";
import type { DealStageChangeRow, SettingRow } from "../../db/rows.js";
import type { Contact } from "../contacts/contacts.js";
import { currencyDigits, formatMinor } from "../../io/money.js";
import { localDate } from "../../io/dates.js";
import type { VcardInput } from "../../io/vcard.js";
import type { FollowupEvent } from "../../io/ics.js";

export const ENTITIES = ["contacts", "interactions", "followups", "deals", "purchases", "responses"] as const;
export type Entity = (typeof ENTITIES)[number];

/** Field order of each entity in CSV (JSON records have the same names). */
export const EXPORT_FIELDS: Record<Entity | "surveys", readonly string[]> = {
  contacts: ["id", "name", "email", "phone", "company", "title", "tags", "fields", "note", "cadence", "source", "lastInteractionAt", "createdAt", "updatedAt"],
  interactions: ["id", "contactId", "contactName", "contactEmail", "type", "summary", "at", "resolvedAt", "source", "externalRef", "createdAt"],
  followups: ["id", "contactId", "contactName", "contactEmail", "dealId", "dueAt", "note", "every", "status", "doneAt", "createdAt", "updatedAt"],
  deals: [
    "id",
    "contactId",
    "contactName",
    "contactEmail",
    "title",
    "amount",
    "currency",
    "stage",
    "probability",
    "closeOn",
    "lostReason",
    "closedAt",
    "createdAt",
    "updatedAt",
  ],
  purchases: [
    "id",
    "contactId",
    "contactName",
    "contactEmail",
    "amount",
    "refunded",
    "currency",
    "at",
    "localDate",
    "note",
    "source",
    "externalRef",
    "dealId",
    "createdAt",
  ],
  responses: ["id", "surveyId", "survey", "surveyType", "contactId", "contactName", "contactEmail", "score", "comment", "at", "externalRef", "createdAt"],
  surveys: ["id", "name", "type", "question", "createdAt"],
};

type Row = Record<string, unknown>;

const CONTACT_SQL = `select c.id, c.name, c.email, c.phone, c.company, c.title,
    (select json_group_array(name) from (select t.name from contact_tags ct join tags t on t.id = ct.tag_id
       where ct.contact_id = c.id order by t.name collate nocase)) as tags,
    (select json_group_object(key, value) from (select key, value from contact_fields where contact_id = c.id order by key)) as fields,
    c.note, c.cadence, c.source, (select max(i.at) from interactions i where i.contact_id = c.id) as lastInteractionAt,
    c.created_at as createdAt, c.updated_at as updatedAt
  from contacts c`;

const WHO = `c.name as contactName, c.email as contactEmail`;

// Each query selects the entity's EXPORT_FIELDS in their order; what SQL does not give as exported
// (money as decimal text, the local day, tags and fields) is filled in by \`finishRow\`.
const QUERIES: Record<Entity, { sql: string; byContact: string; order: string }> = {
  contacts: { sql: CONTACT_SQL, byContact: "c.id = ?", order: "c.id" },
  interactions: {
    sql: `select i.id, i.contact_id as contactId, ${WHO}, i.type, i.summary, i.at, i.resolved_at as resolvedAt, i.source,
      i.external_ref as externalRef, i.created_at as createdAt from interactions i join contacts c on c.id = i.contact_id`,
    byContact: "i.contact_id = ?",
    order: "i.at, i.id",
  },
  followups: {
    sql: `select f.id, f.contact_id as contactId, ${WHO}, f.deal_id as dealId, f.due_at as dueAt, f.note, f.every, f.status,
      f.done_at as doneAt, f.created_at as createdAt, f.updated_at as updatedAt from followups f join contacts c on c.id = f.contact_id`,
    byContact: "f.contact_id = ?",
    order: "f.due_at, f.id",
  },
  deals: {
    sql: `select d.id, d.contact_id as contactId, ${WHO}, d.title, d.amount_minor as amount, d.currency, d.stage, d.probability,
      d.close_on as closeOn, d.lost_reason as lostReason, d.closed_at as closedAt, d.created_at as createdAt, d.updated_at as updatedAt
      from deals d join contacts c on c.id = d.contact_id`,
    byContact: "d.contact_id = ?",
    order: "d.id",
  },
  // Purchases and answers of erased people stay, without a contact: hence the left joins.
  purchases: {
    sql: `select p.id, p.contact_id as contactId, ${WHO}, p.amount_minor as amount, p.refunded_minor as refunded, p.currency, p.at,
      null as localDate, p.note, p.source, p.external_ref as externalRef, p.deal_id as dealId, p.created_at as createdAt
      from purchases p left join contacts c on c.id = p.contact_id`,
    byContact: "p.contact_id = ?",
    order: "p.at, p.id",
  },
  responses: {
    sql: `select r.id, r.survey_id as surveyId, s.name as survey, s.type as surveyType, r.contact_id as contactId, ${WHO}, r.score,
      r.comment, r.at, r.external_ref as externalRef, r.created_at as createdAt from responses r join surveys s on s.id = r.survey_id left join contacts c on c.id = r.contact_id`,
    byContact: "r.contact_id = ?",
    order: "r.at, r.id",
  },
};

/** A contact as exported: the contact's record with its tags and fields. */
type ContactRecord = Omit<Contact, never>;

/**
 * An export read as arrays of values in the order of `fields` (no object per row, which cost more than
 * half of exporting a million purchases), streamed from SQLite; `read` counts the rows read so far.
 */
export interface ExportTable {
  fields: readonly string[];
  rows: Iterable<unknown[]>;
  read: number;
}

/** The records of one entity, oldest first, optionally only one contact's, as arrays of values. */
export function exportTable(store: Store, entity: Entity, contactId?: number): ExportTable {
  const q = QUERIES[entity];
  // Many purchases per customer: their names and addresses come from memory, read once per contact,
  // rather than from a join that looks the contact up again for every purchase (40% of the export).
  const fromMemory = entity === "purchases" && contactId === undefined && manyPurchasesPerContact(store);
  const sql = fromMemory ? PURCHASES_WITHOUT_WHO : q.sql;
  const stmt = store.sqlite.prepare<number[], unknown[]>(`${sql}${contactId !== undefined ? ` where ${q.byContact}` : ""} order by ${q.order}`).raw();
  const finish = finishRow(entity);
  const who = fromMemory ? contactNames(store) : undefined;
  const table: ExportTable = { fields: EXPORT_FIELDS[entity], read: 0, rows: [] };
  table.rows = (function* () {
    for (const row of contactId !== undefined ? stmt.iterate(contactId) : stmt.iterate()) {
      if (who) {
        const contact = row[1] === null ? undefined : who.get(row[1] as number);
        if (contact) {
          row[2] = contact[0];
          row[3] = contact[1];
        }
      }
      finish?.(row);
      table.read++;
      yield row;
    }
  })();
  return table;
}

/** The purchases query with the contact's name and email (fields 2 and 3, after contactId) left for exportTable to fill in. */
const PURCHASES_WITHOUT_WHO = QUERIES.purchases.sql
  .replace(WHO, "null as contactName, null as contactEmail")
  .replace("left join contacts c on c.id = p.contact_id", "");

/** Whether there are more purchases than twice the contacts (by their highest ids: no count is taken). */
function manyPurchasesPerContact(store: Store): boolean {
  const ids = store.sqlite
    .prepare<[], { purchases: number | null; contacts: number | null }>(
      "select (select max(id) from purchases) as purchases, (select max(id) from contacts) as contacts",
    )
    .get()!;
  return (ids.purchases ?? 0) > 2 * (ids.contacts ?? 0);
}

/** Every contact's name and email by id. */
function contactNames(store: Store): Map<number, [string, string | null]> {
  const names = new Map<number, [string, string | null]>();
  for (const [id, name, email] of store.sqlite.prepare<[], [number, string, string | null]>("select id, name, email from contacts").raw().iterate())
    names.set(id, [name, email]);
  return names;
}

/** What turns a row as SQL reads it into the exported values, in place; undefined when SQL gives them all. */
function finishRow(entity: Entity): ((row: unknown[]) => void) | undefined {
  const at = (field: string) => EXPORT_FIELDS[entity].indexOf(field);
  if (entity === "contacts") {
    const [tags, fields] = [at("tags"), at("fields")];
    return (row) => {
      row[tags] = JSON.parse((row[tags] as string | null) ?? "[]");
      row[fields] = JSON.parse((row[fields] as string | null) ?? "{}");
    };
  }
  // Amounts as decimal strings in major units, next to their currency.
  if (entity === "deals") {
    const [amount, currency] = [at("amount"), at("currency")];
    return (row) => {
      row[amount] = formatMinor(row[amount] as number, row[currency] as string);
    };
  }
  if (entity === "purchases") {
    const [amount, refunded, currency, instant, day] = [at("amount"), at("refunded"), at("currency"), at("at"), at("localDate")];
    const money = minorFormatter();
    const dayOf = localDayReader();
    return (row) => {
      const code = row[currency] as string;
      row[amount] = money(row[amount] as number, code);
      row[refunded] = money((row[refunded] as number | null) ?? 0, code);
      // The calendar day of the purchase where it was made (the local time zone), beside its UTC instant.
      row[day] = dayOf(row[instant] as string);
    };
  }
  return undefined;
}

/**
 * `formatMinor` for a stream of amounts: the last currency's digits are remembered, and the usual
 * case — a whole, positive amount in a currency of two decimals — is written without the general path.
 */
function minorFormatter(): (minor: number, currency: string) => string {
  let lastCurrency: string | undefined;
  let cents = false;
  let zero = "";
  return (minor, currency) => {
    if (currency !== lastCurrency) {
      lastCurrency = currency;
      cents = currencyDigits(currency) === 2;
      zero = formatMinor(0, currency);
    }
    if (minor === 0) return zero;
    if (cents && minor > 0 && Number.isSafeInteger(minor)) {
      const whole = Math.floor(minor / 100);
      const rest = minor - whole * 100;
      return `${whole}${rest < 10 ? ".0" : "."}${rest}`;
    }
    return formatMinor(minor, currency);
  };
}

/** An instant stored by crm: the form toISOString() writes. */
const STORED_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HOUR_MS = 3_600_000;

/**
 * `localDate(new Date(at))` for a stream of stored instants in time order: most instants of one UTC
 * hour fall on the same local day (the hour's first and last millisecond do, and the zone's offset
 * is the same at both: no clock change in between), which is then worked out once for the hour.
 * (LocalDays does the same for instants already parsed; here the stored text is read without parsing.)
 */
function localDayReader(): (at: string) => string {
  let hour = "none yet";
  let day: string | undefined;
  return (at) => {
    if (!(at.length === 24 && at.startsWith(hour) && STORED_INSTANT.test(at))) {
      if (!STORED_INSTANT.test(at)) return localDate(new Date(at));
      hour = at.slice(0, 13);
      const start = new Date(`${hour}:00:00.000Z`);
      const end = new Date(start.getTime() + HOUR_MS - 1);
      const first = localDate(start);
      day = first === localDate(end) && start.getTimezoneOffset() === end.getTimezoneOffset() ? first : undefined;
    }
    return day ?? localDate(new Date(at));
  };
}

const asRecord = (fields: readonly string[], row: readonly unknown[]): Record<string, unknown> => {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) record[fields[i]!] = row[i];
  return record;
};

/** Contacts, oldest first, optionally only one. Streams from SQLite. */
function* contactRecords(store: Store, contactId?: number): Generator<ContactRecord> {
  const { fields, rows } = exportTable(store, "contacts", contactId);
  for (const row of rows) yield asRecord(fields, row) as unknown as ContactRecord;
}

/** The records of one entity, oldest first, optionally only one contact's. Streams from SQLite. */
export function* exportRows(store: Store, entity: Entity, contactId?: number): Generator<Row> {
  const { fields, rows } = exportTable(store, entity, contactId);
  for (const row of rows) yield asRecord(fields, row);
}

/** Each deal's stage history, for JSON exports (deal id → changes, oldest first). */
type StageChangeRecord = Pick<DealStageChangeRow, "fromStage" | "toStage" | "at">;

export function dealStageChanges(store: Store, contactId?: number): Map<number, StageChangeRecord[]> {
  const map = new Map<number, StageChangeRecord[]>();
  const rows = store.sqlite
    .prepare<number[], StageChangeRecord & Pick<DealStageChangeRow, "dealId">>(
      `select sc.deal_id as dealId, sc.from_stage as fromStage, sc.to_stage as toStage, sc.at from deal_stage_changes sc
       ${contactId !== undefined ? "join deals d on d.id = sc.deal_id where d.contact_id = ?" : ""} order by sc.deal_id, sc.at, sc.id`,
    )
    .all(...(contactId !== undefined ? [contactId] : []));
  for (const { dealId, ...change } of rows) (map.get(dealId) ?? map.set(dealId, []).get(dealId)!).push(change);
  return map;
}

export function surveysRows(store: Store): Row[] {
  return store.sqlite.prepare<[], Row>("select id, name, type, question, created_at as createdAt from surveys order by id").all();
}

export function settingsObject(store: Store): Record<string, string> {
  const rows = store.sqlite.prepare<[], SettingRow>("select key, value from settings where key not like 'crm.%' order by key").all();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function exportHeader(now: Date): { exportedAt: string; schemaVersion: number } {
  return { exportedAt: now.toISOString(), schemaVersion: SCHEMA_VERSION };
}

/** Right of access: everything crm holds about one person, in one document. */
export function personDocument(store: Store, contactId: number, now: Date): Row {
  const changes = dealStageChanges(store, contactId);
  const [contact] = [...exportRows(store, "contacts", contactId)];
  const strip = (r: Row) => {
    const { contactId: _id, contactName: _n, contactEmail: _e, ...rest } = r;
    return rest;
  };
  return {
    ...exportHeader(now),
    contact,
    interactions: [...exportRows(store, "interactions", contactId)].map(strip),
    followups: [...exportRows(store, "followups", contactId)].map(strip),
    deals: [...exportRows(store, "deals", contactId)].map((d) => ({ ...strip(d), stageChanges: changes.get(d.id as number) ?? [] })),
    purchases: [...exportRows(store, "purchases", contactId)].map(strip),
    responses: [...exportRows(store, "responses", contactId)].map(strip),
  };
}

/** A stable vCard UID for a contact: the same contact always gets the same one. */
function contactUid(id: number, createdAt: string): string {
  const h = crypto.createHash("sha1").update(`crm contact ${id} ${createdAt}`).digest("hex");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function* vcardInputs(store: Store, contactId?: number): Generator<VcardInput> {
  for (const c of contactRecords(store, contactId))
    yield {
      id: c.id,
      uid: contactUid(c.id, c.createdAt),
      name: c.name,
      email: c.email,
      phone: c.phone,
      company: c.company,
      title: c.title,
      note: c.note,
      cadence: c.cadence,
      source: c.source,
      tags: c.tags,
      fields: c.fields,
      updatedAt: c.updatedAt,
    };
}

/**
 * Follow-ups as calendar entries: the open ones, and the done and deleted ones, which the calendar
 * export writes as cancelled so that a calendar which imported them drops them.
 */
export function followupEvents(store: Store, contactId?: number): FollowupEvent[] {
  const byContact = contactId !== undefined;
  return store.sqlite
    .prepare<number[], FollowupEvent>(
      `select f.id, f.status, f.due_at as dueAt, f.note, f.every, f.updated_at as updatedAt, c.name as contactName,
         c.email as contactEmail, c.phone as contactPhone, d.title as dealTitle
       from followups f join contacts c on c.id = f.contact_id left join deals d on d.id = f.deal_id
       ${byContact ? "where f.contact_id = ?" : ""}
       union all
       select r.id, 'removed', r.due_at, null, null, r.removed_at, null, null, null, null
       from removed_followups r ${byContact ? "where r.contact_id = ?" : ""}
       order by 3, 1`,
    )
    .all(...(byContact ? [contactId, contactId] : []));
}

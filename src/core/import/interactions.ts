// `crm import interactions`: calls, emails, meetings... from a CSV (another CRM's activity export, a
// call log, crm's own export). The contact is found by email, contact id, customer id or exact name;
// an external id (given, or derived from the row) makes re-imports add nothing twice.
import type { Store } from "../../db/open.js";
import { usageError, quote } from "../../errors.js";
import { INTERACTION_TYPES, type InteractionType } from "../contacts/interactions.js";
import {
  cell,
  ContactDirectory,
  DerivedRefs,
  InvalidRow,
  missingColumn,
  parseImportDate,
  resolveColumns,
  runImport,
  type ColumnSpec,
  type ContactTarget,
  type ImportOptions,
  type ImportReport,
  type Importer,
} from "./engine.js";
import { importDateParser, openImportSource, type ReadOptions } from "./source.js";

const INTERACTION_COLUMNS: readonly ColumnSpec[] = [
  { field: "email", description: "the contact's email", aliases: ["email", "contactemail", "customeremail", "emailaddress"] },
  { field: "contact_id", description: "crm's contact id", aliases: ["contactid", "crmid"] },
  { field: "customer_id", description: "the source's customer id (contact field customer_id)", aliases: ["customerid", "clientid"] },
  { field: "name", description: "the contact's exact name", aliases: ["contactname", "contact", "name", "fullname", "customername"] },
  { field: "type", description: "call|email|meeting|message|note|issue", aliases: ["type", "kind", "interactiontype", "activitytype", "channel"] },
  {
    field: "summary",
    description: "what happened",
    aliases: ["summary", "subject", "description", "notes", "note", "body", "text", "content", "details", "message"],
  },
  { field: "date", description: "when it happened", aliases: ["at", "date", "datetime", "timestamp", "when", "occurredat", "time", "createdat"] },
  { field: "resolved_at", description: "when an issue was resolved", aliases: ["resolvedat", "resolved"] },
  { field: "external_id", description: "the activity's id in the source", aliases: ["externalref", "externalid", "activityid", "interactionid"] },
  { field: "source", description: "where the rows come from (per row; a source given for the whole import overrides it)", aliases: ["source"] },
];

/** Words other tools use for the same kinds of interaction. */
const TYPE_SYNONYMS: Record<string, InteractionType> = {
  phone: "call",
  phonecall: "call",
  "phone call": "call",
  telephone: "call",
  "e-mail": "email",
  mail: "email",
  sms: "message",
  text: "message",
  chat: "message",
  whatsapp: "message",
  im: "message",
  meet: "meeting",
  visit: "meeting",
  video: "meeting",
  "video call": "meeting",
  comment: "note",
  memo: "note",
  ticket: "issue",
  complaint: "issue",
  problem: "issue",
};

function interactionType(text: string | undefined): InteractionType {
  if (text === undefined) return "note";
  const t = text.trim().toLowerCase();
  if ((INTERACTION_TYPES as readonly string[]).includes(t)) return t as InteractionType;
  const synonym = TYPE_SYNONYMS[t];
  if (synonym) return synonym;
  throw new InvalidRow(`unknown interaction type ${quote(text)}: use one of ${INTERACTION_TYPES.join(", ")}`);
}

export interface InteractionImportOptions extends ImportOptions, ReadOptions {
  /** Source column → target field. */
  map?: ReadonlyMap<string, string>;
  source?: string;
  createContacts?: boolean;
}

interface InteractionRow {
  target: ContactTarget;
  type: InteractionType;
  summary: string;
  at: string;
  resolvedAt: string | null;
  source: string;
  ref: string;
}

export async function importInteractions(
  store: Store,
  file: string,
  now: Date,
  opts: InteractionImportOptions = {},
): Promise<{ report: ImportReport; header: string[] }> {
  const csv = await openImportSource(file, "interactions", opts);
  const { columns } = resolveColumns(csv.header, INTERACTION_COLUMNS, csv.map, { file });
  const spec = (f: string) => INTERACTION_COLUMNS.find((s) => s.field === f);
  if (!["email", "contact_id", "customer_id", "name"].some((f) => columns.has(f)))
    throw missingColumn(file, csv.header, "contact (email, contact id, customer id or name)", spec("email"), "Person=email");
  if (!columns.has("summary")) throw missingColumn(file, csv.header, "summary", spec("summary"), "Subject=summary");
  if (!columns.has("date")) throw missingColumn(file, csv.header, "date", spec("date"), "Logged=date");

  const flagSource = opts.source?.trim();
  if (opts.source !== undefined && !flagSource) throw usageError("a source needs a name", 'e.g. "hubspot"');
  const directory = new ContactDirectory(store, now, { create: Boolean(opts.createContacts), source: flagSource });
  const derived = new DerivedRefs("row:");
  const parseDate = await importDateParser(store, csv, opts);
  const stamp = now.toISOString();
  const c = Object.fromEntries(INTERACTION_COLUMNS.map((s) => [s.field, columns.get(s.field)])) as Record<string, number | undefined>;
  const insert = store.sqlite.prepare(
    `insert into interactions(contact_id, type, summary, at, resolved_at, source, external_ref, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
  );

  const importer: Importer<InteractionRow> = {
    validate({ cells }) {
      const email = cell(cells, c.email);
      const contactIdText = cell(cells, c.contact_id);
      const customerId = cell(cells, c.customer_id);
      const name = cell(cells, c.name);
      if ([email, contactIdText, customerId, name].every((v) => v === undefined))
        throw new InvalidRow("no contact: the row has no email, contact id, customer id or name");
      if (contactIdText !== undefined && !/^\d+$/.test(contactIdText)) throw new InvalidRow(`invalid contact id ${quote(contactIdText)}`);
      const target = directory.resolve({ email, customerId, name, id: contactIdText === undefined ? undefined : Number(contactIdText) });
      const type = interactionType(cell(cells, c.type));
      const summary = cell(cells, c.summary)?.replace(/\r\n?/g, "\n");
      if (summary === undefined) throw new InvalidRow("no summary");
      const dateText = cell(cells, c.date);
      if (dateText === undefined) throw new InvalidRow("no date");
      const at = parseDate(dateText);
      const resolvedText = cell(cells, c.resolved_at);
      const resolvedAt = resolvedText === undefined ? null : parseImportDate(resolvedText, "resolved date");
      const source = flagSource ?? cell(cells, c.source) ?? "import";
      const who =
        email?.toLowerCase() ??
        (customerId !== undefined ? `customer:${customerId}` : contactIdText !== undefined ? `contact:${contactIdText}` : `name:${name}`);
      const ref = cell(cells, c.external_id) ?? derived.ref([who, type, dateText, summary]);
      return { target, type, summary, at, resolvedAt, source, ref };
    },
    write(row) {
      const contactId = directory.ensure(row.target);
      const { changes } = insert.run(contactId, row.type, row.summary, row.at, row.resolvedAt, row.source, row.ref, stamp);
      return changes ? "added" : "skipped";
    },
    createdContacts: () => directory.createdCount(),
    searchIndexed: "interactions",
  };
  return { report: await runImport(store, csv, importer, opts), header: csv.header };
}

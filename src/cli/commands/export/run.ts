// `crm export`: choose the format (flag, else the -o file's extension, else CSV), stream the records
// to stdout or a private file, and for `all` write one JSON document or one CSV per entity.
import fs from "node:fs";
import path from "node:path";
import type { Ctx } from "../../context.js";
import { usageError, quote } from "../../../errors.js";
import { resolveContact } from "../../../core/contacts/contacts.js";
import {
  ENTITIES,
  EXPORT_FIELDS,
  dealStageChanges,
  exportHeader,
  exportRows,
  exportTable,
  followupEvents,
  personDocument,
  settingsObject,
  surveysRows,
  vcardInputs,
  type Entity,
} from "../../../core/data/export.js";
import { guardOutputFile, withBom, writeChunks } from "../../render/sink.js";
import { toJson, toJsonChunks } from "../../render/json.js";
import { csvTableBytes, toCsvChunks } from "../../render/csv.js";
import { plural } from "../../render/words.js";
import type { ExportFormat, ExportOptions } from "./declare.js";

const WHAT = [...ENTITIES, "all"] as const;

/** Counts what passes through, for the summary once it is written. */
function* counted<T>(rows: Iterable<T>, tally: { n: number }): Generator<T> {
  for (const row of rows) {
    tally.n++;
    yield row;
  }
}

function* withStageChanges(rows: Iterable<Record<string, unknown>>, changes: ReturnType<typeof dealStageChanges>) {
  for (const d of rows) yield { ...d, stageChanges: changes.get(d.id as number) ?? [] };
}

/** "3 contacts", "1 followup": an entity's name is its plural. */
const entities = (n: number, entity: string) => plural(n, entity.replace(/s$/, ""), entity);

export async function exportData(ctx: Ctx, [whatArg]: [string?], opts: ExportOptions): Promise<void> {
  const what = whatArg?.toLowerCase();
  if (what !== undefined && !(WHAT as readonly string[]).includes(what)) throw usageError(`unknown export ${quote(whatArg)}`, `use one of: ${WHAT.join(", ")}`);
  if (what === undefined && opts.contact === undefined)
    throw usageError("what should be exported?", `give one of: ${WHAT.join(", ")} — or --contact <ref> for everything about one person`);
  if (opts.split !== undefined) return exportSplitVcards(ctx, what, opts);
  const output: string | undefined = opts.output;
  if (output !== undefined) guardOutput(ctx, output, what === "all" && opts.format === "csv");
  const store = ctx.store();
  const contact = opts.contact !== undefined ? resolveContact(store, opts.contact) : undefined;
  const personal = contact !== undefined && (what === undefined || what === "all");
  // --format, else the -o file's extension (both checked by the context), else CSV (JSON for a whole document).
  const format: ExportFormat = ctx.format === "table" ? (personal || what === "all" ? "json" : "csv") : (ctx.format as ExportFormat);
  if (format === "vcf" && what !== "contacts") throw usageError(`--format vcf is for contacts`, "use: crm export contacts --format vcf");
  if (format === "ics" && what !== "followups") throw usageError(`--format ics is for follow-ups`, "use: crm export followups --format ics");
  if (opts.alarm !== undefined && format !== "ics") throw usageError("--alarm is for calendars", "use: crm export followups --format ics --alarm 15m");
  if (personal && format !== "json")
    throw usageError(
      `everything about one person is exported as JSON, not ${format}`,
      `use --format json, or name what to export, e.g. crm export interactions --contact ${opts.contact} --format ${format}`,
    );

  // Format adapters load only when their format is asked for.
  const contactToVcard = format === "vcf" ? (await import("../../../io/vcard.js")).contactToVcard : undefined;
  const followupsCalendar = format === "ics" ? (await import("../../../io/ics.js")).followupsCalendar : undefined;

  // One read transaction: every part of an export comes from the same moment, even while crm writes.
  store.sqlite.exec("BEGIN");
  try {
    if (what === "all" && format === "csv" && !personal) return await exportAllCsv(ctx, output);
    const tally = { n: 0 };
    let summary: () => string;
    let chunks: Iterable<string | Uint8Array>;
    if (personal) {
      chunks = [toJson(personDocument(store, contact!.id, ctx.now))];
      summary = () => `everything held about #${contact!.id} ${contact!.name}`;
    } else if (what === "all") {
      ({ chunks, summary } = allJson(ctx));
    } else {
      const entity = what as Entity;
      const id = contact?.id;
      let cancelled = 0;
      summary = () =>
        format === "ics" ? `${plural(tally.n, "open follow-up")}${cancelled ? ` (and ${plural(cancelled, "cancellation")})` : ""}` : entities(tally.n, entity);
      if (contactToVcard) {
        chunks = (function* () {
          for (const card of counted(vcardInputs(store, id), tally)) yield contactToVcard(card);
        })();
      } else if (followupsCalendar) {
        const events = followupEvents(store, id);
        tally.n = events.filter((e) => e.status === "open").length;
        cancelled = events.length - tally.n;
        chunks = [followupsCalendar(events, ctx.now, { alarmSeconds: opts.alarm })];
      } else if (format === "json") {
        const rows = entity === "deals" ? withStageChanges(exportRows(store, "deals", id), dealStageChanges(store, id)) : exportRows(store, entity, id);
        chunks = toJsonChunks(counted(rows, tally));
      } else {
        const table = exportTable(store, entity, id);
        chunks = withBom(ctx, csvTableBytes(table.fields, table.rows));
        summary = () => entities(table.read, entity);
      }
    }
    await writeChunks(ctx, output, chunks);
    if (output) ctx.info(`wrote ${summary()} to ${output}`);
  } finally {
    if (store.sqlite.inTransaction) store.sqlite.exec("COMMIT");
  }
}

/**
 * `--split <dir>`: one vCard file per contact, named by its UID, as folder address books (khard,
 * vdirsyncer) keep them. A file written earlier for the same contact is replaced; others are left alone.
 */
async function exportSplitVcards(ctx: Ctx, what: string | undefined, opts: ExportOptions): Promise<void> {
  const dir = opts.split!;
  if (what !== "contacts") throw usageError("--split writes contacts as vCards", `use: crm export contacts --split ${dir}`);
  if (opts.format !== undefined && opts.format !== "vcf")
    throw usageError(`--split writes vCards, not ${opts.format}`, "leave out --format, or use --format vcf");
  if (opts.output !== undefined) throw usageError("--split and -o both say where to write", "give one of them");
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw usageError(`--split ${quote(dir)} is a file`, "give a directory (it is created if missing)");
  const store = ctx.store();
  const contact = opts.contact !== undefined ? resolveContact(store, opts.contact) : undefined;
  const { contactToVcard } = await import("../../../io/vcard.js");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let n = 0;
  store.sqlite.exec("BEGIN");
  try {
    for (const card of vcardInputs(store, contact?.id)) {
      const file = path.join(dir, `${card.uid.replace(/^urn:uuid:/, "")}.vcf`);
      await writeChunks(ctx, file, [contactToVcard(card)]);
      n++;
    }
  } finally {
    if (store.sqlite.inTransaction) store.sqlite.exec("COMMIT");
  }
  ctx.info(`wrote ${entities(n, "contacts")} to ${dir}${dir.endsWith(path.sep) ? "" : path.sep}, one file each`);
}

/** An export must never replace the database (or a directory by a file). */
function guardOutput(ctx: Ctx, output: string, wantsDirectory: boolean): void {
  guardOutputFile(ctx, output, { directory: wantsDirectory, hint: "give a file name, e.g. -o contacts.csv" });
}

/** The whole database as one JSON document, each table streamed row by row. */
function allJson(ctx: Ctx): { chunks: Iterable<string>; summary: () => string } {
  const store = ctx.store();
  const tallies = ENTITIES.map(() => ({ n: 0 }));
  const document: Record<string, unknown> = { ...exportHeader(ctx.now), settings: settingsObject(store), surveys: surveysRows(store) };
  ENTITIES.forEach((entity, i) => {
    const rows = entity === "deals" ? withStageChanges(exportRows(store, "deals"), dealStageChanges(store)) : exportRows(store, entity);
    document[entity] = counted(rows, tallies[i]!);
  });
  return { chunks: toJsonChunks(document), summary: () => ENTITIES.map((entity, i) => entities(tallies[i]!.n, entity)).join(", ") };
}

async function exportAllCsv(ctx: Ctx, dir: string | undefined): Promise<void> {
  if (!dir)
    throw usageError(
      "`crm export all --format csv` writes one file per entity and needs a directory",
      "pass -o <directory>, or use --format json for one document",
    );
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw usageError(`${quote(dir)} is a file; \`export all --format csv\` needs a directory`, "pass -o <directory> (it is created if missing)");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = ctx.store();
  const counts: string[] = [];
  const written: string[] = [];
  try {
    for (const entity of [...ENTITIES, "surveys"] as const) {
      const file = path.join(dir, `${entity}.csv`);
      if (entity === "surveys") {
        const rows = surveysRows(store);
        await writeChunks(ctx, file, withBom(ctx, toCsvChunks(rows, EXPORT_FIELDS.surveys)));
        counts.push(entities(rows.length, entity));
      } else {
        const table = exportTable(store, entity);
        await writeChunks(ctx, file, withBom(ctx, csvTableBytes(table.fields, table.rows)));
        counts.push(entities(table.read, entity));
      }
      written.push(file);
    }
  } catch (err) {
    // All of the export or none of it: a full disk at the fourth file leaves no three-file export.
    for (const file of written) fs.rmSync(file, { force: true });
    throw err;
  }
  ctx.info(`wrote ${counts.join(", ")} to ${dir}${path.sep}`);
}

// `crm export`: choose the format (flag, else the -o file's extension, else CSV), stream the records
// to stdout or a private file, and for `all` write one JSON document or one CSV per entity.
import fs from "node:fs";
import path from "node:path";
import type { Ctx } from "../context.js";
import { usageError, quote } from "../../errors.js";
import { resolveContact } from "../../core/contacts/contacts.js";
import {
  ENTITIES, EXPORT_FIELDS, dealStageChanges, exportHeader, exportRows, openFollowupEvents, personDocument, settingsObject, surveysRows,
  vcardInputs, type Entity,
} from "../../core/data/export.js";
import { csvCell, csvLines, writeTo, type TextSink } from "../../io/csv.js";

type Opts = Record<string, any>;
type ExportFormat = "csv" | "json" | "vcf" | "ics";
const FORMATS: readonly ExportFormat[] = ["csv", "json", "vcf", "ics"];
const WHAT = [...ENTITIES, "all"] as const;

function chooseFormat(opts: Opts, output: string | undefined, fallback: ExportFormat): ExportFormat {
  if (opts.format !== undefined) {
    const f = String(opts.format).toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) throw usageError(`unknown --format ${quote(opts.format)} for an export`, `use one of: ${FORMATS.join(", ")}`);
    return f as ExportFormat;
  }
  const ext = output ? path.extname(output).slice(1).toLowerCase() : "";
  if (ext === "vcard") return "vcf";
  if (ext === "ical") return "ics";
  return (FORMATS as readonly string[]).includes(ext) ? (ext as ExportFormat) : fallback;
}

/** Rows as CSV, neutralising cells a spreadsheet would run as formulas; written in batches. */
function writeCsv(sink: TextSink, fields: readonly string[], rows: Iterable<Record<string, unknown>>): number {
  sink.write(csvLines([fields as string[]]));
  let n = 0;
  let batch: string[][] = [];
  for (const row of rows) {
    if (sink.broken) break;
    batch.push(fields.map((f) => csvCell(row[f])));
    n++;
    if (batch.length === 1000) (sink.write(csvLines(batch)), (batch = []));
  }
  sink.write(csvLines(batch));
  return n;
}

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/** A JSON array, one record at a time, formatted like JSON.stringify(rows, null, 2). */
function writeJsonArray(sink: TextSink, rows: Iterable<unknown>, pad = ""): number {
  let n = 0;
  for (const row of rows) {
    if (sink.broken) break;
    sink.write(`${n === 0 ? "[\n" : ",\n"}${pad}  ${indent(JSON.stringify(row, null, 2), `${pad}  `)}`);
    n++;
  }
  sink.write(n === 0 ? "[]" : `\n${pad}]`);
  return n;
}

function* withStageChanges(rows: Iterable<Record<string, unknown>>, changes: ReturnType<typeof dealStageChanges>) {
  for (const d of rows) yield { ...d, stageChanges: changes.get(d.id as number) ?? [] };
}

const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${n === 1 ? word.replace(/s$/, "") : word}`;

export async function exportData(ctx: Ctx, [whatArg]: string[], opts: Opts): Promise<void> {
  const what = whatArg?.toLowerCase();
  if (what !== undefined && !(WHAT as readonly string[]).includes(what))
    throw usageError(`unknown export ${quote(whatArg)}`, `use one of: ${WHAT.join(", ")}`);
  if (what === undefined && opts.contact === undefined)
    throw usageError("what should be exported?", `give one of: ${WHAT.join(", ")} — or --contact <ref> for everything about one person`);
  const output: string | undefined = opts.output;
  if (output !== undefined) guardOutput(ctx, output, what === "all" && (opts.format ?? "").toLowerCase() === "csv");
  const store = ctx.store();
  const contact = opts.contact !== undefined ? resolveContact(store, String(opts.contact)) : undefined;
  const personal = contact !== undefined && (what === undefined || what === "all");
  const format = chooseFormat(opts, output, personal || what === "all" ? "json" : "csv");
  if (format === "vcf" && what !== "contacts") throw usageError(`--format vcf is for contacts`, "use: crm export contacts --format vcf");
  if (format === "ics" && what !== "followups") throw usageError(`--format ics is for follow-ups`, "use: crm export followups --format ics");
  if (personal && format !== "json")
    throw usageError(`everything about one person is exported as JSON, not ${format}`, `use --format json, or name what to export, e.g. crm export interactions --contact ${opts.contact} --format ${format}`);

  // Format adapters load only when their format is asked for.
  const { contactToVcard } = format === "vcf" ? await import("../../io/vcard.js") : { contactToVcard: undefined };
  const { followupsCalendar } = format === "ics" ? await import("../../io/ics.js") : { followupsCalendar: undefined };

  // One read transaction: every part of an export comes from the same moment, even while crm writes.
  store.sqlite.exec("BEGIN");
  try {
    if (what === "all" && format === "csv" && !personal) return exportAllCsv(ctx, output);
    const summary = writeTo(output, (sink) => {
      if (personal) {
        sink.write(JSON.stringify(personDocument(store, contact!.id, ctx.now), null, 2) + "\n");
        return `everything held about #${contact!.id} ${contact!.name}`;
      }
      if (what === "all") return writeAllJson(ctx, sink);
      const entity = what as Entity;
      const id = contact?.id;
      let n = 0;
      if (contactToVcard) {
        for (const card of vcardInputs(store, id)) {
          if (sink.broken) break;
          sink.write(contactToVcard(card));
          n++;
        }
      } else if (followupsCalendar) {
        const events = openFollowupEvents(store, id);
        sink.write(followupsCalendar(events, ctx.now));
        n = events.length;
      } else if (format === "json") {
        const rows = entity === "deals" ? withStageChanges(exportRows(store, "deals", id), dealStageChanges(store, id)) : exportRows(store, entity, id);
        n = writeJsonArray(sink, rows);
        sink.write("\n");
      } else {
        n = writeCsv(sink, EXPORT_FIELDS[entity], exportRows(store, entity, id));
      }
      return plural(n, format === "ics" ? "open follow-ups" : entity);
    });
    if (output) ctx.info(`wrote ${summary} to ${output}`);
  } finally {
    if (store.sqlite.inTransaction) store.sqlite.exec("COMMIT");
  }
}

/** An export must never replace the database (or a directory by a file). */
function guardOutput(ctx: Ctx, output: string, wantsDirectory: boolean): void {
  const target = path.resolve(output);
  const db = path.resolve(ctx.dbPath);
  if ([db, `${db}-wal`, `${db}-shm`].includes(target)) throw usageError(`-o ${quote(output)} is the database itself`, "choose another file name");
  if (!wantsDirectory && fs.existsSync(target) && fs.statSync(target).isDirectory())
    throw usageError(`-o ${quote(output)} is a directory`, "give a file name, e.g. -o contacts.csv");
}

function writeAllJson(ctx: Ctx, sink: TextSink): string {
  const store = ctx.store();
  const header = exportHeader(ctx.now);
  sink.write(`{\n  "exportedAt": ${JSON.stringify(header.exportedAt)},\n  "schemaVersion": ${header.schemaVersion},\n`);
  sink.write(`  "settings": ${indent(JSON.stringify(settingsObject(store), null, 2), "  ")},\n`);
  sink.write(`  "surveys": ${indent(JSON.stringify(surveysRows(store), null, 2), "  ")}`);
  const counts: string[] = [];
  for (const entity of ENTITIES) {
    sink.write(`,\n  ${JSON.stringify(entity)}: `);
    const rows = entity === "deals" ? withStageChanges(exportRows(store, "deals"), dealStageChanges(store)) : exportRows(store, entity);
    counts.push(plural(writeJsonArray(sink, rows, "  "), entity));
  }
  sink.write("\n}\n");
  return counts.join(", ");
}

function exportAllCsv(ctx: Ctx, dir: string | undefined): void {
  if (!dir) throw usageError("`crm export all --format csv` writes one file per entity and needs a directory", "pass -o <directory>, or use --format json for one document");
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw usageError(`${quote(dir)} is a file; \`export all --format csv\` needs a directory`, "pass -o <directory> (it is created if missing)");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = ctx.store();
  const counts: string[] = [];
  for (const entity of [...ENTITIES, "surveys"] as const) {
    const rows = entity === "surveys" ? surveysRows(store) : exportRows(store, entity);
    counts.push(writeTo(path.join(dir, `${entity}.csv`), (sink) => plural(writeCsv(sink, EXPORT_FIELDS[entity], rows), entity)));
  }
  ctx.info(`wrote ${counts.join(", ")} to ${dir}${path.sep}`);
}

// Where records meet the terminal: one function prints a list of records as a table (borders and
// colour on a TTY; aligned plain columns without borders when piped), JSON or CSV, to stdout or -o.
import path from "node:path";
import { usageError, quote } from "../../errors.js";
import type { Format, Out } from "./out.js";
import { emit, emitChunks } from "./sink.js";
import { isLarge, toJson, toJsonChunks } from "./json.js";
import { toCsvChunks } from "./csv.js";
import { boxTable, plainTableChunks, type Column } from "./table.js";

export const FORMATS: readonly Format[] = ["table", "json", "csv"];

function parseFormat(value: string, allowed: readonly string[]): string {
  const format = value.toLowerCase();
  if (!allowed.includes(format)) throw usageError(`unknown --format ${quote(value)}`, `use one of: ${allowed.join(", ")}`);
  return format;
}

/** The formats a file's extension names. */
const FORMAT_OF_EXTENSION: Partial<Record<string, string>> = { csv: "csv", json: "json", vcf: "vcf", vcard: "vcf", ics: "ics", ical: "ics" };

/**
 * The output format: `--format`; else the `-o` file's extension when it names a format (`nps.csv`,
 * `crm.json`); else `fallback`. A `--format` the file's extension contradicts, or an extension naming a
 * format the command cannot write, is refused (exit 2) rather than writing, say, a table into a `.csv`.
 */
export function chooseFormat<F extends string>(flag: string | undefined, file: string | undefined, allowed: readonly F[], fallback: F): F {
  const format = flag === undefined ? undefined : parseFormat(flag, allowed);
  const ext = file === undefined ? "" : path.extname(file).slice(1).toLowerCase();
  const named = FORMAT_OF_EXTENSION[ext];
  if (named === undefined) return (format ?? fallback) as F;
  if (format !== undefined && format !== named)
    throw usageError(`--format ${format} contradicts -o ${quote(file)}, a .${ext} file`, `drop --format, or name a .${format} file`);
  if (!(allowed as readonly string[]).includes(named))
    throw usageError(`-o ${quote(file)}: this command does not write ${named}`, `use one of: ${allowed.filter((f) => f !== "table").join(", ")}`);
  return named as F;
}

export interface RecordsOutput<R> {
  rows: readonly R[];
  columns: readonly Column<R>[];
  /** The JSON/CSV record for a row: documented, stable field names. Defaults to the row itself. */
  record?: (row: R) => Record<string, unknown>;
  /** Field order for CSV. */
  fields?: readonly string[];
  /** Printed on stderr (table format only) when there are no rows. */
  empty?: string;
}

export async function printRecords<R>(out: Out, records: RecordsOutput<R>): Promise<void> {
  const record = records.record ?? ((r: R) => r as unknown as Record<string, unknown>);
  const { rows } = records;
  switch (out.format) {
    case "json":
      return isLarge(rows) ? emitChunks(out, toJsonChunks(rows.map(record))) : emit(out, toJson(rows.map(record)));
    case "csv":
      return emitChunks(out, toCsvChunks(mapped(rows, record), records.fields));
    case "table":
      if (rows.length === 0) {
        if (records.empty) out.info(records.empty);
        return;
      }
      return out.tableStyle === "box" ? emit(out, await boxTable(out, records.columns, rows)) : emitChunks(out, plainTableChunks(records.columns, rows));
  }
}

function* mapped<R, T>(rows: readonly R[], fn: (row: R) => T): Generator<T> {
  for (const row of rows) yield fn(row);
}

// Where records meet the terminal: one function prints a list of records as a table (borders and
// colour on a TTY; aligned plain columns without borders when piped), JSON or CSV, to stdout or -o.
import { usageError, quote } from "../../errors.js";
import type { Format, Out } from "./out.js";
import { emit, emitChunks } from "./sink.js";
import { isLarge, toJson, toJsonChunks } from "./json.js";
import { toCsvChunks } from "./csv.js";
import { boxTable, plainTableChunks, type Column } from "./table.js";

const FORMATS: readonly Format[] = ["table", "json", "csv"];

export function parseFormat(value: string | undefined, allowed: readonly string[] = FORMATS): Format {
  const format = (value ?? "table").toLowerCase();
  if (!allowed.includes(format)) throw usageError(`unknown --format ${quote(value)}`, `use one of: ${allowed.join(", ")}`);
  return format as Format;
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

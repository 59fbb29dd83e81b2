// Where records meet the terminal: one function prints a list of records as a table (borders and
// colour on a TTY; aligned plain columns without borders when piped), JSON or CSV, to stdout or -o.
import fs from "node:fs";
import path from "node:path";
import { toCsv, writeTo } from "../../io/csv.js";
import { usageError, quote } from "../../errors.js";
import type { Ctx } from "../context.js";
import { terminalSafe } from "./safe-text.js";

export type Format = "table" | "json" | "csv";
export const FORMATS: readonly Format[] = ["table", "json", "csv"];

export interface Column<R> {
  header: string;
  /** The cell for tables (formatted for people). */
  cell: (row: R) => string | number | null | undefined;
  align?: "left" | "right";
}

export function parseFormat(value: string | undefined, allowed: readonly string[] = FORMATS): Format {
  const format = (value ?? "table").toLowerCase();
  if (!allowed.includes(format)) throw usageError(`unknown --format ${quote(value)}`, `use one of: ${allowed.join(", ")}`);
  return format as Format;
}

/**
 * Writes text to `-o <file>` when given, else stdout. Text for people (the table format) is made
 * terminal-safe here, whatever command built it; JSON and CSV are data and go out as they are.
 */
export function emit(ctx: Ctx, text: string): void {
  if (ctx.format === "table") text = terminalSafe(text, ctx.useColor);
  if (ctx.outputFile) {
    const target = path.resolve(ctx.outputFile);
    const db = path.resolve(ctx.dbPath);
    if ([db, `${db}-wal`, `${db}-shm`].includes(target)) throw usageError(`-o ${quote(ctx.outputFile)} is the database itself`, "choose another file name");
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw usageError(`-o ${quote(ctx.outputFile)} is a directory`, "give a file name");
    // Written beside and renamed into place: never half a file, and a new file that only its owner
    // reads (reports hold personal data), even where an older, more open one stood.
    writeTo(ctx.outputFile, (sink) => sink.write(text));
    ctx.info(`wrote ${ctx.outputFile}`);
    return;
  }
  process.stdout.write(text);
}

// CSV writing (and the formula-injection rule) lives with the CSV reader in src/io/csv.ts.
export { neutraliseCsvCell, toCsv } from "../../io/csv.js";

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

const oneLine = (v: unknown) =>
  v === null || v === undefined ? "" : typeof v === "number" ? String(v) : terminalSafe(String(v).replace(/[\t\r\n]+/g, " "));

const SURROGATE = /[\uD800-\uDFFF]/;
/** Length in code points, which the padding counts; no array is built for text without surrogates. */
const codePoints = (text: string) => (SURROGATE.test(text) ? [...text].length : text.length);

/** Aligned columns separated by two spaces, no borders, no truncation: for pipes and scripts. */
export function plainTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.cell(r))));
  const headers = columns.map((c) => c.header.toUpperCase());
  // A loop, not Math.max(...cells): a spread of a hundred thousand rows overflows the call stack.
  const widths = headers.map((h) => h.length);
  for (const row of cells)
    for (let i = 0; i < row.length; i++) {
      const width = codePoints(row[i]!);
      if (width > widths[i]!) widths[i] = width;
    }
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(widths[i]! - codePoints(cell));
        return columns[i]!.align === "right" ? pad + cell : i === row.length - 1 ? cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(headers), ...cells.map(line)].join("\n") + "\n";
}

export async function boxTable<R>(ctx: Ctx, columns: readonly Column<R>[], rows: readonly R[]): Promise<string> {
  const { default: Table } = await import("cli-table3");
  const table = new Table({
    head: columns.map((c) => ctx.color.bold(c.header)),
    style: { head: [], border: ctx.useColor ? ["grey"] : [] },
    colAligns: columns.map((c) => c.align ?? "left"),
    wordWrap: true,
  });
  for (const r of rows) table.push(columns.map((c) => oneLine(c.cell(r))));
  return table.toString() + "\n";
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

export async function printRecords<R>(ctx: Ctx, out: RecordsOutput<R>): Promise<void> {
  const record = out.record ?? ((r: R) => r as unknown as Record<string, unknown>);
  switch (ctx.format) {
    case "json":
      return emit(ctx, toJson(out.rows.map(record)));
    case "csv":
      return emit(ctx, toCsv(out.rows.map(record), out.fields));
    case "table":
      if (out.rows.length === 0) {
        if (out.empty) ctx.info(out.empty);
        return;
      }
      return emit(ctx, ctx.tableStyle === "box" ? await boxTable(ctx, out.columns, out.rows) : plainTable(out.columns, out.rows));
  }
}

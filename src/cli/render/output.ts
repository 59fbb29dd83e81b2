// Where records meet the terminal: one function prints a list of records as a table (borders and
// colour on a TTY; aligned plain columns without borders when piped), JSON or CSV, to stdout or -o.
import fs from "node:fs";
import path from "node:path";
import { csvCell, csvLines, writeTo } from "../../io/csv.js";
import { usageError, quote } from "../../errors.js";
import type { Ctx } from "../context.js";
import type { OutStream } from "../io.js";
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
    writeOutputFile(ctx, [text]);
    ctx.info(`wrote ${ctx.outputFile}`);
    return;
  }
  ctx.io.stdout.write(text);
}

/**
 * Writes `-o <file>`: never the database itself or a directory; written beside and renamed into place,
 * so never half a file, and owner-only (reports hold personal data) even where an older, more open
 * file stood.
 */
function writeOutputFile(ctx: Ctx, chunks: Iterable<string>): void {
  const file = ctx.outputFile!;
  const target = path.resolve(file);
  const db = path.resolve(ctx.dbPath);
  if ([db, `${db}-wal`, `${db}-shm`].includes(target)) throw usageError(`-o ${quote(file)} is the database itself`, "choose another file name");
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw usageError(`-o ${quote(file)} is a directory`, "give a file name");
  writeTo(file, (sink) => {
    for (const chunk of chunks) sink.write(chunk);
  });
}

/**
 * `emit` for large outputs made in chunks: each chunk is written as it is made, and on stdout the next
 * one waits while the reader is behind, so a report on a hundred thousand customers never holds its
 * whole text (nor a queue of it) in memory.
 */
export async function emitChunks(ctx: Ctx, chunks: Iterable<string>): Promise<void> {
  if (ctx.outputFile) {
    writeOutputFile(ctx, chunks);
    ctx.info(`wrote ${ctx.outputFile}`);
    return;
  }
  const out = ctx.io.stdout;
  for (const chunk of chunks) {
    // The reader went away (`crm … | head`): stop making output; main ends quietly.
    if (out.destroyed || out.writableEnded) return;
    if (!out.write(chunk)) await drainOrClose(out);
  }
}

/** Resolves when the stream can take more, or when it will never take more (closed, or an error). */
function drainOrClose(stream: OutStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done).off("close", done).off("error", done);
      resolve();
    };
    stream.once("drain", done).once("close", done).once("error", done);
  });
}

/** Joins small strings into chunks of about 64 kB. */
function* chunked(parts: Iterable<string>): Generator<string> {
  let chunk = "";
  for (const part of parts) {
    chunk += part;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

// CSV writing (and the formula-injection rule) lives with the CSV reader in src/io/csv.ts.
export { neutraliseCsvCell, toCsv } from "../../io/csv.js";

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * toJson's text in chunks, exactly: arrays (and arrays in objects) of more than a few hundred items
 * are written item by item, each item by JSON.stringify; everything else as JSON.stringify writes it.
 * (Indentation is per line: JSON strings never hold a raw line break.)
 */
export function toJsonChunks(value: unknown): Iterable<string> {
  return chunked(
    (function* () {
      yield* jsonParts(value, "", "");
      yield "\n";
    })(),
  );
}

const STREAM_ITEMS = 256;
const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

/** The JSON of `value` whose first line starts at the current position and whose other lines are indented by `indent`. */
function* jsonParts(value: unknown, key: string, indent: string): Generator<string> {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function")
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  const inner = indent + "  ";
  if (Array.isArray(value) && value.length > STREAM_ITEMS) {
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield `${i ? "," : ""}\n${inner}`;
      yield* jsonParts(omitted(value[i]) ? null : value[i], String(i), inner);
    }
    yield `\n${indent}]`;
  } else if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).some((v) => Array.isArray(v) && v.length > STREAM_ITEMS)) {
    let first = true;
    yield "{";
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (omitted(v)) continue;
      yield `${first ? "" : ","}\n${inner}${JSON.stringify(k)}: `;
      first = false;
      yield* jsonParts(v, k, inner);
    }
    yield first ? "}" : `\n${indent}}`;
  } else {
    const text = JSON.stringify(value, null, 2);
    yield indent ? text.replaceAll("\n", `\n${indent}`) : text;
  }
}

const oneLine = (v: unknown) =>
  v === null || v === undefined ? "" : typeof v === "number" ? String(v) : terminalSafe(String(v).replace(/[\t\r\n]+/g, " "));

const SURROGATE = /[\uD800-\uDFFF]/;
/** Length in code points, which the padding counts; no array is built for text without surrogates. */
const codePoints = (text: string) => (SURROGATE.test(text) ? [...text].length : text.length);

/** Aligned columns separated by two spaces, no borders, no truncation: for pipes and scripts. */
export function plainTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  return [...plainTableChunks(columns, rows)].join("");
}

/** plainTable's text in chunks, made as they are written. */
export function plainTableChunks<R>(columns: readonly Column<R>[], rows: readonly R[]): Iterable<string> {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.cell(r))));
  const headers = columns.map((c) => c.header.toUpperCase());
  // A loop, not Math.max(...cells): a spread of a hundred thousand rows overflows the call stack.
  const widths = headers.map((h) => h.length);
  for (const row of cells)
    for (let i = 0; i < row.length; i++) {
      const width = codePoints(row[i]!);
      if (width > widths[i]!) widths[i] = width;
    }
  const right = columns.map((c) => c.align === "right");
  const spaces = widths.map((w) => " ".repeat(w));
  // Cells padded to their column's width (the last column unpadded unless right-aligned), two spaces
  // apart, trailing spaces trimmed.
  const line = (row: string[]) => {
    let text = "";
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      const pad = spaces[i]!.slice(0, widths[i]! - codePoints(cell));
      text += (i ? "  " : "") + (right[i] ? pad + cell : i === row.length - 1 ? cell : cell + pad);
    }
    return text.trimEnd();
  };
  return chunked(
    (function* () {
      yield line(headers);
      for (let i = 0; i < cells.length; i++) {
        yield "\n" + line(cells[i]!);
        cells[i] = []; // written: let it go
      }
      yield "\n";
    })(),
  );
}

/** toCsv's text for the records of `rows`, made and written a thousand rows at a time. */
function csvChunks<R>(rows: readonly R[], record: (row: R) => Record<string, unknown>, fields?: readonly string[]): Iterable<string> {
  const keys = fields ?? (rows[0] ? Object.keys(record(rows[0])) : []);
  return chunked(
    (function* () {
      yield csvLines([keys]);
      for (let i = 0; i < rows.length; i += 1000)
        yield csvLines(rows.slice(i, i + 1000).map((row) => {
          const r = record(row);
          return keys.map((k) => csvCell(r[k]));
        }));
    })(),
  );
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
      return out.rows.length > STREAM_ITEMS ? emitChunks(ctx, toJsonChunks(out.rows.map(record))) : emit(ctx, toJson(out.rows.map(record)));
    case "csv":
      return emitChunks(ctx, csvChunks(out.rows, record, out.fields));
    case "table":
      if (out.rows.length === 0) {
        if (out.empty) ctx.info(out.empty);
        return;
      }
      return ctx.tableStyle === "box" ? emit(ctx, await boxTable(ctx, out.columns, out.rows)) : emitChunks(ctx, plainTableChunks(out.columns, out.rows));
  }
}

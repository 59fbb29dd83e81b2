// The one way output leaves crm: to stdout (waiting while a slow reader catches up, stopping when it
// goes away) or to `-o <file>` (written beside and renamed into place, owner-only). Every format —
// table, JSON, CSV, vCard, iCalendar — arrives here as text or as chunks of text (large CSV exports as
// chunks of UTF-8 bytes).
import fs from "node:fs";
import path from "node:path";
import { writeTo } from "../../io/csv.js";
import { isDatabaseFile } from "../../db/files.js";
import { usageError, quote } from "../../errors.js";
import type { OutStream } from "../io.js";
import type { Out } from "./out.js";
import { terminalSafe } from "./safe-text.js";

/**
 * Writes text to `-o <file>` when given, else stdout. Text for people (the table format) is made
 * terminal-safe here, whatever command built it; JSON and CSV are data and go out as they are.
 */
export function emit(out: Out, text: string): void {
  if (out.format === "table") text = terminalSafe(text, out.useColor);
  if (out.format === "csv" && out.bom) text = BOM + text;
  if (out.outputFile) {
    writeFile(out, out.outputFile, [text]);
    out.info(`wrote ${out.outputFile}`);
    return;
  }
  out.stdout.write(text);
}

/**
 * `emit` for large outputs made in chunks: each chunk is written as it is made, and on stdout the next
 * one waits while the reader is behind, so a report on a hundred thousand customers never holds its
 * whole text (nor a queue of it) in memory.
 */
export async function emitChunks(out: Out, chunks: Iterable<string>): Promise<void> {
  await writeChunks(out, out.outputFile, out.format === "csv" ? withBom(out, chunks) : chunks);
  if (out.outputFile) out.info(`wrote ${out.outputFile}`);
}

/** Chunks to `file` (see `writeFile`) or, without one, to stdout; says nothing. */
export async function writeChunks(out: Pick<Out, "stdout" | "dbPath">, file: string | undefined, chunks: Iterable<string | Uint8Array>): Promise<void> {
  if (file !== undefined) return writeFile(out, file, chunks);
  const stdout = out.stdout;
  for (const chunk of chunks) {
    // The reader went away (`crm … | head`): stop making output; main ends quietly.
    if (stdout.destroyed || stdout.writableEnded) return;
    if (!stdout.write(chunk)) await drainOrClose(stdout);
  }
}

/**
 * Writes a file: never the database itself or a directory; written beside and renamed into place,
 * so never half a file, and owner-only (reports hold personal data) even where an older, more open
 * file stood.
 */
function writeFile(out: Pick<Out, "dbPath">, file: string, chunks: Iterable<string | Uint8Array>): void {
  guardOutputFile(out, file);
  writeTo(file, (sink) => {
    for (const chunk of chunks) sink.write(chunk);
  });
}

/** `-o` must never name the database (or its journal files), nor a directory (unless one is wanted). */
export function guardOutputFile(out: Pick<Out, "dbPath">, file: string, opts: { hint?: string; directory?: boolean } = {}): void {
  const target = path.resolve(file);
  if (isDatabaseFile(out.dbPath, file)) throw usageError(`-o ${quote(file)} is the database itself`, "choose another file name");
  if (!opts.directory && fs.existsSync(target) && fs.statSync(target).isDirectory())
    throw usageError(`-o ${quote(file)} is a directory`, opts.hint ?? "give a file name");
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

/** The UTF-8 byte order mark `--bom` puts before CSV. */
const BOM = "\uFEFF";

/** `chunks` of CSV (text, or UTF-8 bytes), after the byte order mark when `--bom` asks for it. */
export function* withBom<T extends string | Uint8Array>(out: Pick<Out, "bom">, chunks: Iterable<T>): Generator<T | string> {
  if (out.bom) yield BOM;
  yield* chunks;
}

/** Joins small strings into chunks of about 64 kB. */
export function* chunked(parts: Iterable<string>): Generator<string> {
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

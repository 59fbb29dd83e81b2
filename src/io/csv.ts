// CSV in and out. Reading streams a file through csv-parse (so a million rows never sit in memory),
// detecting the encoding (UTF-8 with or without a BOM — the whole file is checked —, UTF-16 LE/BE with
// or without a BOM, else Windows-1252), the delimiter (`,` `;` tab `|`) and a preamble before the
// header, refusing records over 1 MB, and numbering each record by the line it starts on. Writing quotes per RFC 4180 — a few
// lines below, byte for byte what csv-stringify writes with its defaults (tested against it) — and
// neutralises cells a spreadsheet would run as formulas (OWASP "CSV injection"). csv-parse is loaded
// only when a file is read: this module is also on the path of every printed table.
import fs from "node:fs";
import path from "node:path";
import { fileWriteError, usageError, quote } from "../errors.js";
import { deadLeftovers } from "../db/files.js";
import { Transform } from "node:stream";

// ---------------------------------------------------------------------------------------------
// Writing

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A phone number in international form: "+", then digits, spaces, ( ) - . only, at least seven digits.
 * A spreadsheet can compute nothing harmful from it (no letters: no function, no reference, no link),
 * so it is written as it is rather than defaced with a quote.
 */
const PHONE = /^\+\d[\d ().-]*\d$/;
const isPhone = (value: string) => PHONE.test(value) && value.replace(/\D/g, "").length >= 7;

/**
 * A CSV cell that a spreadsheet would run as a formula (OWASP CSV injection) is prefixed with a quote;
 * phone numbers ("+44 20 7946 0000") are not formulas and stay as they are.
 */
export function neutraliseCsvCell(value: string): string {
  return FORMULA_START.test(value) && !isPhone(value) ? `'${value}` : value;
}

/** The reverse of `neutraliseCsvCell` for reading our own exports back: `'=x` → `=x`, `'+44…` → `+44…`. */
function restoreCsvCell(value: string): string {
  return value.length > 1 && value.charCodeAt(0) === 39 /* ' */ && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return neutraliseCsvCell(value.join(";"));
  if (typeof value === "object") return neutraliseCsvCell(JSON.stringify(value));
  return neutraliseCsvCell(String(value));
}

const NEEDS_QUOTES = /[",\n\r]/;

/** A field as RFC 4180 writes it: quoted (inner quotes doubled) when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The characters FORMULA_START looks for, by code, to test a cell's first character without a regular expression. */
const FORMULA_CODES = new Uint8Array(128);
for (const ch of "=+-@\t\r") FORMULA_CODES[ch.charCodeAt(0)] = 1;

/**
 * `csvField(csvCell(value))`, with text and numbers — nearly every cell of a large export — taken
 * without a detour: a string is looked at only for its first character and for the characters that
 * need quotes.
 */
function csvValue(value: unknown): string {
  if (typeof value === "string") {
    const first = value.charCodeAt(0);
    const text = first < 128 && FORMULA_CODES[first] === 1 && !isPhone(value) ? `'${value}` : value;
    return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  if (typeof value === "number") return String(value);
  if (value === null || value === undefined) return "";
  return csvField(csvCell(value));
}

/** CSV (RFC 4180 quoting, LF line ends) of plain records in the given field order. */
export function toCsv(rows: readonly Record<string, unknown>[], fields?: readonly string[]): string {
  return [...csvRecordLines(fields ?? (rows[0] ? Object.keys(rows[0]) : []), rows)].join("");
}

/**
 * The CSV of records as they come: the header line, then `fields` of each record, in strings of about
 * 64 kB, so a large export is never one string.
 */
export function csvRecordLines(fields: readonly string[], rows: Iterable<Record<string, unknown>>): Generator<string> {
  return csvTableChunks(
    fields,
    (function* () {
      const cells: unknown[] = new Array(fields.length);
      for (const row of rows) {
        for (let i = 0; i < fields.length; i++) cells[i] = row[fields[i]!];
        yield cells;
      }
    })(),
  );
}

/** The CSV line of a row of values (without its line break). */
function csvLine(row: readonly unknown[], width: number): string {
  let line = csvValue(row[0]);
  for (let i = 1; i < width; i++) line += "," + csvValue(row[i]);
  return line;
}

/**
 * The CSV of rows given as arrays of values in the order of `header` (as a raw SQLite statement reads
 * them): the header line, then one line per row, in strings of about 64 kB.
 */
function* csvTableChunks(header: readonly string[], rows: Iterable<readonly unknown[]>): Generator<string> {
  let chunk = csvLines([header]);
  for (const row of rows) {
    chunk += csvLine(row, header.length) + "\n";
    if (chunk.length >= 1 << 16) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/** The size of the buffers `csvTableBytes` fills. */
const CHUNK_BYTES = 1 << 16;

/**
 * `csvTableChunks` as UTF-8 bytes, for exports of any size: each line is encoded into a buffer as soon
 * as it is made, so no string outlives its row (a million rows held as text until written cost more
 * in garbage collection than the formatting itself), and the buffers go to the sink as they fill.
 */
export function* csvTableBytes(header: readonly string[], rows: Iterable<readonly unknown[]>): Generator<Uint8Array> {
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = buffer.write(csvLines([header]));
  for (const row of rows) {
    const line = csvLine(row, header.length) + "\n";
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    if (used + line.length * 3 > buffer.length) {
      if (used > 0) yield buffer.subarray(0, used);
      buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length * 3));
      used = 0;
    }
    used += buffer.write(line, used);
  }
  if (used > 0) yield buffer.subarray(0, used);
}

/** CSV lines for rows of already-prepared cells (no neutralising: the caller decides). */
export function csvLines(rows: readonly (readonly string[])[]): string {
  let out = "";
  for (const row of rows) out += row.map(csvField).join(",") + "\n";
  return out;
}

/**
 * A buffered, synchronous writer to a file or stdout, for exports and reject files too large to build
 * as one string. A file is written beside its final name and renamed into place by `close()`, so a
 * failed export never leaves half a file; `abort()` removes it. Files are owner-only (0600): exports
 * hold personal data. A target that exists and is not a regular file (`/dev/stdout`, a FIFO,
 * `/dev/null`) is written into, never replaced. A full disk is exit 5 naming the file, with nothing
 * of it left; the unfinished files of killed crm processes writing the same name are deleted.
 */
export class TextSink {
  private fd: number;
  private chunks: string[] = [];
  private size = 0;
  private readonly partial: string | undefined;

  constructor(readonly file: string | undefined) {
    if (file === undefined) {
      this.fd = 1;
      return;
    }
    let special = false;
    try {
      special = !fs.statSync(file).isFile();
    } catch {
      // not there yet: a new file
    }
    try {
      if (special) {
        this.fd = fs.openSync(file, "w");
        return;
      }
      for (const stale of deadLeftovers(path.dirname(path.resolve(file)), path.basename(file))) fs.rmSync(stale, { force: true });
      this.partial = `${file}.partial-${process.pid}`;
      this.fd = fs.openSync(this.partial, "w", 0o600);
    } catch (err) {
      const failure = fileWriteError(err, file);
      if (failure !== err) throw failure;
      throw usageError(`cannot write ${quote(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "check the path and its directory");
    }
  }

  /** True once the reader of stdout went away (`crm export … | head`): further output is dropped. */
  broken = false;

  /** Text is gathered up to about a megabyte; bytes (already in chunks) are written as they come. */
  write(data: string | Uint8Array): void {
    if (this.broken) return;
    if (typeof data !== "string") {
      this.flush();
      this.writeBytes(data);
      return;
    }
    this.chunks.push(data);
    this.size += data.length;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (!this.chunks.length) return;
    const data = Buffer.from(this.chunks.join(""), "utf8");
    this.chunks = [];
    this.size = 0;
    this.writeBytes(data);
  }

  private writeBytes(data: Uint8Array): void {
    if (this.broken) return;
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += fs.writeSync(this.fd, data, offset);
      } catch (err) {
        // A pipe that is full (stdout to a slow reader) is not an error: wait and retry.
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") continue;
        if (code === "EPIPE" && this.partial === undefined) {
          this.broken = true;
          return;
        }
        throw this.file === undefined ? err : fileWriteError(err, this.file);
      }
    }
  }

  close(): void {
    this.flush();
    if (this.file === undefined) return;
    try {
      // On disk before it takes the name: a full disk shows here, not in a file found empty later.
      if (this.partial !== undefined) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      if (this.partial !== undefined) fs.renameSync(this.partial, this.file);
    } catch (err) {
      throw fileWriteError(err, this.file);
    }
  }

  abort(): void {
    if (this.file === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    if (this.partial !== undefined) fs.rmSync(this.partial, { force: true });
  }
}

/** Writes through a TextSink: renamed into place when `fn` succeeds, removed when it throws. */
export function writeTo<T>(file: string | undefined, fn: (sink: TextSink) => T): T {
  const sink = new TextSink(file);
  let result: T;
  try {
    result = fn(sink);
  } catch (err) {
    sink.abort();
    throw err;
  }
  try {
    sink.close();
  } catch (err) {
    sink.abort();
    throw err;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface CsvRecord {
  /** The line (1-based) of the file on which the record starts. */
  line: number;
  cells: string[];
}

/** The text encodings a CSV file may be read in (`--encoding`); names as TextDecoder knows them. */
export const CSV_ENCODINGS = ["utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1"] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** `--encoding` as users write it ("utf8", "UTF-16", "cp1252", "iso-8859-1") → one of CSV_ENCODINGS. */
export function csvEncoding(name: string): CsvEncoding | undefined {
  const k = name.trim().toLowerCase().replace(/[_\s]/g, "-");
  const aliases: Record<string, CsvEncoding> = {
    utf8: "utf-8",
    "utf-8": "utf-8",
    "utf-16": "utf-16le",
    utf16: "utf-16le",
    "utf-16le": "utf-16le",
    utf16le: "utf-16le",
    "utf-16be": "utf-16be",
    utf16be: "utf-16be",
    "windows-1252": "windows-1252",
    cp1252: "windows-1252",
    win1252: "windows-1252",
    latin1: "latin1",
    "latin-1": "latin1",
    "iso-8859-1": "latin1",
    "iso8859-1": "latin1",
  };
  return aliases[k];
}

export interface CsvReadOptions {
  /** The separator; default: whichever of `,` `;` tab `|` the header line uses most. */
  delimiter?: string;
  /** The text encoding; default: detected (see detectEncoding). */
  encoding?: CsvEncoding;
  /** Lines before the header to skip (a preamble of notes). */
  skipLines?: number;
  /**
   * Among the first records, the header is the first that this accepts: the lines before it are a
   * preamble and are skipped. When none is accepted, the first record is the header.
   */
  isHeader?: (cells: readonly string[]) => boolean;
}

export interface CsvSource {
  file: string;
  header: string[];
  /** The line the header is on (1-based). */
  headerLine: number;
  delimiter: string;
  encoding: CsvEncoding;
  /** What the reader decided that the user should know (an encoding that is not UTF-8, a skipped preamble). */
  notes: string[];
  /** Size of the file in bytes, and bytes read so far (for progress). */
  size: number;
  bytesRead(): number;
  /** The data records after the header; blank lines and rows of empty cells are skipped. */
  records(): AsyncGenerator<CsvRecord>;
  /** The same records in batches (one await per batch rather than per record). */
  batches(size?: number): AsyncGenerator<CsvRecord[]>;
}

const SAMPLE_BYTES = 64 * 1024;
/** The largest record read (characters): beyond it the file is refused rather than held in memory. */
const MAX_RECORD_CHARS = 1 << 20;
/** How many records may precede the header (a preamble) when looking for it. */
const PREAMBLE_RECORDS = 30;

/** Refuses (exit 2) a file that cannot be read as an input file, before anything else is done. */
export function checkInputFile(file: string): void {
  fs.closeSync(openForReading(file).fd);
}

function openForReading(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw usageError(`no such file ${quote(file)}`, "check the path");
    throw usageError(`cannot read ${quote(file)}: ${code ?? (err as Error).message}`, "check the file's permissions");
  }
  const st = fs.fstatSync(fd);
  if (st.isDirectory() || !st.isFile()) {
    fs.closeSync(fd);
    if (st.isDirectory()) throw usageError(`${quote(file)} is a directory, not a file`, "give the path of a CSV file");
    throw usageError(`${quote(file)} is not a regular file (a pipe?)`, "save the data to a file and import that");
  }
  return { fd, size: st.size };
}

function readSample(file: string): { sample: Buffer; size: number } {
  const { fd, size } = openForReading(file);
  try {
    const sample = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    const n = fs.readSync(fd, sample, 0, sample.length, 0);
    return { sample: sample.subarray(0, n), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the WHOLE file is valid UTF-8 (read in 1 MB steps; a character may straddle two). */
function wholeFileIsUtf8(file: string): boolean {
  const { fd } = openForReading(file);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) {
        decoder.decode();
        return true;
      }
      decoder.decode(chunk.subarray(0, n), { stream: true });
    }
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * UTF-16 without a BOM: text in a Latin script has a zero byte in every other position — the odd ones
 * for little-endian, the even ones for big-endian. Undefined when the sample does not look like that.
 */
function utf16WithoutBom(sample: Buffer): "utf-16le" | "utf-16be" | undefined {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return "utf-16le";
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return "utf-16be";
  return undefined;
}

/**
 * Which text encoding the file is in: UTF-16 by its BOM (or, without one, by its zero bytes — said in a
 * note); otherwise UTF-8 when the whole file is valid UTF-8; otherwise Windows-1252 (a superset of
 * Latin-1's printable characters), said in a note.
 */
function detectEncoding(sample: Buffer, file: string): { encoding: CsvEncoding; note?: string } {
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: "utf-16le" };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: "utf-16be" };
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    if (wholeFileIsUtf8(file)) return { encoding: "utf-8" };
  } else {
    const utf16 = utf16WithoutBom(sample);
    if (utf16) return { encoding: utf16, note: `${quote(file)} has no byte-order mark but reads as ${utf16.toUpperCase()}: read as such` };
    if (wholeFileIsUtf8(file)) return { encoding: "utf-8" };
  }
  return {
    encoding: "windows-1252",
    note: `${quote(file)} is not UTF-8: read as Windows-1252 (Latin-1); give --encoding if it is another`,
  };
}

/** The delimiter of the first record: whichever of `,` `;` tab `|` occurs most outside quotes (`,` on a tie). */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === "\n" || ch === "\r")) break;
    else if (!inQuotes && ch in counts) counts[ch]!++;
  }
  let best = ",";
  for (const d of [";", "\t", "|"]) if (counts[d]! > counts[best]!) best = d;
  return best;
}

/** detectDelimiter on each of the first `lines` lines: the delimiter of the line that has the most of one. */
function busiestDelimiter(text: string, lines: number): string {
  let best = { delimiter: ",", count: -1 };
  for (const line of text.split(/\r\n|\r|\n/, lines)) {
    const d = detectDelimiter(line);
    const count = line.split(d).length - 1;
    if (count > best.count) best = { delimiter: d, count };
  }
  return best.delimiter;
}

function countLineBreaks(cells: string[]): number {
  let n = 0;
  for (const cell of cells) {
    if (cell.indexOf("\n") === -1 && cell.indexOf("\r") === -1) continue;
    const m = cell.match(/\r\n|\r|\n/g);
    n += m ? m.length : 0;
  }
  return n;
}

function csvReadError(file: string, err: unknown, lineOffset: number) {
  const e = err as { message?: string; lines?: number; code?: string };
  const where = e.lines ? ` near line ${e.lines + lineOffset}` : "";
  if (e.code === "CSV_MAX_RECORD_SIZE")
    return usageError(
      `cannot read ${quote(file)} as CSV${where}: a record is larger than ${MAX_RECORD_CHARS / (1 << 20)} MB`,
      "a quote is probably left open there: close it, or enclose the field in double quotes",
    );
  // csv-parse quotes the character it choked on raw ('got "\r"'): spell control characters out.
  const why = (e.message ?? String(err))
    .replace(/^Invalid Record Length: /, "")
    .split("\n")[0]!
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped here
    .replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return usageError(
    `cannot read ${quote(file)} as CSV${where}: ${why}`,
    "check the quoting around that line (a field with a quote, comma or line break must be enclosed in double quotes)",
  );
}

/** Bytes in `encoding` → UTF-8 bytes, chunk by chunk (a character may straddle two chunks). */
function toUtf8(encoding: CsvEncoding): Transform {
  const decoder = new TextDecoder(encoding === "latin1" ? "windows-1252" : encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), "utf8"));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), "utf8"));
    },
  });
}

/**
 * Opens a CSV file for streaming: reads the header, detects encoding and delimiter (unless given).
 * Cells come back as text with the export neutralising reversed (`'=x` → `=x`, see `restoreCsvCell`).
 * A record over MAX_RECORD_CHARS (an unclosed quote swallowing the file) is refused with its line.
 */
export async function openCsv(file: string, opts: CsvReadOptions = {}): Promise<CsvSource> {
  const { sample, size } = readSample(file);
  const notes: string[] = [];
  let encoding = opts.encoding;
  if (!encoding) {
    const detected = detectEncoding(sample, file);
    encoding = detected.encoding;
    if (detected.note) notes.push(detected.note);
  }
  let text = new TextDecoder(encoding === "latin1" ? "windows-1252" : encoding).decode(
    sample.subarray(0, sample.length & (encoding.startsWith("utf-16") ? ~1 : ~0)),
  );
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const skipLines = opts.skipLines ?? 0;
  if (skipLines > 0)
    text = text
      .split(/\r\n|\r|\n/)
      .slice(skipLines)
      .join("\n");
  if (!text.trim()) throw usageError(`${quote(file)} is empty`, "a CSV file needs a header line and at least one row");
  const { parse } = await import("csv-parse");

  let bytes = 0;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 16 });
  stream.on("data", (chunk) => (bytes += chunk.length));
  // Node decodes UTF-8 and UTF-16 LE itself; other encodings become UTF-8 on the way.
  const native = encoding === "utf-8" || encoding === "utf-16le";
  const input = native ? stream : stream.pipe(toUtf8(encoding));
  // Empty lines come through as records of one empty cell (skipped below) rather than being skipped by
  // csv-parse: that keeps the line count without csv-parse's per-record info objects (on_record),
  // which cost more than the parsing itself on a million rows.
  const parseOptions = {
    bom: true,
    encoding: (encoding === "utf-16le" ? "utf16le" : "utf8") as BufferEncoding,
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARS,
    from_line: skipLines + 1,
  };
  // The delimiter is the header's, which may follow a preamble of prose: the busiest of the first lines.
  const delimiter = opts.delimiter ?? busiestDelimiter(text, opts.isHeader ? PREAMBLE_RECORDS : 1);
  const parser = input.pipe(parse({ ...parseOptions, delimiter }));
  stream.on("error", (err) => parser.destroy(err));
  if (!native) input.on("error", (err: Error) => parser.destroy(err));

  // Records are pulled with read() — whole batches without an await each — and waited for only when
  // the parser has none buffered.
  let ended = false;
  let failure: unknown;
  let waiting: (() => void) | undefined;
  const wake = () => {
    const resolve = waiting;
    waiting = undefined;
    resolve?.();
  };
  parser.on("readable", wake);
  parser.on("end", () => ((ended = true), wake()));
  parser.on("error", (err) => ((failure = err), wake()));
  /** The next raw record if one is buffered; null when none is (yet); undefined at the end. */
  const readNow = (): string[] | null | undefined => {
    if (failure !== undefined) throw csvReadError(file, failure, 0);
    const record = parser.read() as string[] | null;
    return record === null && ended ? undefined : record;
  };
  const more = () => new Promise<void>((resolve) => (waiting = resolve));

  // Where each record starts: csv-parse counts the line a record ends on, and counts a quoted CRLF
  // twice, so we keep our own count from the line breaks inside the cells.
  let physicalLine = skipLines;
  const isBlank = (raw: string[]) => raw.every((cell) => cell === "");

  const leading: { line: number; cells: string[] }[] = [];
  try {
    for (;;) {
      if (leading.length >= (opts.isHeader ? PREAMBLE_RECORDS : 1)) break;
      const raw = readNow();
      if (raw === undefined) break;
      if (raw === null) {
        await more();
        continue;
      }
      const line = physicalLine + 1;
      physicalLine = line + countLineBreaks(raw);
      if (isBlank(raw)) continue;
      leading.push({ line, cells: raw });
      if (opts.isHeader?.(raw.map((h) => h.trim()))) break;
    }
  } catch (err) {
    stream.destroy();
    throw err;
  }
  if (!leading.length) {
    stream.destroy();
    throw usageError(`${quote(file)} is empty`, "a CSV file needs a header line and at least one row");
  }
  let at = opts.isHeader ? leading.findIndex((r) => opts.isHeader!(r.cells.map((h) => h.trim()))) : 0;
  if (at < 0) at = 0;
  const headerRecord = leading[at]!;
  const preamble = headerRecord.line - 1 - skipLines;
  if (at > 0) notes.push(`skipped ${preamble} line${preamble === 1 ? "" : "s"} before the header on line ${headerRecord.line}`);
  // Records read past the header while looking for it (none when it was found): data, in order.
  const pending = leading.slice(at + 1);
  const header = headerRecord.cells.map((h, i) => h.trim() || `column ${i + 1}`);
  const width = header.length;

  /** Up to `size` records (at least one unless the file is done), waiting only when none is buffered. */
  async function* batches(size = 1024): AsyncGenerator<CsvRecord[]> {
    try {
      for (;;) {
        const batch: CsvRecord[] = [];
        let raw: string[] | null | undefined;
        while (batch.length < size) {
          let line: number;
          const early = pending.shift();
          if (early) {
            raw = early.cells;
            line = early.line;
          } else {
            raw = readNow();
            if (!raw) break;
            line = physicalLine + 1;
            physicalLine = line + countLineBreaks(raw);
          }
          let blank = true;
          for (let i = 0; i < raw.length; i++) {
            const cell = raw[i]!;
            if (cell !== "") {
              blank = false;
              if (cell.charCodeAt(0) === 39) raw[i] = restoreCsvCell(cell);
            }
          }
          if (blank) continue;
          while (raw.length < width) raw.push("");
          batch.push({ line, cells: raw });
        }
        if (batch.length) yield batch;
        else if (raw === undefined) return;
        else await more();
      }
    } finally {
      stream.destroy();
    }
  }

  async function* records(): AsyncGenerator<CsvRecord> {
    for await (const batch of batches()) yield* batch;
  }

  return { file, header, headerLine: headerRecord.line, delimiter, encoding, notes, size, bytesRead: () => bytes, records, batches };
}

// ---------------------------------------------------------------------------------------------
// Column names and column mappings

/** A header reduced to lower-case letters and digits: "E-mail 1 - Value" → "email1value". */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

// The machinery every import shares, so each importer only says how a row becomes a record:
// matching columns (recognised headers and the user's column mapping), validating rows with a reason per bad row, one
// write transaction that commits all rows or none (or, when told to skip invalid rows, the good ones), stable
// derived ids for re-imports, and contact look-ups cached in memory. Progress goes to a callback (the
// CLI draws the bar); the rejects file is ./rejects.ts.
import crypto from "node:crypto";
import type { Store } from "../../db/open.js";
import { CrmError, ExitCode, interruptedError, quote } from "../../errors.js";
import { DateTextError, readDateText, type DateRules, type When } from "../../io/dates.js";
import { headerKey } from "../../io/csv.js";
import { normaliseEmail } from "../contacts/contacts.js";

// ---------------------------------------------------------------------------------------------
// Rows and reports

/** A row that cannot be imported, with the reason shown to the user. */
export class InvalidRow extends Error {
  constructor(
    message: string,
    /** True when the row is only a duplicate of something already there (exit 4 rather than 2). */
    readonly duplicate = false,
    /** The part of the message naming an unknown contact the import could create if asked to. */
    readonly unknownContact?: string,
  ) {
    super(message);
  }
}

export interface SourceRecord {
  line: number;
  cells: string[];
  /** Why the row is not imported, when a preset knows it is no data (a totals row): counted, not checked. */
  skip?: string;
}

/**
 * Thrown by an importer for a row that is valid but is not imported, by rule (a refunded order, a
 * totals row): counted in the report under its reason, never an error and never silent.
 */
export class SkipRow extends Error {}

export interface RowIssue {
  line: number;
  reason: string;
  cells: string[];
  duplicate: boolean;
  /** The part of `reason` naming an unknown contact the import could create if asked to. */
  unknownContact?: string;
}

/** What writing a row did; "counted" when the importer tells it in its own tallies (a refund row). */
export type RowOutcome = "added" | "updated" | "skipped" | "counted";

export interface ImportReport {
  file: string;
  dryRun: boolean;
  /** Whether anything was written (false for a dry run, or when invalid rows stopped the import). */
  committed: boolean;
  rows: number;
  added: number;
  updated: number;
  /** Rows already in the database (same external id, or a duplicate the user chose to skip). */
  skipped: number;
  invalid: RowIssue[];
  /** Contacts created along the way (when the import was asked to create unknown contacts). */
  createdContacts: number;
  /** Rows not imported by rule, counted by reason ("refunded in full": 2). */
  ignored: Record<string, number>;
  /** Counts the importer reports besides (e.g. "refunds recorded", "guest sales"). */
  tallies: Record<string, number>;
  /** What the user should know about how the file was read (encoding, preamble, columns). */
  notes: string[];
  /** The export the file was read as ("Shopify orders export (preset shopify)"), when a preset was used. */
  readAs?: string;
  rejectsFile?: string;
}

export interface Importer<T> {
  /** Reads and checks a row; throws InvalidRow (or a CrmError from a shared validator) when it is bad. */
  validate(record: SourceRecord): T;
  /** Writes a validated row inside the import's transaction. */
  write(value: T, record: SourceRecord): RowOutcome;
  /** Contacts the importer created, for the report. */
  createdContacts?(): number;
  /**
   * Called once every row is written, inside the transaction (rows that refer to others, such as
   * refunds of orders further down the file, are written here). Returns rows it could not write.
   */
  finish?(): { record: SourceRecord; err: unknown }[];
  /** Counts to report besides added/updated/skipped. */
  tallies?(): Record<string, number>;
  /**
   * The table the importer adds rows to, when crm find indexes it: its search-index trigger is then
   * replaced by one bulk insert at the end (see bulkSearchIndex).
   */
  searchIndexed?: "contacts" | "interactions" | "responses";
  /**
   * True when `validate` never depends on what `write` did to earlier rows: a batch of rows is then
   * validated first and written after, in a tight loop. Interleaving each row's parsing garbage with
   * SQLite's inserts evicted SQLite's pages from the CPU caches: a million purchases' inserts took
   * 23 s interleaved against 14 s in a loop. Outcomes and their order are the same either way.
   */
  validatesAhead?: boolean;
}

export interface ImportOptions {
  dryRun?: boolean;
  skipInvalid?: boolean;
  /** Called now and then with bytes read and the total, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Aborted (e.g. by Ctrl-C): the import stops at the next row and writes nothing. */
  signal?: AbortSignal;
}

export interface RecordSource {
  file: string;
  size: number;
  bytesRead(): number;
  records(): AsyncIterable<SourceRecord>;
  /** The same records in batches, when the source can (one await per batch). */
  batches?(): AsyncIterable<SourceRecord[]>;
  /** What the reader decided that the user should know (encoding, preamble): into the report. */
  notes?: readonly string[];
  /** The export the file was read as (a preset), for the report. */
  readAs?: string;
}

const reasonOf = (err: unknown): string | undefined => {
  if (err instanceof InvalidRow) return err.message;
  if (err instanceof CrmError && err.exitCode === 2) return err.message;
  return undefined;
};

/**
 * Runs an import in ONE write transaction. Every row is validated; rows are written as they come
 * (streaming, so a million rows need no memory) until the first invalid row, after which the rest are
 * only validated. At the end: a dry run rolls back; invalid rows without `skipInvalid` roll back
 * (nothing written, every bad row reported); otherwise the good rows commit.
 *
 * An aborted `signal` (Ctrl-C) is honoured before the transaction begins, between rows and just before
 * the commit: the transaction rolls back and an "interrupted: nothing was imported" error is thrown.
 * The commit itself is one synchronous step: a signal that arrives during it finds the import done.
 */
export async function runImport<T>(store: Store, source: RecordSource, importer: Importer<T>, opts: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = {
    file: source.file,
    dryRun: Boolean(opts.dryRun),
    committed: false,
    rows: 0,
    added: 0,
    updated: 0,
    skipped: 0,
    invalid: [],
    createdContacts: 0,
    ignored: {},
    tallies: {},
    notes: [...(source.notes ?? [])],
    readAs: source.readAs,
  };
  const ignore = (reason: string) => (report.ignored[reason] = (report.ignored[reason] ?? 0) + 1);
  const sqlite = store.sqlite;
  const signal = opts.signal;
  const stopIfInterrupted = () => {
    if (signal?.aborted) throw interruptedError(signal.reason, "nothing was imported");
  };
  stopIfInterrupted();
  // A bigger page cache for the import's connection, so that index pages of large tables stay in
  // memory: 16 MB, better-sqlite3's own default. 64 MB took a million purchases past 200 MB of peak
  // memory for no measurable gain in time.
  sqlite.pragma("cache_size = -16384");
  sqlite.exec("BEGIN IMMEDIATE");
  try {
    const searchIndex = importer.searchIndexed ? bulkSearchIndex(sqlite, importer.searchIndexed) : undefined;
    let writing = true;
    /** A row the importer refused: reported by line; without skip-invalid, nothing more is written. */
    const reject = (record: SourceRecord, err: unknown) => {
      const reason = reasonOf(err);
      if (reason === undefined) throw err;
      report.invalid.push({
        line: record.line,
        reason,
        cells: record.cells,
        duplicate: err instanceof InvalidRow && err.duplicate,
        unknownContact: err instanceof InvalidRow ? err.unknownContact : undefined,
      });
      if (!opts.skipInvalid) writing = false;
    };
    const batches: AsyncIterable<SourceRecord[]> = source.batches?.() ?? oneByOne(source.records());
    const write = (value: T, record: SourceRecord) => {
      try {
        const outcome = importer.write(value, record);
        if (outcome !== "counted") report[outcome]++;
      } catch (err) {
        if (err instanceof SkipRow) ignore(err.message);
        else reject(record, err);
      }
    };
    const refused = (record: SourceRecord, err: unknown) => {
      if (err instanceof SkipRow) ignore(err.message);
      else reject(record, err);
    };
    // Rows of the batch validated and not yet written (validate-ahead importers only): a row's value,
    // or why it is not written (`failed`), or nothing for a row the source skips.
    const ahead: { record: SourceRecord; value?: T; failed?: unknown; ok: boolean }[] = [];
    const flushAhead = () => {
      for (const item of ahead) {
        if (!item.ok) refused(item.record, item.failed);
        else if (item.record.skip !== undefined) ignore(item.record.skip);
        else if (writing) write(item.value as T, item.record);
      }
      ahead.length = 0;
    };
    for await (const batch of batches) {
      for (const record of batch) {
        stopIfInterrupted();
        report.rows++;
        if ((report.rows & 4095) === 0) {
          flushAhead();
          opts.onProgress?.(source.bytesRead(), source.size);
          // A source already in memory (vCards) never waits for I/O: give a signal handler its turn.
          if (signal) await new Promise((resolve) => setImmediate(resolve));
        }
        if (importer.validatesAhead) {
          if (record.skip !== undefined) ahead.push({ record, ok: true });
          else
            try {
              ahead.push({ record, value: importer.validate(record), ok: true });
            } catch (err) {
              ahead.push({ record, failed: err, ok: false });
            }
          continue;
        }
        if (record.skip !== undefined) {
          ignore(record.skip);
          continue;
        }
        let value: T;
        try {
          value = importer.validate(record);
        } catch (err) {
          refused(record, err);
          continue;
        }
        if (writing) write(value, record);
      }
      flushAhead();
    }
    if (writing)
      for (const { record, err } of importer.finish?.() ?? []) {
        if (err instanceof SkipRow) ignore(err.message);
        else reject(record, err);
      }
    report.tallies = importer.tallies?.() ?? {};
    opts.onProgress?.(source.size, source.size);
    stopIfInterrupted();
    report.createdContacts = importer.createdContacts?.() ?? 0;
    if (opts.dryRun || (report.invalid.length > 0 && !opts.skipInvalid)) {
      sqlite.exec("ROLLBACK");
    } else {
      searchIndex?.finish();
      sqlite.exec("COMMIT");
      report.committed = true;
    }
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw err;
  } finally {
    sqlite.pragma("cache_size = -2000");
  }
  return report;
}

// The search index's AFTER INSERT triggers (drizzle/0001_search_index.sql) have this shape.
const INSERT_TRIGGER =
  /^CREATE TRIGGER\s+\S+\s+AFTER INSERT ON\s+\S+\s+(?:WHEN\s+([\s\S]+?)\s+)?BEGIN\s+INSERT INTO search_index\s*\(([^)]*)\)\s*VALUES\s*\(([\s\S]*)\);\s*END$/i;

/**
 * Inside an import's transaction: drops `table`'s search-index trigger and returns `finish`, which
 * indexes every row added meanwhile with one INSERT … SELECT of the trigger's own expressions and puts
 * the trigger back. The trigger, run once per row, cost ~35 µs a row — three quarters of importing
 * 200,000 interactions; the bulk insert indexes the same rows seven times faster. Being DDL in the
 * transaction, the drop is undone by a rollback. Undefined (triggers left alone) when the trigger is
 * not of the expected shape.
 */
function bulkSearchIndex(sqlite: Store["sqlite"], table: "contacts" | "interactions" | "responses"): { finish(): void } | undefined {
  const trigger = `${table}_ai`;
  const definition = sqlite.prepare("select sql from sqlite_master where type = 'trigger' and name = ?").pluck().get(trigger) as string | undefined;
  const shape = definition === undefined ? null : INSERT_TRIGGER.exec(definition.trim());
  if (!definition || !shape) return undefined;
  const [, when, columns, values] = shape;
  const rowid = values!.slice(0, values!.indexOf(","));
  const since = sqlite.prepare(`select coalesce(max(id), 0) from ${table}`).pluck().get() as number;
  sqlite.exec(`drop trigger ${trigger}`);
  return {
    finish() {
      const added = `from ${table} as new where new.id > ?`;
      // A row added and then updated in the same import was indexed by the update trigger: replaced.
      sqlite.prepare(`delete from search_index where rowid in (select ${rowid} ${added})`).run(since);
      sqlite.prepare(`insert into search_index(${columns}) select ${values} ${added}${when ? ` and (${when})` : ""} order by new.id`).run(since);
      sqlite.exec(definition);
    },
  };
}

async function* oneByOne<R>(records: AsyncIterable<R>): AsyncGenerator<R[]> {
  for await (const record of records) yield [record];
}

// ---------------------------------------------------------------------------------------------
// Columns

export interface ColumnSpec {
  /** The field the column fills. */
  field: string;
  /** Recognised header names as `headerKey`s, most specific first. */
  aliases: readonly string[];
  description: string;
}

/**
 * A refusal about which column fills which field, in the domain's words; `problem` says what is wrong
 * so that a command can word it with the option the user gave the mapping by.
 */
export class ColumnMapError extends CrmError {
  constructor(
    message: string,
    hint: string,
    readonly problem:
      | { kind: "no-such-column"; column: string; file: string }
      | { kind: "unknown-target"; target: string; known: string }
      | { kind: "not-csv" }
      | { kind: "missing-column"; example: string },
  ) {
    super(message, ExitCode.usage, hint);
  }
}

/** The refusal of a mapping naming a column `file` does not have. */
export function noSuchColumn(file: string, column: string, header: readonly string[]): ColumnMapError {
  return new ColumnMapError(
    `the column mapping names the column ${quote(column)}, which ${quote(file)} does not have`,
    `its columns are: ${header.map((h) => JSON.stringify(h)).join(", ")}`,
    {
      kind: "no-such-column",
      column,
      file,
    },
  );
}

/** The refusal of a mapping to a target the import does not know; `known` says what it is not ("a contact field"). */
export function unknownTarget(target: string, known: string, targets: readonly string[]): ColumnMapError {
  return new ColumnMapError(`the column mapping's target ${quote(target)} is not ${known}`, `use one of: ${targets.join(", ")}`, {
    kind: "unknown-target",
    target,
    known,
  });
}

/** The columns a rejects file adds to the rows it holds (./rejects.ts), after them or before them. */
export const REJECTS_COLUMNS = ["line", "reason"] as const;

/**
 * The indexes of the `line` and `reason` columns when `header` is a rejects file's, so a rejects file,
 * once fixed, imports again without them: they are bookkeeping, not data ("reason" would otherwise
 * fill a response's comment, and a contact would get them as custom fields). Empty otherwise.
 */
export function rejectsColumns(header: readonly string[]): number[] {
  const [line, reason] = REJECTS_COLUMNS;
  const n = header.length;
  if (n > 2 && header[n - 2] === line && header[n - 1] === reason) return [n - 2, n - 1];
  if (n > 2 && header[0] === line && header[1] === reason) return [0, 1];
  return [];
}

/**
 * Finds which column fills which field: the user's mapping first, then recognised headers (each column
 * used once, aliases in priority order; a rejects file's own columns left out). Returns field → column
 * index, and column index → what the mapping made of it ("ignore" for a rejects file's own columns too),
 * and a note for each field that a second column could have filled too (which one is used, and why).
 */
export function resolveColumns(
  header: readonly string[],
  specs: readonly ColumnSpec[],
  map: ReadonlyMap<string, string>,
  opts: { file: string; extraTarget?: (target: string) => boolean } = { file: "" },
): { columns: Map<string, number>; mapped: Map<number, string>; notes: string[] } {
  const notes: string[] = [];
  const columns = new Map<string, number>();
  const mapped = new Map<number, string>();
  const claimed = new Set<number>();
  const fields = new Set(specs.map((s) => s.field));
  for (const [sourceName, target] of map) {
    let index = header.indexOf(sourceName);
    if (index < 0) index = header.findIndex((h) => headerKey(h) === headerKey(sourceName));
    if (index < 0) throw noSuchColumn(opts.file, sourceName, header);
    const t = target.trim();
    if (t === "ignore" || t === "-") {
      claimed.add(index);
      mapped.set(index, "ignore");
      continue;
    }
    const field = [...fields].find((f) => f.toLowerCase() === t.toLowerCase()) ?? (opts.extraTarget?.(t) ? t : undefined);
    if (!field) throw unknownTarget(target, "a field this import knows", [...fields, "ignore"]);
    claimed.add(index);
    mapped.set(index, field);
    if (fields.has(field)) columns.set(field, index);
  }
  for (const index of rejectsColumns(header)) {
    if (claimed.has(index)) continue;
    claimed.add(index);
    mapped.set(index, "ignore");
  }
  const keys = header.map(headerKey);
  for (const spec of specs) {
    if (columns.has(spec.field)) continue;
    // A header that is the field's own name (a preset's output, a crm export) is that field.
    const own = header.findIndex((h, i) => h === spec.field && !claimed.has(i));
    if (own >= 0) {
      columns.set(spec.field, own);
      claimed.add(own);
      continue;
    }
    for (const alias of spec.aliases) {
      const index = keys.findIndex((k, i) => k === alias && !claimed.has(i));
      if (index >= 0) {
        columns.set(spec.field, index);
        claimed.add(index);
        const others = keys.filter((k, i) => !claimed.has(i) && k === alias);
        const second = keys.findIndex((k, i) => !claimed.has(i) && spec.aliases.includes(k) && !others.includes(k));
        if (others.length || second >= 0) {
          const other = header[others.length ? keys.findIndex((k, i) => !claimed.has(i) && k === alias) : second]!;
          notes.push(
            `both ${quote(header[index]!)} and ${quote(other)} could be the ${spec.field}: using ${quote(header[index]!)} (map the other to use it instead)`,
          );
        }
        break;
      }
    }
  }
  return { columns, mapped, notes };
}

/** The usage error for a file that lacks a required column: names what is there and how to map it. */
export function missingColumn(file: string, header: readonly string[], what: string, spec: ColumnSpec | undefined, example: string): CrmError {
  const known = spec ? ` (recognised: ${spec.aliases.slice(0, 6).join(", ")}…)` : "";
  return new ColumnMapError(
    `${quote(file)} has no ${what} column${known}; its columns are: ${header.map((h) => JSON.stringify(h)).join(", ")}`,
    `map a column to it, e.g. "${example}"`,
    { kind: "missing-column", example },
  );
}

// ---------------------------------------------------------------------------------------------
// Values

/** Trimmed cell text, or undefined when the column is absent or the cell empty. */
export function cell(cells: readonly string[], index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const v = cells[index];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

/** How to settle an ambiguous date, when the caller does not say. */
const SETTLE_DATE = "say which the file uses with its date format or the date order setting";

/**
 * The instant of an imported date, as an ISO UTC string (see readDateText for the forms). A bare date
 * (`2024-03-05`, `20240305`, `2024/03/05`) means that calendar day and is stored at local midnight, so
 * reports "as of" that day count it; a date-time without a zone is local time (UTC under `rules.utc`);
 * with `Z`, an offset or a zone name it is that instant. Ambiguous forms (`03/05/2024`) are refused
 * unless `rules.order` settles them.
 */
export function parseImportDate(text: string, what = "date", rules: DateRules = {}, how = SETTLE_DATE): string {
  try {
    return readDateText(text, rules, how).date.toISOString();
  } catch (err) {
    if (!(err instanceof DateTextError)) throw err;
    throw new InvalidRow(`cannot read the ${what} ${quote(text)}: ${err.message}`);
  }
}

const UTC_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The fast path of parseImportDate for the commonest form in shop exports, a UTC instant
 * ("2024-03-05T14:30:00Z", optionally with milliseconds): the same result without the general
 * parser. Undefined for anything else, including impossible dates, which the general path refuses.
 */
export function utcInstant(text: string): string | undefined {
  const m = UTC_INSTANT.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && leap ? 29 : MONTH_DAYS[mo - 1];
  // Years outside 1000–9999 are refused by the general path (crm's date range): left to it.
  if (y < 1000 || days === undefined || d < 1 || d > days) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  // Valid and already in toISOString()'s form, but for the milliseconds it may lack.
  return m[7] ? text : `${text.slice(0, 19)}.000Z`;
}

/**
 * `parseImportDate` with a memo, since exports repeat the same dates over and over — except for
 * UTC instants, which rarely repeat and have a fast path of their own. `read`, when given, reads the
 * dates instead (a user's date format, see dateTextReader); its refusals become the row's reason.
 */
export function cachedDateParser(what = "date", rules: DateRules = {}, read?: (text: string) => When, how = SETTLE_DATE): (text: string) => string {
  const cache = new Map<string, string>();
  const parse = read
    ? (text: string) => {
        try {
          return read(text).date.toISOString();
        } catch (err) {
          if (err instanceof DateTextError) throw new InvalidRow(`cannot read the ${what} ${quote(text)}: ${err.message}`);
          throw err;
        }
      }
    : (text: string) => parseImportDate(text, what, rules, how);
  return (text) => {
    if (!read) {
      const instant = utcInstant(text);
      if (instant !== undefined) return instant;
    }
    let iso = cache.get(text);
    if (iso === undefined) {
      iso = parse(text);
      if (cache.size > 100_000) cache.clear();
      cache.set(text, iso);
    }
    return iso;
  };
}

/** Whether normaliseEmail gives `email` back unchanged. */
function isNormalisedEmail(email: string): boolean {
  try {
    return normaliseEmail(email) === email;
  } catch {
    return false;
  }
}

const hash = (text: string): Buffer => crypto.createHash("sha256").update(text).digest();

/**
 * Stable ids for rows that carry none: a hash of the row's normalised content. Identical rows in one
 * file are told apart by their occurrence ("…#2" for the second), so a file re-imported gives the same
 * ids (nothing twice) while two genuinely equal purchases in it both count.
 */
export class DerivedRefs {
  private seen = new Map<number, number>();
  constructor(private readonly prefix: string) {}

  ref(parts: readonly (string | number | null | undefined)[]): string {
    const digest = hash(parts.map((p) => (p === null || p === undefined ? "" : String(p))).join("\u001f"));
    const key = digest.readUIntBE(0, 6);
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    const base = `${this.prefix}${digest.subarray(0, 18).toString("base64url")}`;
    return n === 1 ? base : `${base}#${n}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Contacts referred to by imported rows

/** How a row names its contact. */
export interface ContactKey {
  email?: string;
  /** crm's own contact id. */
  id?: number;
  /** The shop's / source's customer id, kept on the contact as the field `customer_id`. */
  customerId?: string;
  name?: string;
}

/** A contact resolved (id) or to be created when the row is written (when the import creates contacts). */
export type ContactTarget = { id: number } | { create: { name: string; email?: string; customerId?: string } };

/**
 * Looks contacts up by email, id, customer id or exact name from maps loaded once (no query per
 * row), and creates missing ones when allowed. New contacts enter the maps, so a file naming the same
 * new customer on many rows creates them once.
 */
export class ContactDirectory {
  private emails?: Map<string, number>;
  /** Addresses in `emails` that normaliseEmail would not give back unchanged (stored before a rule): usually none. */
  private unnormalised = new Set<string>();
  private customerIds?: Map<string, number>;
  private names?: Map<string, { id: number; name: string }[]>;
  private ids?: Map<number, string>;
  private created = 0;
  private insertContact;
  private insertField;

  constructor(
    private readonly store: Store,
    private readonly now: Date,
    private readonly opts: { create: boolean; source?: string },
  ) {
    this.insertContact = store.sqlite.prepare("insert into contacts(name, email, source, created_at, updated_at) values (?, ?, ?, ?, ?) returning id");
    this.insertField = store.sqlite.prepare("insert or replace into contact_fields(contact_id, key, value) values (?, ?, ?)");
  }

  private emailMap(): Map<string, number> {
    if (!this.emails) {
      this.emails = new Map();
      // Lowest id wins when several contacts share an address (allowed when asked for).
      for (const r of this.store.sqlite.prepare("select id, email from contacts where email is not null order by id desc").iterate() as Iterable<{
        id: number;
        email: string;
      }>) {
        const key = r.email.toLowerCase();
        this.emails.set(key, r.id);
        if (!isNormalisedEmail(key)) this.unnormalised.add(key);
      }
    }
    return this.emails;
  }

  private customerMap(): Map<string, number> {
    if (!this.customerIds) {
      this.customerIds = new Map();
      for (const r of this.store.sqlite
        .prepare("select contact_id as id, value from contact_fields where key = 'customer_id' order by contact_id desc")
        .iterate() as Iterable<{ id: number; value: string }>)
        this.customerIds.set(r.value, r.id);
    }
    return this.customerIds;
  }

  private idMap(): Map<number, string> {
    if (!this.ids) {
      this.ids = new Map();
      for (const r of this.store.sqlite.prepare("select id, name from contacts").iterate() as Iterable<{ id: number; name: string }>)
        this.ids.set(r.id, r.name);
    }
    return this.ids;
  }

  private nameMap(): Map<string, { id: number; name: string }[]> {
    if (!this.names) {
      this.names = new Map();
      for (const [id, name] of this.idMap()) {
        const k = name.trim().toLowerCase();
        (this.names.get(k) ?? this.names.set(k, []).get(k)!).push({ id, name });
      }
    }
    return this.names;
  }

  /**
   * Resolves a row's contact. Order: email; crm id (checked against the name when the row has one);
   * customer id; exact name (unique). Unknown → created when allowed (from an email or a customer id),
   * else an InvalidRow that says how to fix it.
   */
  resolve(key: ContactKey): ContactTarget {
    let email: string | undefined;
    if (key.email !== undefined) {
      // An address written as crm keeps it (the usual case) is its own normal form: no normalising.
      const known = this.emailMap().get(key.email);
      if (known !== undefined && !this.unnormalised.has(key.email)) return { id: known };
      // No memo of addresses as written: beside the map of every contact's address it doubled what
      // an import holds, for a normalising that costs less than the look-up.
      try {
        email = normaliseEmail(key.email);
      } catch {
        throw new InvalidRow(`invalid email ${quote(key.email)}`);
      }
      const id = this.emailMap().get(email);
      if (id !== undefined) return { id };
    }
    if (key.id !== undefined) {
      const name = this.idMap().get(key.id);
      if (name !== undefined && (key.name === undefined || key.name.trim().toLowerCase() === name.trim().toLowerCase())) return { id: key.id };
      if (key.name === undefined) throw new InvalidRow(`no contact #${key.id}`);
    }
    if (key.customerId !== undefined) {
      const id = this.customerMap().get(key.customerId);
      if (id !== undefined) return { id };
    }
    if (key.name !== undefined && email === undefined && key.customerId === undefined) {
      const matches = this.nameMap().get(key.name.trim().toLowerCase()) ?? [];
      if (matches.length === 1) return { id: matches[0]!.id };
      if (matches.length > 1)
        throw new InvalidRow(
          `the name ${quote(key.name)} matches several contacts (${matches
            .slice(0, 5)
            .map((m) => `#${m.id}`)
            .join(", ")}); give an email or a contact id`,
        );
    }
    if (this.opts.create && (email !== undefined || key.customerId !== undefined)) {
      const name = key.name?.trim() || (key.customerId !== undefined && email === undefined ? `Customer ${key.customerId}` : email!);
      return { create: { name, email, customerId: key.customerId } };
    }
    const what =
      email !== undefined
        ? `no contact with email ${quote(email)}`
        : key.customerId !== undefined
          ? `no contact with customer id ${quote(key.customerId)}`
          : key.id !== undefined
            ? `no contact #${key.id} named ${quote(key.name)}`
            : `no contact named ${quote(key.name)}`;
    const creatable = email !== undefined || key.customerId !== undefined;
    throw new InvalidRow(what, false, !this.opts.create && creatable ? what : undefined);
  }

  /** The contact id for a resolved target, creating the contact now if it is new. */
  ensure(target: ContactTarget): number {
    if ("id" in target) return target.id;
    const { name, email, customerId } = target.create;
    // An earlier row may have created this contact already.
    const existing =
      (email !== undefined ? this.emailMap().get(email) : undefined) ?? (customerId !== undefined ? this.customerMap().get(customerId) : undefined);
    if (existing !== undefined) return existing;
    const stamp = this.now.toISOString();
    const { id } = this.insertContact.get(name, email ?? null, this.opts.source ?? null, stamp, stamp) as { id: number };
    if (customerId !== undefined) {
      this.insertField.run(id, "customer_id", customerId);
      this.customerMap().set(customerId, id);
    }
    if (email !== undefined) this.emailMap().set(email, id);
    this.ids?.set(id, name);
    if (this.names) {
      const k = name.trim().toLowerCase();
      (this.names.get(k) ?? this.names.set(k, []).get(k)!).push({ id, name });
    }
    this.created++;
    return id;
  }

  createdCount(): number {
    return this.created;
  }
}

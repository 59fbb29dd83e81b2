// `crm backup` and `crm restore`: copies made with SQLite's online backup API, which reads one
// consistent snapshot while other crm processes keep writing (WAL), and restores that check the file
// is a crm database of a known schema BEFORE touching anything, keeping the replaced database aside.
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { checkCrmDatabase, checkHeader, migrateNow, openStore, SCHEMA_VERSION, type OpenOptions, type Store } from "../../db/open.js";
import { openSqlite } from "../../db/driver.js";
import { checkSchema } from "../../db/migrations.js";
import { UnusableDatabaseError } from "../../db/errors.js";
import { isDatabaseFile } from "../../db/files.js";
import { conflict, fileWriteError, storageError, usageError, quote, CrmError } from "../../errors.js";
import { localStamp } from "../../io/dates.js";

/** A name beside `dbPath` that does not exist yet: `crm-backup-20260302-090501.db` (then `-2`, `-3`…). */
function besideDatabase(dbPath: string, label: string, when: Date): string {
  const dir = path.dirname(dbPath);
  const base = path.basename(dbPath).replace(/\.(db|sqlite3?)$/i, "");
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${base}-${label}-${localStamp(when)}${n > 1 ? `-${n}` : ""}.db`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/** How many `crm-before-restore-*` copies are kept beside the database: the newest ones. */
const KEPT_BEFORE_RESTORE = 3;

const open = (file: string, readonly = false) => openSqlite(file, { readonly });

const contactCount = (db: Database.Database, schema = "main") => db.prepare<[], number>(`select count(*) from ${schema}.contacts`).pluck().get()!;

const removeSidecars = (file: string) => {
  for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
};

/**
 * Copies a live database into `target` (created 0600) in one backup step, so the copy is one
 * consistent snapshot even while other processes write; then makes it a self-contained file
 * (rollback journal, no -wal beside it) and checks it reads back as the same database. A full disk
 * is exit 5 naming `target`, and nothing is left of it.
 */
async function copyDatabase(source: Database.Database, target: string): Promise<void> {
  try {
    fs.closeSync(fs.openSync(target, "wx", 0o600));
  } catch (err) {
    throw fileWriteError(err, target);
  }
  try {
    await source.backup(target, { progress: () => 0x7fffffff });
    const copy = open(target);
    try {
      copy.pragma("journal_mode = DELETE");
      const check = copy.pragma("quick_check", { simple: true });
      if (check !== "ok") throw storageError(`the copy ${quote(target)} failed its integrity check: ${check}`);
      // better-sqlite3 reports a backup whose first step found the source busy as done: an empty copy.
      if (copy.pragma("application_id", { simple: true }) !== source.pragma("application_id", { simple: true }))
        throw storageError(`the copy ${quote(target)} came out empty: the database was busy`, "try again in a moment");
    } finally {
      copy.close();
    }
    fs.chmodSync(target, 0o600);
  } catch (err) {
    fs.rmSync(target, { force: true });
    removeSidecars(target);
    throw fileWriteError(err, target);
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  contacts: number;
}

/**
 * Refuses a backup file that cannot be written (exit 2; exit 4 for an existing file without `replace`)
 * without opening the database: the database itself under any name (a symlink, a symlinked folder, a
 * hard link, its -wal or -shm), a directory, a device or pipe, a missing folder.
 */
export function checkBackupTarget(dbPath: string, file: string, opts: { replace?: boolean } = {}): void {
  if (isDatabaseFile(dbPath, file)) throw usageError(`${quote(file)} is the database itself`, "give another file name for the backup");
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw usageError(`${quote(file)} is a directory`, "give a file name for the backup, e.g. crm-backup.db");
    if (!fs.statSync(file).isFile()) throw usageError(`${quote(file)} is not a regular file`, "give a file name for the backup, e.g. crm-backup.db");
    if (!opts.replace) throw conflict(`${quote(file)} already exists`, "choose another name, or replace it");
  }
  if (!fs.existsSync(path.dirname(path.resolve(file))))
    throw usageError(`the directory of ${quote(file)} does not exist`, "create it first, or choose another path");
}

/** Copies the database to `target` (default: beside it, named by `now`); an existing file only with `replace`. */
export async function backupDatabase(store: Store, target: string | undefined, now: Date, opts: { replace?: boolean } = {}): Promise<BackupResult> {
  const file = target ? path.resolve(target) : besideDatabase(store.path, "backup", now);
  checkBackupTarget(store.path, file, opts);
  if (fs.existsSync(file)) {
    fs.rmSync(file);
    removeSidecars(file);
  }
  await copyDatabase(store.sqlite, file);
  const check = open(file, true);
  try {
    const contacts = contactCount(check);
    return { file, bytes: fs.statSync(file).size, contacts };
  } finally {
    check.close();
  }
}

/** The database checks, with a hint about backups rather than about --db. */
function asBackupError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CrmError && err.hint?.includes("--db")) throw storageError(err.message, "give the path of a backup made by `crm backup`");
    throw err;
  }
}

export interface RestoreCandidate {
  file: string;
  /** The backup's schema version (it is upgraded to this crm's on the staged copy). */
  version: number;
  contacts: number;
  /** A private, checked copy of the file (and its -wal) beside the database; removed after use. */
  staged: string;
}

/**
 * Checks that `file` is a crm database of a schema this crm knows, holding nothing crm did not create,
 * with its integrity intact, without changing it: the checks run on a private copy (with the file's
 * -wal, if any) beside the database, which is then upgraded to this crm's schema.
 */
export function stageRestore(dbPath: string, file: string): RestoreCandidate {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw usageError(`no such file ${quote(file)}`, "give the path of a backup made by `crm backup`");
  if (fs.statSync(source).isDirectory()) throw usageError(`${quote(file)} is a directory`, "give the path of a backup file");
  if (isDatabaseFile(dbPath, source)) throw usageError(`${quote(file)} is the database itself`, "give the path of a backup");
  asBackupError(() => checkHeader(source));
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  const staged = `${dbPath}.restoring-${process.pid}`;
  removeSidecars(staged);
  try {
    fs.copyFileSync(source, staged);
    fs.chmodSync(staged, 0o600);
    if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${staged}-wal`);
  } catch (err) {
    discardStaged({ staged });
    throw fileWriteError(err, staged);
  }
  try {
    const db = open(staged);
    try {
      const { blank, version } = asBackupError(() => checkCrmDatabase(db, file));
      if (blank || version < 1) throw storageError(`${quote(file)} is an empty database, not a crm backup`, "give the path of a backup made by `crm backup`");
      checkSchema(db, file, version);
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw storageError(`${quote(file)} is damaged (integrity check: ${check})`, "use another backup");
      if (version < SCHEMA_VERSION) migrateNow(db);
      const contacts = contactCount(db);
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.pragma("journal_mode = DELETE");
      return { file: source, version, contacts, staged };
    } finally {
      db.close();
    }
  } catch (err) {
    discardStaged({ staged });
    const code = (err as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
      throw storageError(`${quote(file)} is corrupt or not a crm database`, "use another backup");
    throw fileWriteError(err, staged);
  }
}

export function discardStaged(candidate: { staged: string }): void {
  fs.rmSync(candidate.staged, { force: true });
  removeSidecars(candidate.staged);
}

/** What the database file holds now, for the confirmation question; undefined when it is unusable. */
export function describeCurrent(dbPath: string): { contacts: number } | undefined {
  if (!fs.existsSync(dbPath) || fs.statSync(dbPath).size === 0) return undefined;
  try {
    const db = open(dbPath, true);
    try {
      return { contacts: contactCount(db) };
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

export interface RestoreResult {
  /** Where the replaced database was kept, when there was one. */
  keptAs?: string;
  contacts: number;
  version: number;
  /** Older `crm-before-restore-*` copies deleted to keep only the newest few. */
  pruned: string[];
}

/** The tables that hold records (not SQLite's own, not a virtual table or the tables behind one). */
function recordTables(db: Database.Database): string[] {
  const all = db.prepare<[], { name: string; sql: string }>("select name, sql from main.sqlite_master where type = 'table'").all();
  const virtual = all.filter((t) => /^create virtual table/i.test(t.sql)).map((t) => t.name);
  return all
    .map((t) => t.name)
    .filter((name) => !name.startsWith("sqlite_") && !virtual.includes(name) && !virtual.some((v) => name.startsWith(`${v}_`)))
    .sort();
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Replaces the records of the open database with those of the attached `src`, in the caller's write
 * transaction: every table emptied and refilled (the search index follows through its triggers), then
 * compared with the backup row for row. A difference throws, and the caller rolls back.
 */
function copyRecords(db: Database.Database, file: string): void {
  const tables = recordTables(db);
  for (const t of tables) db.exec(`delete from main.${ident(t)}`);
  db.exec("delete from main.search_index");
  for (const t of tables) db.exec(`insert into main.${ident(t)} select * from src.${ident(t)}`);
  const hasSequence = (schema: string) => db.prepare(`select 1 from ${schema}.sqlite_master where name = 'sqlite_sequence'`).get() !== undefined;
  if (hasSequence("main")) db.exec("delete from main.sqlite_sequence");
  if (hasSequence("main") && hasSequence("src")) db.exec("insert into main.sqlite_sequence select * from src.sqlite_sequence");
  for (const t of tables) {
    const count = (schema: string) =>
      db
        .prepare<[], number>(`select count(*) from ${schema}.${ident(t)}`)
        .pluck()
        .get()!;
    const differ = (a: string, b: string) =>
      db
        .prepare<[], number>(`select count(*) from (select * from ${a}.${ident(t)} except select * from ${b}.${ident(t)})`)
        .pluck()
        .get()!;
    if (count("main") !== count("src") || differ("main", "src") || differ("src", "main"))
      throw storageError(`restoring ${quote(file)} did not reproduce its table ${quote(t)}: nothing was changed`);
  }
}

/** Deletes all but the newest `KEPT_BEFORE_RESTORE` before-restore copies beside the database. */
function pruneBeforeRestoreCopies(dbPath: string): string[] {
  const dir = path.dirname(dbPath);
  const prefix = `${path.basename(dbPath).replace(/\.(db|sqlite3?)$/i, "")}-before-restore-`;
  const copies = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".db"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs || b.localeCompare(a));
  const old = copies.slice(KEPT_BEFORE_RESTORE);
  for (const f of old) {
    fs.rmSync(f, { force: true });
    removeSidecars(f);
  }
  return old;
}

/**
 * Replaces the content of the database at `dbPath` with a staged backup, through SQLite, in one write
 * transaction of the live database: other processes that have it open wait for the lock as for any
 * write (up to the busy timeout, then exit 5 and nothing changed) and then see the restored records;
 * the file is never swapped under them. Inside that transaction the current database is first copied
 * aside (`crm-before-restore-<time>.db`, the newest `KEPT_BEFORE_RESTORE` kept), and the result is
 * compared with the backup before it is committed. Only a file crm cannot use as a database (not
 * SQLite, corrupt, changed by another program) — which no crm process can have open — is moved aside
 * and replaced by the backup instead.
 */
export async function restoreDatabase(dbPath: string, candidate: RestoreCandidate, now: Date, opts: OpenOptions = {}): Promise<RestoreResult> {
  try {
    const existed = fs.existsSync(dbPath) && fs.statSync(dbPath).size > 0;
    let store: Store;
    try {
      store = openStore(dbPath, { ...opts, create: true });
    } catch (err) {
      if (!(err instanceof UnusableDatabaseError)) throw err;
      return await replaceUnusable(dbPath, candidate, now, opts);
    }
    const db = store.sqlite;
    let keptAs: string | undefined;
    try {
      db.prepare("attach ? as src").run(candidate.staged);
      db.pragma("foreign_keys = OFF");
      db.exec("BEGIN IMMEDIATE");
      try {
        if (existed) {
          keptAs = besideDatabase(dbPath, "before-restore", now);
          // Read by another connection: the last committed state, which this one's lock keeps final.
          const reader = open(dbPath, true);
          try {
            await copyDatabase(reader, keptAs);
          } finally {
            reader.close();
          }
        }
        copyRecords(db, candidate.file);
        db.exec("COMMIT");
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        if (keptAs) fs.rmSync(keptAs, { force: true });
        keptAs = undefined;
        throw err;
      }
      db.exec("detach src");
      db.pragma("foreign_keys = ON");
      return { keptAs, contacts: contactCount(db), version: candidate.version, pruned: keptAs ? pruneBeforeRestoreCopies(dbPath) : [] };
    } finally {
      db.close();
    }
  } finally {
    discardStaged(candidate);
  }
}

/** A database file crm cannot open is kept aside byte for byte, and the staged backup takes its place. */
async function replaceUnusable(dbPath: string, candidate: RestoreCandidate, now: Date, opts: OpenOptions): Promise<RestoreResult> {
  const keptAs = besideDatabase(dbPath, "before-restore", now);
  try {
    fs.copyFileSync(dbPath, keptAs);
    fs.chmodSync(keptAs, 0o600);
  } catch (err) {
    fs.rmSync(keptAs, { force: true });
    throw fileWriteError(err, keptAs);
  }
  removeSidecars(dbPath);
  fs.renameSync(candidate.staged, dbPath);
  fs.chmodSync(dbPath, 0o600);
  const store = openStore(dbPath, opts);
  try {
    store.sqlite.pragma("journal_mode = WAL");
    return { keptAs, contacts: contactCount(store.sqlite), version: candidate.version, pruned: pruneBeforeRestoreCopies(dbPath) };
  } finally {
    store.sqlite.close();
  }
}

// `crm backup` and `crm restore`: copies made with SQLite's online backup API, which reads one
// consistent snapshot while other crm processes keep writing (WAL), and restores that check the file
// is a crm database of a known schema BEFORE touching anything, keeping the replaced database aside.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { checkCrmDatabase, checkHeader, nativeBinding, openStore, type OpenOptions, type Store } from "../../db/open.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "../../db/errors.js";
import { conflict, storageError, usageError, quote, CrmError } from "../../errors.js";
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

const open = (file: string, readonly = false) => new Database(file, { fileMustExist: true, readonly, nativeBinding: nativeBinding() });

const contactCount = (db: Database.Database) => db.prepare<[], number>("select count(*) from contacts").pluck().get()!;

const removeSidecars = (file: string) => {
  for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
};

/**
 * Copies a live database into `target` (created 0600) in one backup step, so the copy is one
 * consistent snapshot even while other processes write; then makes it a self-contained file
 * (rollback journal, no -wal beside it) and checks it reads back.
 */
async function copyDatabase(source: Database.Database, target: string): Promise<void> {
  fs.closeSync(fs.openSync(target, "wx", 0o600));
  try {
    await source.backup(target, { progress: () => 0x7fffffff });
    const copy = open(target);
    try {
      copy.pragma("journal_mode = DELETE");
      const check = copy.pragma("quick_check", { simple: true });
      if (check !== "ok") throw storageError(`the copy ${quote(target)} failed its integrity check: ${check}`);
    } finally {
      copy.close();
    }
    fs.chmodSync(target, 0o600);
  } catch (err) {
    fs.rmSync(target, { force: true });
    removeSidecars(target);
    throw err;
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  contacts: number;
}

/** Copies the database to `target` (default: beside it, named by `now`); an existing file only with `replace`. */
export async function backupDatabase(store: Store, target: string | undefined, now: Date, opts: { replace?: boolean } = {}): Promise<BackupResult> {
  const file = target ? path.resolve(target) : besideDatabase(store.path, "backup", now);
  if (file === path.resolve(store.path)) throw usageError("the backup cannot be the database itself", "give another file name");
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw usageError(`${quote(file)} is a directory`, "give a file name for the backup, e.g. crm-backup.db");
    if (!opts.replace) throw conflict(`${quote(file)} already exists`, "choose another name, or replace it");
    fs.rmSync(file);
    removeSidecars(file);
  }
  if (!fs.existsSync(path.dirname(file))) throw usageError(`the directory of ${quote(file)} does not exist`, "create it first, or choose another path");
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
  version: number;
  contacts: number;
  /** A private, checked copy of the file (and its -wal) beside the database; removed after use. */
  staged: string;
}

/**
 * Checks that `file` is a crm database of a schema this crm knows, with its integrity intact, without
 * changing it: the checks run on a copy (with the file's -wal, if any) beside the database.
 */
export function stageRestore(dbPath: string, file: string): RestoreCandidate {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw usageError(`no such file ${quote(file)}`, "give the path of a backup made by `crm backup`");
  if (fs.statSync(source).isDirectory()) throw usageError(`${quote(file)} is a directory`, "give the path of a backup file");
  if (source === path.resolve(dbPath)) throw usageError(`${quote(file)} is the database itself`, "give the path of a backup");
  asBackupError(() => checkHeader(source));
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  const staged = `${dbPath}.restoring-${process.pid}`;
  removeSidecars(staged);
  fs.copyFileSync(source, staged);
  fs.chmodSync(staged, 0o600);
  if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${staged}-wal`);
  try {
    const db = open(staged);
    try {
      const { blank, version } = asBackupError(() => checkCrmDatabase(db, file));
      if (blank || version < 1) throw storageError(`${quote(file)} is an empty database, not a crm backup`, "give the path of a backup made by `crm backup`");
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw storageError(`${quote(file)} is damaged (integrity check: ${check})`, "use another backup");
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
    throw err;
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
}

/**
 * Replaces the database at `dbPath` with a staged backup. The current database is first copied aside
 * (`crm-before-restore-<time>.db`). A healthy current database is overwritten through SQLite's backup
 * API (so its -wal/-shm stay coherent and other connections see the change atomically); an unusable
 * one is moved aside with its -wal/-shm and the backup moved into place.
 */
export async function restoreDatabase(dbPath: string, candidate: RestoreCandidate, now: Date, opts: OpenOptions = {}): Promise<RestoreResult> {
  let keptAs: string | undefined;
  try {
    const exists = fs.existsSync(dbPath) && fs.statSync(dbPath).size > 0;
    let replaced = false;
    if (exists) {
      keptAs = besideDatabase(dbPath, "before-restore", now);
      let current: Database.Database | undefined;
      try {
        current = open(dbPath);
        current.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
        await copyDatabase(current, keptAs);
      } catch {
        // Not readable as a database (that may be why we restore): keep its bytes as they are.
        current?.close();
        current = undefined;
        fs.copyFileSync(dbPath, keptAs);
        fs.chmodSync(keptAs, 0o600);
      }
      if (current) {
        const staged = open(candidate.staged);
        try {
          await staged.backup(dbPath, { progress: () => 0x7fffffff });
          replaced = true;
        } catch {
          // e.g. a page size the live database cannot take in WAL mode: fall back to moving files.
        } finally {
          staged.close();
          current.close();
        }
      }
    }
    if (!replaced) {
      removeSidecars(dbPath);
      fs.renameSync(candidate.staged, dbPath);
      fs.chmodSync(dbPath, 0o600);
    }
  } finally {
    discardStaged(candidate);
  }
  // Open it the usual way: WAL mode, and a migration (with its own copy) if the backup is older.
  const store = openStore(dbPath, opts);
  try {
    store.sqlite.pragma("journal_mode = WAL");
    const contacts = contactCount(store.sqlite);
    return { keptAs, contacts, version: candidate.version };
  } finally {
    store.sqlite.close();
  }
}

// Opening the database: where it lives, refusing files that are not ours (leaving them untouched),
// creating it with private permissions, and migrating it to the schema this binary knows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import journal from "../../drizzle/meta/_journal.json" with { type: "json" };
import { storageError, quote, CrmError, ExitCode } from "../errors.js";
import { busyTimeoutMs, translateSqliteError, DEFAULT_BUSY_TIMEOUT_MS, UnusableDatabaseError } from "./errors.js";
import { openSqlite } from "./driver.js";
import { applyMigrations, checkSchema } from "./migrations.js";
import { finishPendingErasure } from "./erasure.js";
import { removeLeftovers } from "./files.js";

export { busyTimeoutMs, translateSqliteError };

export interface Store {
  sqlite: Database.Database;
  path: string;
  /** How long a write waits for another process's lock before SQLITE_BUSY (CRM_BUSY_TIMEOUT_MS). */
  busyTimeoutMs: number;
}

export interface OpenOptions {
  /** Defaults to 5000 ms; the CLI passes `busyTimeoutMs(env)`. */
  busyTimeoutMs?: number;
  /**
   * Told when an existing database is upgraded to this binary's schema, with the sentence to show the
   * person (where the copy of the old database is). Without it the upgrade happens silently.
   */
  onUpgrade?: (message: string) => void;
  /** False: a database that does not exist is not created (exit 3), for commands that only read. */
  create?: boolean;
  /** Told, once per database, when the database file can be read by other users. */
  onWarning?: (message: string) => void;
}

/** "CRM1": marks a SQLite file as a crm database (PRAGMA application_id). */
const CRM_APPLICATION_ID = 0x43524d31;
/** The schema version this binary writes: one per migration in drizzle/. Kept in PRAGMA user_version. */
export const SCHEMA_VERSION = journal.entries.length;

/** The path given on the command line > `CRM_DB` > `$XDG_DATA_HOME/crm/crm.db` > `~/.local/share/crm/crm.db`. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return path.resolve(flag);
  if (env.CRM_DB) return path.resolve(env.CRM_DB);
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(dataHome, "crm", "crm.db");
}

/**
 * A database path that cannot hold the database: a directory or another file that is not a regular one
 * (exit 2), a file that cannot be created there (exit 5), or no database where a command that only
 * reads looks for one (exit 3). `problem` says which, so the command can name the option or variable the
 * path came from.
 */
export class DatabasePathError extends CrmError {
  constructor(
    message: string,
    hint: string,
    readonly problem: "directory" | "not-a-file" | "cannot-create" | "missing",
  ) {
    super(message, problem === "missing" ? ExitCode.notFound : problem === "cannot-create" ? ExitCode.storage : ExitCode.usage, hint);
  }
}

/**
 * Create the file (and its directory) with owner-only permissions, unless `create` is false; returns
 * true when it was new. A path naming a directory, a device or a pipe is refused before anything is
 * made (SQLite would write its journal beside `/dev/null`).
 */
function ensureFile(file: string, create: boolean): boolean {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new DatabasePathError(`the database path ${quote(file)} is a directory`, "give the path of a file", "directory");
    if (!st.isFile()) throw new DatabasePathError(`the database path ${quote(file)} is not a regular file`, "give the path of a file", "not-a-file");
    return st.size === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      if (err instanceof CrmError) throw err;
      throw storageError(`cannot read the database ${quote(file)}: ${(err as Error).message}`);
    }
  }
  if (!create) throw new DatabasePathError(`there is no crm database at ${quote(file)}`, "add a contact to start one", "missing");
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, "wx", 0o600));
  } catch (err) {
    // Another crm process created it a moment ago: it is theirs to initialise, ours to wait for.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return fs.statSync(file).size === 0;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatabasePathError(
      `cannot create the database ${quote(file)}: ${DENIED.has(code ?? "") ? "permission denied (the directory is read-only)" : (code ?? (err as Error).message)}`,
      "check the directory's permissions, or choose another path for the database",
      "cannot-create",
    );
  }
  return true;
}

const DENIED = new Set(["EACCES", "EPERM", "EROFS"]);

/**
 * Refuses (exit 5), before SQLite opens it, a database this process cannot write: a read-only file, or
 * a directory where the -wal and -shm files beside it cannot be made. SQLite would otherwise open it
 * read-only without a word and fail at the first write, or half-way through a command.
 */
function checkWritable(file: string): void {
  for (const [target, what] of [
    [file, "the file"],
    [path.dirname(file), "its directory"],
  ] as const) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      if (!DENIED.has(code)) continue;
      throw storageError(
        `cannot write the database ${quote(file)}: permission denied (${what} is read-only${code === "EROFS" ? ": a read-only file system" : ""})`,
        `crm needs to write the file and its directory (for the -wal and -shm files beside it); check their owner and permissions with ls -l${code === "EPERM" ? " and lsattr" : ""}`,
      );
    }
  }
}

/** Refuses (exit 5) a file that is not an SQLite database at all. */
export function checkHeader(file: string): void {
  const fd = fs.openSync(file, "r");
  try {
    const header = Buffer.alloc(16);
    fs.readSync(fd, header, 0, 16, 0);
    if (header.toString("latin1") !== "SQLite format 3\0") {
      throw new UnusableDatabaseError(`${quote(file)} is not a crm database (not an SQLite file)`, "check the --db path or CRM_DB");
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens (creating or migrating as needed) the crm database at `file`. */
export function openStore(file: string, opts: OpenOptions = {}): Store {
  const timeout = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const isNew = ensureFile(file, opts.create ?? true);
  if (!isNew) checkHeader(file);
  checkWritable(file);
  removeLeftovers(file);
  let sqlite: Database.Database;
  try {
    sqlite = openSqlite(file, { timeout });
  } catch (err) {
    throw storageError(`cannot open the database ${quote(file)}: ${(err as Error).message}`);
  }
  try {
    prepare(sqlite, file, isNew, opts);
  } catch (err) {
    sqlite.close();
    throw translateSqliteError(err, file);
  }
  return { sqlite, path: file, busyTimeoutMs: timeout };
}

/**
 * Checks that an open SQLite file is a crm database of a schema this binary knows (exit 5 otherwise).
 * `blank` is true for a new, empty file, which becomes a crm database on first use.
 */
export function checkCrmDatabase(sqlite: Database.Database, file: string, isNew = false): { blank: boolean; version: number } {
  const appId = sqlite.pragma("application_id", { simple: true }) as number;
  const version = sqlite.pragma("user_version", { simple: true }) as number;
  const blank = isNew || (appId === 0 && version === 0 && sqlite.prepare<[], number>("select count(*) from sqlite_master").pluck().get() === 0);
  if (!blank && appId !== CRM_APPLICATION_ID) {
    throw new UnusableDatabaseError(`${quote(file)} is an SQLite database but not a crm database`, "check the --db path or CRM_DB");
  }
  if (version > SCHEMA_VERSION) {
    throw new UnusableDatabaseError(
      `${quote(file)} was made by a newer version of crm (schema ${version}; this crm knows up to ${SCHEMA_VERSION})`,
      "upgrade crm to open it",
    );
  }
  return { blank, version };
}

function prepare(sqlite: Database.Database, file: string, isNew: boolean, opts: OpenOptions): void {
  // One read transaction: the version and the schema come from the same snapshot, even when another
  // crm process commits an upgrade between the two reads.
  const { blank, version } = sqlite.transaction(() => {
    const found = checkCrmDatabase(sqlite, file, isNew);
    // Before anything runs on it: a trigger crm did not make must never fire.
    if (!found.blank) checkSchema(sqlite, file, found.version);
    return found;
  })();
  if (blank) sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  protectSidecars(file, opts.onWarning);
  const onUpgrade = opts.onUpgrade;
  if (version < SCHEMA_VERSION) {
    const copy = blank ? undefined : backupBeforeUpgrade(sqlite, file, version);
    const say = () => onUpgrade?.(`crm: upgrading the database schema ${version} → ${SCHEMA_VERSION}; a copy of the old one is at ${copy}`);
    let migrated: boolean;
    try {
      migrated = migrateNow(sqlite);
    } catch (err) {
      if (copy) say();
      throw err;
    }
    // Another crm process upgraded it while this one was copying: its copy is the one to keep.
    if (copy && migrated) say();
    else if (copy) fs.rmSync(copy, { force: true });
  }
  sqlite.pragma("foreign_keys = ON");
  // An erasure whose clean-up a killed or blocked `crm forget` left to the next command.
  finishPendingErasure(sqlite);
}

/**
 * SQLite gives the -wal and -shm files the database's own mode: they hold the same personal data, so
 * they are made owner-only whatever it is. The database's own mode is the person's choice; crm says,
 * once per database (it remembers the mode it warned about beside the file's inode and birth time), when others can
 * read it.
 */
function protectSidecars(file: string, onWarning?: (message: string) => void): void {
  for (const sidecar of [`${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(sidecar).mode & 0o077) !== 0) fs.chmodSync(sidecar, 0o600);
    } catch {
      // not there (yet), or not ours to change: SQLite made it with the database's mode
    }
  }
  if (!onWarning) return;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return;
  }
  if ((st.mode & 0o077) === 0) return;
  const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
  // The birth time tells a new file from an old one that had the same inode (0 where unknown).
  const born = Math.round(st.birthtimeMs);
  const note = path.join(os.tmpdir(), `crm-mode-warned-${process.getuid?.() ?? 0}-${st.dev}-${st.ino}-${born}-${mode}`);
  if (fs.existsSync(note)) return;
  onWarning(`the database ${file} has mode ${mode}: other users can read it (chmod 600 ${file} makes it private)`);
  try {
    fs.closeSync(fs.openSync(note, "w", 0o600));
  } catch {
    // cannot remember: the warning comes again next time
  }
}

/**
 * `<file>.schema-<N>.bak`, or `.schema-<N>-2.bak`… when that name is taken (an earlier upgrade's copy,
 * or another crm process upgrading at the same moment): created empty and owner-only here, so no copy
 * is ever overwritten and the personal data in it is never readable by others, not even for a moment.
 */
function claimBackupName(file: string, version: number): string {
  for (let n = 1; ; n++) {
    const copy = `${file}.schema-${version}${n > 1 ? `-${n}` : ""}.bak`;
    try {
      fs.closeSync(fs.openSync(copy, "wx", 0o600));
      return copy;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

/** Writes the copy of the old database; returns its path. */
function backupBeforeUpgrade(sqlite: Database.Database, file: string, version: number): string {
  const copy = claimBackupName(file, version);
  try {
    // VACUUM INTO accepts an empty file as its target, and its name as a bound value.
    sqlite.prepare("VACUUM INTO ?").run(copy);
  } catch (err) {
    fs.rmSync(copy, { force: true });
    throw err;
  }
  fs.chmodSync(copy, 0o600);
  return copy;
}

/** Applies the migrations the database lacks; false when another process had already applied them. */
export function migrateNow(sqlite: Database.Database): boolean {
  // Table rebuilds in generated migrations need foreign keys off on the connection, not in the migration.
  sqlite.pragma("foreign_keys = OFF");
  return sqlite
    .transaction(() => {
      // Read inside the write lock: a concurrent first run may have migrated while we waited.
      const current = sqlite.pragma("user_version", { simple: true }) as number;
      if (current >= SCHEMA_VERSION) return false;
      applyMigrations(sqlite, current, SCHEMA_VERSION);
      sqlite.pragma(`application_id = ${CRM_APPLICATION_ID}`);
      sqlite.pragma(`user_version = ${SCHEMA_VERSION}`);
      return true;
    })
    .immediate();
}

/** Runs `fn` in one write transaction (BEGIN IMMEDIATE, so concurrent writers wait instead of failing). */
export function inTransaction<T>(store: Store, fn: () => T): T {
  return store.sqlite.transaction(fn).immediate();
}

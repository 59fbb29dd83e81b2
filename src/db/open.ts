// Opening the database: where it lives, refusing files that are not ours (leaving them untouched),
// creating it with private permissions, and migrating it to the schema this binary knows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import journal from "../../drizzle/meta/_journal.json" with { type: "json" };
import { storageError, quote, CrmError, ExitCode } from "../errors.js";
import { busyTimeoutMs, translateSqliteError, DEFAULT_BUSY_TIMEOUT_MS } from "./errors.js";

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

function migrationsFolder(): string {
  // The bundle lives in dist/; the migrations ship beside it in drizzle/. Tests running the sources
  // directly (src/db/) find the same folder two levels up.
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, "..", "drizzle"), path.join(here, "..", "..", "drizzle")]) {
    if (fs.existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
  }
  throw new CrmError("the crm installation is incomplete: its drizzle/ migrations folder is missing", 1);
}

/**
 * A database path that cannot hold the database: a directory, or a file that cannot be created there.
 * `problem` says which, so the command can name the option or variable the path came from.
 */
export class DatabasePathError extends CrmError {
  constructor(
    message: string,
    hint: string,
    readonly problem: "directory" | "cannot-create",
  ) {
    super(message, ExitCode.storage, hint);
  }
}

/** Create the file (and its directory) with owner-only permissions; returns true when it was new. */
function ensureFile(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new DatabasePathError(`the database path ${quote(file)} is a directory`, "give the path of a file", "directory");
    return st.size === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      if (err instanceof CrmError) throw err;
      throw storageError(`cannot read the database ${quote(file)}: ${(err as Error).message}`);
    }
  }
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
      throw storageError(`${quote(file)} is not a crm database (not an SQLite file)`, "check the --db path or CRM_DB");
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens (creating or migrating as needed) the crm database at `file`. */
export function openStore(file: string, opts: OpenOptions = {}): Store {
  const timeout = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const isNew = ensureFile(file);
  if (!isNew) checkHeader(file);
  checkWritable(file);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { fileMustExist: true, timeout, nativeBinding: nativeBinding() });
  } catch (err) {
    throw storageError(`cannot open the database ${quote(file)}: ${(err as Error).message}`);
  }
  try {
    prepare(sqlite, file, isNew, opts.onUpgrade);
  } catch (err) {
    sqlite.close();
    throw translateSqliteError(err, file);
  }
  return { sqlite, path: file, busyTimeoutMs: timeout };
}

/** The addon's path, given directly: better-sqlite3's own lookup probes many paths on every start-up. */
export function nativeBinding(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node");
    return fs.existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
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
    throw storageError(`${quote(file)} is an SQLite database but not a crm database`, "check the --db path or CRM_DB");
  }
  if (version > SCHEMA_VERSION) {
    throw storageError(
      `${quote(file)} was made by a newer version of crm (schema ${version}; this crm knows up to ${SCHEMA_VERSION})`,
      "upgrade crm to open it",
    );
  }
  return { blank, version };
}

function prepare(sqlite: Database.Database, file: string, isNew: boolean, onUpgrade?: (message: string) => void): void {
  const { blank, version } = checkCrmDatabase(sqlite, file, isNew);
  if (blank) sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
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
function migrateNow(sqlite: Database.Database): boolean {
  // Table rebuilds in generated migrations need foreign keys off on the connection, not in the migration.
  sqlite.pragma("foreign_keys = OFF");
  const migrations = readMigrationFiles({ migrationsFolder: migrationsFolder() });
  return sqlite
    .transaction(() => {
      // Read inside the write lock: a concurrent first run may have migrated while we waited.
      const current = sqlite.pragma("user_version", { simple: true }) as number;
      if (current >= SCHEMA_VERSION) return false;
      for (const migration of migrations.slice(current)) {
        for (const statement of migration.sql) if (statement.trim()) sqlite.exec(statement);
      }
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

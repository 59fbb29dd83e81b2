// The one way crm opens an SQLite file: better-sqlite3 with its addon found directly, and SQLite's
// defensive settings on every connection, whatever file it is (the database, a backup being checked).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Database from "better-sqlite3";

/** The addon's path, given directly: better-sqlite3's own lookup probes many paths on every start-up. */
function nativeBinding(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node");
    return fs.existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

export interface SqliteOptions {
  readonly?: boolean;
  /** Milliseconds to wait for another connection's lock. */
  timeout?: number;
}

/**
 * Opens an SQLite file that must exist (or ":memory:"). A file's schema is not trusted: functions with
 * side effects cannot run from its triggers or views (`trusted_schema = OFF`); the SQL function
 * `load_extension()` is never enabled (better-sqlite3 leaves it off and crm never turns it on);
 * SQLITE_DBCONFIG_DEFENSIVE is on (better-sqlite3 sets it unless put in "unsafe mode", which crm never
 * does), so SQL cannot write the schema table or the search index's shadow tables; deleted content is
 * overwritten with zeros (`secure_delete`), so what crm deletes does not linger in the file.
 */
export function openSqlite(file: string, opts: SqliteOptions = {}): Database.Database {
  const db = new Database(file, { fileMustExist: file !== ":memory:", readonly: opts.readonly ?? false, nativeBinding: nativeBinding() });
  if (opts.timeout !== undefined) db.pragma(`busy_timeout = ${Math.trunc(opts.timeout)}`);
  db.pragma("trusted_schema = OFF");
  if (!opts.readonly) db.pragma("secure_delete = ON");
  return db;
}

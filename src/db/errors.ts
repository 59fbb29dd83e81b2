// SQLite's storage failures (locked, read-only, corrupt, full) as crm errors with exit code 5.
// Kept apart from open.ts so the error path loads without the database driver.
import { storageError, usageError, quote, CrmError, ExitCode } from "../errors.js";

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * How long a command waits for another process's write to finish before giving up (exit 5):
 * `CRM_BUSY_TIMEOUT_MS`, default 5000.
 */
export function busyTimeoutMs(env: NodeJS.ProcessEnv): number {
  const text = env.CRM_BUSY_TIMEOUT_MS;
  if (text === undefined || text.trim() === "") return DEFAULT_BUSY_TIMEOUT_MS;
  if (!/^\s*\d{1,9}\s*$/.test(text)) throw usageError(`invalid CRM_BUSY_TIMEOUT_MS ${quote(text)}`, "give a whole number of milliseconds, e.g. 5000");
  return Number(text);
}

/**
 * A file crm will not use as its database (not SQLite, not crm's, corrupt, from a newer crm, changed by
 * another program): exit 5. Apart from a busy or read-only database, which may be fine a moment later.
 */
export class UnusableDatabaseError extends CrmError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.storage, hint);
  }
}

const waited = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * Maps SQLite's storage failures to exit 5 with a message that says what to do. `busyTimeoutMs` is
 * the wait the connection was opened with (the store's), for the message about a locked database.
 */
export function translateSqliteError(err: unknown, file: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): unknown {
  if (err instanceof CrmError) return err;
  const code = (err as { code?: string }).code ?? "";
  if (!code.startsWith("SQLITE_")) return err;
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED")
    return storageError(
      `the database ${quote(file)} is locked by another process (waited ${waited(busyTimeoutMs)})`,
      "try again when the other crm command has finished, or wait longer with CRM_BUSY_TIMEOUT_MS=<milliseconds>",
    );
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM" || code === "SQLITE_AUTH")
    return storageError(`cannot write the database ${quote(file)}: permission denied or read-only`, "check the permissions of the file and its directory");
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
    return new UnusableDatabaseError(`${quote(file)} is corrupt or not a crm database`, "restore it from a backup with `crm restore`");
  if (code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR"))
    return storageError(`cannot write ${quote(file)}: ${code === "SQLITE_FULL" ? "the disk is full" : (err as Error).message}`, "check free disk space");
  return err;
}

// SQLite's storage failures (locked, read-only, corrupt, full) as crm errors with exit code 5.
// Kept apart from open.ts so the error path loads without the database driver.
import { storageError, quote, CrmError } from "../errors.js";

/** Maps SQLite's storage failures to exit 5 with a message that says what to do. */
export function translateSqliteError(err: unknown, file: string): unknown {
  if (err instanceof CrmError) return err;
  const code = (err as { code?: string }).code ?? "";
  if (!code.startsWith("SQLITE_")) return err;
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED")
    return storageError(`the database ${quote(file)} is locked by another crm process`, "try again in a moment");
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM" || code === "SQLITE_AUTH")
    return storageError(
      `cannot write the database ${quote(file)}: permission denied or read-only`,
      "check the permissions of the file and its directory",
    );
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
    return storageError(`${quote(file)} is corrupt or not a crm database`, "restore it from a backup with `crm restore`");
  if (code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR"))
    return storageError(`cannot write the database ${quote(file)}: ${(err as Error).message}`, "check free disk space");
  return err;
}

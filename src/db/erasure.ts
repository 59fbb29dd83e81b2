// The part of an erasure (`crm forget`) that cannot happen inside its transaction: copying the zeroed
// pages over the old ones in the database file, rewriting the file (VACUUM drops fragments that earlier
// updates left in free space), and emptying the write-ahead log. The transaction that deletes the person
// also records that this is owed (a row in `settings`), so a forget killed right after its commit, or
// kept from finishing by another process, is finished by the next crm command that opens the database.
import type Database from "better-sqlite3";

const PENDING_KEY = "crm.pending-erasure";

/** Records, inside the erasing transaction, that the database file still owes its clean-up. */
export function markErasurePending(sqlite: Database.Database): void {
  sqlite.prepare("insert into settings(key, value) values (?, 'vacuum') on conflict(key) do update set value = 'vacuum'").run(PENDING_KEY);
}

const stage = (sqlite: Database.Database) => sqlite.prepare<[string], string>("select value from settings where key = ?").pluck().get(PENDING_KEY);

/** A TRUNCATE checkpoint that copied every page and emptied the log (no other process in the way). */
function truncateWal(sqlite: Database.Database): boolean {
  const [result] = sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[];
  return !result || (result.busy === 0 && result.log === result.checkpointed);
}

/**
 * Finishes a recorded erasure: VACUUM (once), then a TRUNCATE checkpoint; the record is removed only
 * when both are done. True when nothing is owed any more; false when another process keeps the log from
 * being emptied (the next command tries again). Never throws: a busy database only postpones it.
 */
export function finishPendingErasure(sqlite: Database.Database): boolean {
  try {
    const owed = stage(sqlite);
    if (owed === undefined) return true;
    if (owed === "vacuum") {
      sqlite.exec("VACUUM");
      sqlite.prepare("update settings set value = 'checkpoint' where key = ?").run(PENDING_KEY);
    }
    if (!truncateWal(sqlite)) return false;
    sqlite.prepare("delete from settings where key = ?").run(PENDING_KEY);
    truncateWal(sqlite);
    return true;
  } catch {
    return false;
  }
}

// `crm forget`: the right to erasure. Deletes the person and every piece of personal data linked to
// them (fields, tag links, interactions, follow-ups, deals and their history); purchases and survey
// answers stay only as anonymous aggregates (no contact, no note, comment or external reference). The
// erasure is complete in its one transaction: deleted content is zeroed (secure_delete, on for every
// connection), the full-text index merged (FTS5 'optimize') so no old segment keeps a term, and the
// clean-up owed to the file after the commit (VACUUM, emptying the WAL) recorded in the same
// transaction; it is done at once, or by the next crm command if this one is killed or blocked.
import fs from "node:fs";
import path from "node:path";
import type { Store } from "../../db/open.js";
import { purchasesChanged } from "../purchases/version.js";
import { finishPendingErasure, markErasurePending } from "../../db/erasure.js";
import { notFound } from "../../errors.js";
import { linkedCounts, type ContactRef, type LinkedCounts } from "../contacts/contacts.js";

export interface ForgetResult {
  id: number;
  name: string;
  erased: Pick<LinkedCounts, "interactions" | "followups" | "deals">;
  /** Kept without any link to the person. */
  anonymised: Pick<LinkedCounts, "purchases" | "responses">;
  /** False when another process kept the file's clean-up from finishing (the next crm command finishes it). */
  walTruncated: boolean;
  /** Copies beside the database (backups, pre-upgrade copies) that may still hold the person's data. */
  copies: string[];
}

export function forgetContact(store: Store, id: number): ForgetResult {
  const s = store.sqlite;
  const contact = s.prepare<[number], ContactRef>("select id, name from contacts where id = ?").get(id);
  if (!contact) throw notFound(`no contact #${id}`, "see `crm contact list`");
  const counts = linkedCounts(store, id);
  // One transaction: if it fails (another writer held the lock past the timeout), nothing was erased.
  s.transaction(() => {
    const { changes } = s.prepare("update purchases set contact_id = null, note = null, external_ref = null, deal_id = null where contact_id = ?").run(id);
    if (changes) purchasesChanged(store);
    s.prepare("update responses set contact_id = null, comment = null where contact_id = ?").run(id);
    const tagIds = s.prepare<[number], number>("select tag_id from contact_tags where contact_id = ?").pluck().all(id);
    // Cascades to fields, tag links, interactions, follow-ups, deals and their stage history; the
    // search-index triggers drop their rows.
    // The addresses you wrote to (kept for `crm mail suggest`) include theirs.
    s.prepare("delete from mail_recipients where address in (select lower(email) from contacts where id = ?)").run(id);
    s.prepare("delete from contacts where id = ?").run(id);
    s.prepare("delete from search_index where contact_id = ?").run(id);
    // A tag nobody else has could itself name the person ("ada-family").
    const orphan = s.prepare("delete from tags where id = ? and not exists (select 1 from contact_tags where tag_id = ?)");
    for (const tagId of tagIds) orphan.run(tagId, tagId);
    // FTS5 keeps deleted terms in old index segments until they are merged.
    s.prepare("insert into search_index(search_index) values ('optimize')").run();
    markErasurePending(s);
  }).immediate();
  const finished = finishPendingErasure(s);
  return {
    id,
    name: contact.name,
    erased: { interactions: counts.interactions, followups: counts.followups, deals: counts.deals },
    anonymised: { purchases: counts.purchases, responses: counts.responses },
    walTruncated: finished,
    copies: copiesBeside(store.path),
  };
}

/**
 * Copies crm made beside the database that may hold a person: backups (`crm backup` without a file),
 * before-restore copies, pre-upgrade copies, and unfinished files of running crm processes.
 */
function copiesBeside(dbPath: string): string[] {
  const dir = path.dirname(dbPath);
  const base = path.basename(dbPath).replace(/\.(db|sqlite3?)$/i, "");
  try {
    return fs
      .readdirSync(dir)
      .filter(
        (f) =>
          f.startsWith(`${path.basename(dbPath)}.schema-`) ||
          f.startsWith(`${path.basename(dbPath)}.restoring-`) ||
          f.startsWith(`${base}-backup-`) ||
          f.startsWith(`${base}-before-restore-`),
      )
      .map((f) => path.join(dir, f))
      .sort();
  } catch {
    return [];
  }
}

/** Deletes the copies `copiesBeside` lists (and their -wal/-shm/-journal); returns what was deleted. */
export function purgeCopies(dbPath: string): string[] {
  const copies = copiesBeside(dbPath).filter((f) => !/-(wal|shm|journal)$/.test(f));
  for (const f of copies) for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(f + suffix, { force: true });
  return copies;
}

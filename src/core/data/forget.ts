// `crm forget`: the right to erasure. Deletes the person and every piece of personal data linked to
// them (fields, tag links, interactions, follow-ups, deals and their history); purchases and survey
// answers stay only as anonymous aggregates (no contact, no note, comment or external reference). Then
// makes the deleted content unrecoverable from the database file: secure_delete for the operation, the
// full-text index merged (FTS5 'optimize'), the WAL checkpointed and truncated, the file vacuumed.
import fs from "node:fs";
import path from "node:path";
import type { Store } from "../../db/open.js";
import { notFound } from "../../errors.js";
import { linkedCounts, type ContactRef, type LinkedCounts } from "../contacts/contacts.js";

export interface ForgetResult {
  id: number;
  name: string;
  erased: Pick<LinkedCounts, "interactions" | "followups" | "deals">;
  /** Kept without any link to the person. */
  anonymised: Pick<LinkedCounts, "purchases" | "responses">;
  /** False when another process kept the WAL from being truncated (its old pages may remain until then). */
  walTruncated: boolean;
  /** Copies beside the database (backups, pre-upgrade copies) that may still hold the person's data. */
  copies: string[];
}

export function forgetContact(store: Store, id: number): ForgetResult {
  const s = store.sqlite;
  const contact = s.prepare<[number], ContactRef>("select id, name from contacts where id = ?").get(id);
  if (!contact) throw notFound(`no contact #${id}`, "see `crm contact list`");
  const counts = linkedCounts(store, id);
  // Deleted pages are overwritten with zeros instead of merely being marked free.
  s.pragma("secure_delete = ON");
  try {
    s.transaction(() => {
      s.prepare("update purchases set contact_id = null, note = null, external_ref = null, deal_id = null where contact_id = ?").run(id);
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
    }).immediate();
    // FTS5 keeps deleted terms in old index segments until they are merged.
    s.prepare("insert into search_index(search_index) values ('optimize')").run();
    s.pragma("wal_checkpoint(TRUNCATE)");
    s.exec("VACUUM");
  } finally {
    s.pragma("secure_delete = OFF");
  }
  const [checkpoint] = s.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[];
  return {
    id,
    name: contact.name,
    erased: { interactions: counts.interactions, followups: counts.followups, deals: counts.deals },
    anonymised: { purchases: counts.purchases, responses: counts.responses },
    walTruncated: !checkpoint || checkpoint.busy === 0,
    copies: copiesBeside(store.path),
  };
}

/** Backups and pre-upgrade copies that `crm backup`, `crm restore` and upgrades leave beside the database. */
function copiesBeside(dbPath: string): string[] {
  const dir = path.dirname(dbPath);
  const base = path.basename(dbPath).replace(/\.(db|sqlite3?)$/i, "");
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`${path.basename(dbPath)}.schema-`) || f.startsWith(`${base}-backup-`) || f.startsWith(`${base}-before-restore-`))
      .map((f) => path.join(dir, f))
      .sort();
  } catch {
    return [];
  }
}

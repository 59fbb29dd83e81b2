// `crm backup`, `crm restore` and `crm forget`: owning your data. Each asks before it destroys
// anything (on a terminal; --yes in scripts) and says what it did on stderr.
import type { Ctx } from "../context.js";
import { resolveContact, linkedCounts } from "../../core/contacts/contacts.js";
import { confirmOrYes } from "../prompt.js";
import { plural } from "../render/words.js";

type Opts = Record<string, any>;

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export async function backup(ctx: Ctx, [file]: string[], opts: Opts): Promise<void> {
  const { backupDatabase } = await import("../../core/data/backup.js");
  // The real clock, not --as-of: a backup's name records when it was really taken.
  const result = await backupDatabase(ctx.store(), file, new Date(), { force: opts.force });
  ctx.print(`${result.file}\n`);
  ctx.info(`backed up ${plural(result.contacts, "contact")} (${size(result.bytes)}) to ${result.file}`);
}

export async function restore(ctx: Ctx, [file]: string[], opts: Opts): Promise<void> {
  const { stageRestore, describeCurrent, restoreDatabase, discardStaged } = await import("../../core/data/backup.js");
  // The current database is not opened the usual way: it may be the broken thing being replaced.
  const candidate = stageRestore(ctx.dbPath, file!);
  try {
    const current = describeCurrent(ctx.dbPath);
    const now = current ? ` (${plural(current.contacts, "contact")})` : "";
    await confirmOrYes(ctx, `Replace the database ${ctx.dbPath}${now} with ${candidate.file} (${plural(candidate.contacts, "contact")})?`, opts.yes);
  } catch (err) {
    discardStaged(candidate);
    throw err;
  }
  const result = await restoreDatabase(ctx.dbPath, candidate, new Date(), ctx.openOptions());
  ctx.info(`restored ${candidate.file} into ${ctx.dbPath} (${plural(result.contacts, "contact")})`);
  if (result.keptAs) ctx.info(`the replaced database is kept at ${result.keptAs}`);
}

export async function forget(ctx: Ctx, [ref]: string[], opts: Opts): Promise<void> {
  const store = ctx.store();
  const contact = resolveContact(store, ref!);
  const c = linkedCounts(store, contact.id);
  await confirmOrYes(
    ctx,
    `Erase #${contact.id} ${contact.name} and all their personal data (${plural(c.interactions, "interaction")}, ${plural(c.followups, "follow-up")}, ${plural(c.deals, "deal")}) for good?`,
    opts.yes,
  );
  const { forgetContact } = await import("../../core/data/forget.js");
  const r = forgetContact(store, contact.id);
  const kept = r.anonymised.purchases + r.anonymised.responses;
  ctx.info(
    // By number only: this line may end up in a log, and the name is what was just erased.
    `erased contact #${r.id}: ${plural(r.erased.interactions, "interaction")}, ${plural(r.erased.followups, "follow-up")}, ${plural(r.erased.deals, "deal")}` +
      (kept ? `; ${plural(r.anonymised.purchases, "purchase")} and ${plural(r.anonymised.responses, "survey answer")} kept anonymously` : ""),
  );
  if (!r.walTruncated) ctx.warn("another crm process has the database open: its write-ahead log (which may still hold old pages) is emptied when that process ends");
  if (r.copies.length)
    ctx.warn(`${plural(r.copies.length, "copy", "copies")} beside the database may still hold their data (erase or re-make them): ${r.copies.join(", ")}`);
}

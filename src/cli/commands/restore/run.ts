// `crm restore`: replace the database with a backup, checked first; asks before it replaces anything
// (on a terminal; --yes in scripts), and keeps the replaced database as a backup.
import type { Ctx } from "../../context.js";
import { confirmOrYes } from "../../prompt.js";
import { plural } from "../../render/words.js";
import type { RestoreOptions } from "./declare.js";

export async function restore(ctx: Ctx, [file]: [string], opts: RestoreOptions): Promise<void> {
  const { stageRestore, describeCurrent, restoreDatabase, discardStaged } = await import("../../../core/data/backup.js");
  // The current database is not opened the usual way: it may be the broken thing being replaced.
  const candidate = stageRestore(ctx.dbPath, file);
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
  if (result.pruned.length)
    ctx.info(`deleted ${plural(result.pruned.length, "older before-restore copy", "older before-restore copies")}: ${result.pruned.join(", ")}`);
}

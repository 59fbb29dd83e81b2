// `crm backup`: a copy of the database, taken with SQLite's online backup; its path on stdout.
import type { Ctx } from "../../context.js";
import { CrmError, ExitCode } from "../../../errors.js";
import { plural } from "../../render/words.js";
import type { BackupOptions } from "./declare.js";

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export async function backup(ctx: Ctx, [file]: [string?], opts: BackupOptions): Promise<void> {
  const { backupDatabase, checkBackupTarget } = await import("../../../core/data/backup.js");
  const forceHint = (err: unknown) => {
    // The file exists: core says "replace it", and --force is how.
    if (err instanceof CrmError && err.exitCode === ExitCode.conflict)
      throw new CrmError(err.message, err.exitCode, "choose another name, or pass --force to replace it");
    throw err;
  };
  // Before the database is opened: a refused command creates or upgrades nothing.
  if (file !== undefined) {
    try {
      checkBackupTarget(ctx.dbPath, file, { replace: opts.force });
    } catch (err) {
      forceHint(err);
    }
  }
  // The real clock, not --as-of: a backup's name records when it was really taken.
  const result = await backupDatabase(ctx.store(), file, new Date(), { replace: opts.force }).catch(forceHint);
  ctx.print(`${result.file}\n`);
  ctx.info(`backed up ${plural(result.contacts, "contact")} (${size(result.bytes)}) to ${result.file}`);
}

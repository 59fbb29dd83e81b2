// `crm backup`: declaration only; the code is in ./run.ts. (Restoring a backup: ../restore/.)
import type { Command } from "commander";
import { lazy } from "../../action.js";

export interface BackupOptions {
  force?: boolean;
}

export function declareBackup(program: Command): void {
  program
    .command("backup [file]")
    .description("copy the database with SQLite's online backup (safe while crm runs); prints the backup's path")
    .option("--force", "overwrite the file if it exists")
    .action(lazy(() => import("./run.js"), "backup"));
}

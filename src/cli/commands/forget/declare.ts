// `crm forget`, the right to erasure: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";

export interface ForgetOptions {
  yes?: boolean;
  purgeCopies?: boolean;
}

export function declareForget(program: Command): void {
  program
    .command("forget <ref>")
    .description("erase a person and all their personal data (right to erasure); amounts and scores stay anonymously")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--purge-copies", "also delete the copies crm made beside the database (backups, before-restore and pre-upgrade copies) that may hold them")
    .action(lazy(() => import("./run.js"), "forget"));
}

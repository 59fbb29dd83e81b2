// `crm restore`: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";

export interface RestoreOptions {
  yes?: boolean;
}

export function declareRestore(program: Command): void {
  program
    .command("restore <file>")
    .description("replace the database with a backup (checked first; the current one is kept as a backup)")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(() => import("./run.js"), "restore"));
}

// `crm forget`, the right to erasure: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";

export interface ForgetOptions {
  yes?: boolean;
}

export function declareForget(program: Command): void {
  program
    .command("forget <ref>")
    .description("erase a person and all their personal data (right to erasure); amounts and scores stay anonymously")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(() => import("./run.js"), "forget"));
}

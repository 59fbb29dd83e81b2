// `crm demo`: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";

export function declareDemo(program: Command): void {
  program
    .command("demo")
    .description("create a demo database (demo.db beside your real one, or --db <path>) and show what to explore")
    .action(lazy(() => import("./run.js"), "demo"));
}

// `crm find <query...>`: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";
import { limit } from "../../flags.js";

export function declareFind(program: Command): void {
  withOutput(
    program
      .command("find <query...>")
      .description("full-text search over contacts, notes, interactions, deals and comments")
      .option("--limit <n>", "at most n results", limit, 20),
  ).action(lazy(() => import("./run.js"), "find"));
}

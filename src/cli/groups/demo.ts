// Declares `crm demo` and `crm config`; their code lives in ../commands/.
import type { Command } from "commander";
import { lazy, withOutput } from "../action.js";

export function registerDemoCommands(program: Command): void {
  program
    .command("demo")
    .description("create a demo database (demo.db beside your real one, or --db <path>) and show what to explore")
    .action(lazy(() => import("../commands/demo.js"), "demo"));

  const config = program.command("config").description("settings: default currency, stage probabilities, thresholds");
  config.command("get <key>").description("print a setting").action(lazy(() => import("../commands/config.js"), "get"));
  config.command("set <key> <value>").description("change a setting").action(lazy(() => import("../commands/config.js"), "set"));
  withOutput(config.command("list").description("every setting with its value and default")).action(lazy(() => import("../commands/config.js"), "list"));
}

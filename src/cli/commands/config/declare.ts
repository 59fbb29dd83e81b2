// `crm config get|set|list`: declarations only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";

const load = () => import("./run.js");

export function declareConfig(program: Command): void {
  const config = program.command("config").description("settings: default currency, stage probabilities, thresholds");
  config
    .command("path")
    .description("print the path of the database in use (--db, CRM_DB or the default), whether or not it exists")
    .action(lazy(load, "path"));
  config.command("get <key>").description("print a setting").action(lazy(load, "get"));
  config.command("set <key> <value>").description("change a setting").action(lazy(load, "set"));
  withOutput(config.command("list").alias("ls").description("every setting with its value and default")).action(lazy(load, "list"));
}

// `crm log <ref> <summary>`, `crm log list [ref]` and `crm log resolve <id...>`: declarations only;
// the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";
import { ids, limit } from "../../flags.js";

const load = () => import("./run.js");

export function declareLog(program: Command): void {
  const log = program
    .command("log")
    .description("log an interaction: crm log <ref> <summary> [--type call] [--at <when>]; `crm log list` lists them")
    .argument("[ref]", "the contact")
    .argument("[summary...]", "what happened")
    .option("--type <type>", "call|email|meeting|message|note|issue", "note")
    .option("--at <when>", "when it happened (default: now)")
    .action(lazy(load, "log"));
  withOutput(
    log
      .command("list [ref]")
      .alias("ls")
      .description("list interactions, newest first")
      .option("--since <when>", "only since this date")
      .option("--type <type>", "only this type")
      .option("--limit <n>", "at most n interactions", limit),
  )
    // commander hands `--type` to `log` itself (its option too) even when it comes after `list`: in
    // `crm log list --type issue` it is the list's filter.
    .hook("preAction", (list) => {
      if (log.getOptionValueSource("type") === "cli" && list.getOptionValue("type") === undefined)
        list.setOptionValueWithSource("type", log.getOptionValue("type"), "cli");
    })
    .action(lazy(load, "list"));
  // Resolving an issue is part of the morning agenda's loop (`crm today` lists open issues).
  log
    .command("resolve")
    .argument("<id...>", "", ids("interaction id", "use a number, e.g. crm log resolve 34"))
    .description("mark issue interactions resolved (they leave `crm today`)")
    .action(lazy(load, "resolve"));
}

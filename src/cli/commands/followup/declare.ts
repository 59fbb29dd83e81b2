// `crm followup add|list|done|snooze|rm`: declarations only; the code is in ./run.ts.
import type { Command } from "commander";
import type { DueFilter, FollowupStatus } from "../../../core/followups/followups.js";
import { lazy, withOutput } from "../../action.js";
import { id, ids, interval, limit, oneOf } from "../../flags.js";

const load = () => import("./run.js");

/** What `--due` of `followup list` accepts (`--overdue` is its own flag). */
const DUE_RANGES = ["today", "week", "all"] as const satisfies readonly DueFilter[];
const STATUSES = ["open", "done", "all"] as const satisfies readonly (FollowupStatus | "all")[];
const FOLLOWUP_ID = "use the number from `crm followup list`, e.g. 12";

export function declareFollowup(program: Command): void {
  const followup = program.command("followup").description("follow-ups: what you owe whom, and when");

  followup
    .command("add [ref]")
    .description("add a follow-up for a contact, or one for each contact of a --tag or --segment")
    .option("--due <when>", 'when: 2026-03-06, "2026-03-06 14:00", friday, "next monday", "in 2 weeks", +2w (default: today)')
    .option("--note <text>", "what to follow up about")
    .option("--every <interval>", "recurring: when done, the next one is due this much after the due date (1w, 2w, 1m, 1y)", interval)
    .option("--deal <id>", "link one of the contact's deals (the contact may be left out)", id("--deal", "use a number, e.g. --deal 12"))
    .option("--tag <tag>", "one follow-up for every contact with this tag (needs --due and --note)")
    .option("--segment <segment>", 'one follow-up for every customer in this RFM segment, e.g. "At Risk" (needs --due and --note)')
    .addHelpText(
      "after",
      '\nExamples:\n  crm followup add ada --due friday --note "Send the proposal"\n  crm followup add grace --due "next monday 10:00" --every 2w\n  crm followup add --tag client --due "in 2 weeks" --note "Ask for a testimonial"',
    )
    .action(lazy(load, "add"));

  withOutput(
    followup
      .command("list")
      .alias("ls")
      .description("list follow-ups, soonest due first (default: every open one)")
      .option("--overdue", "only those whose due date or time has passed")
      .option("--due <range>", "today|week|all: due by the end of today / of today + 7 days (overdue included) / any time", oneOf(DUE_RANGES, "(or --overdue)"))
      .option("--contact <ref>", "only this contact's")
      .option("--status <status>", "open|done|all", oneOf(STATUSES), "open")
      .option("--limit <n>", "at most n follow-ups", limit),
  ).action(lazy(load, "list"));

  followup
    .command("done")
    .argument("<id...>", "", ids("follow-up id", FOLLOWUP_ID))
    .description("mark follow-ups done; a recurring one gets its next date, stepped from its due date to after now")
    .action(lazy(load, "done"));

  followup
    .command("snooze")
    .argument("<id>", "", id("follow-up id", FOLLOWUP_ID))
    .description("move an open follow-up's due date")
    .option("--until <when>", 'the new due date or time, e.g. monday, +3d, "2026-03-20 09:00"')
    .action(lazy(load, "snooze"));

  followup.command("rm").argument("<id...>", "", ids("follow-up id", FOLLOWUP_ID)).description("delete follow-ups").action(lazy(load, "rm"));
}

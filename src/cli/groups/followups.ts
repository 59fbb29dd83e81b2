// Declares the follow-up commands, `crm remind`, `crm today` and `crm log resolve`; their code lives in
// ../commands/followups.ts and loads only when one of them runs.
import type { Command } from "commander";
import { lazy, withOutput } from "../action.js";
import { id, ids, limit } from "../flags.js";

const load = () => import("../commands/followups.js");

export function registerFollowupCommands(program: Command): void {
  const followup = program.command("followup").description("follow-ups: what you owe whom, and when");

  followup
    .command("add [ref]")
    .description("add a follow-up for a contact, or one for each contact of a --tag or --segment")
    .option("--due <when>", "when: 2026-03-06, \"2026-03-06 14:00\", friday, \"next monday\", \"in 2 weeks\", +2w (default: today)")
    .option("--note <text>", "what to follow up about")
    .option("--every <interval>", "recurring: when done, the next one is due this much after the due date (1w, 2w, 1m, 1y)")
    .option("--deal <id>", "link one of the contact's deals (the contact may be left out)", id("--deal", "--deal 12"))
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
      .option("--due <range>", "today|week|all: due by the end of today / of today + 7 days (overdue included) / any time")
      .option("--contact <ref>", "only this contact's")
      .option("--status <status>", "open|done|all", "open")
      .option("--limit <n>", "at most n follow-ups", limit),
  ).action(lazy(load, "list"));

  followup
    .command("done <id...>")
    .description("mark follow-ups done; a recurring one gets its next date, stepped from its due date to after now")
    .action(lazy(load, "done"));

  followup
    .command("snooze <id>")
    .description("move an open follow-up's due date")
    .option("--until <when>", "the new due date or time, e.g. monday, +3d, \"2026-03-20 09:00\"")
    .action(lazy(load, "snooze"));

  followup.command("rm <id...>").description("delete follow-ups").action(lazy(load, "rm"));

  withOutput(
    program
      .command("remind")
      .description("for cron: open follow-ups due by now and keep-in-touch contacts that are due, one line each, oldest first")
      .option("--within <interval>", "also what falls due within this interval, e.g. 1d, 1w")
      .option("-q, --quiet", "print nothing at all (not even to stderr) when nothing is due")
      .addHelpText("after", '\nCron example (full paths: cron has a minimal PATH):\n  0 8 * * * /usr/local/bin/crm remind --quiet | mail -s "CRM" me@example.com'),
  ).action(lazy(load, "remind"));

  withOutput(
    program.command("today").description("the morning agenda: overdue and due follow-ups, open issues, keep in touch"),
  ).action(lazy(load, "today"));

  // `crm log` is declared with the contact commands; resolving an issue is part of the agenda's loop.
  const log = program.commands.find((c) => c.name() === "log");
  if (!log) throw new Error("register the contact commands before the follow-up commands");
  log.command("resolve").argument("<id...>", "", ids("interaction id", "crm log resolve 34")).description("mark issue interactions resolved (they leave `crm today`)").action(lazy(load, "resolveIssues"));
}

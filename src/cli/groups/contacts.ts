// Declares the contact and interaction commands; their code lives in ../commands/contacts.ts.
import { Command } from "commander";
import { lazy, withOutput } from "../action.js";
import { collect, limit } from "../flags.js";

const load = () => import("../commands/contacts.js");

function contactFlags(cmd: Command): Command {
  return cmd
    .option("--name <name>", "full name")
    .option("--email <email>", "email address (stored lower-case)")
    .option("--phone <phone>", "phone number")
    .option("--company <company>", "company")
    .option("--title <title>", "job title")
    .option("--tag <tag>", "a tag (repeatable)", collect)
    .option("--field <key=value>", "a custom field (repeatable)", collect)
    .option("--note <text>", "a free-text note")
    .option("--cadence <interval>", "keep in touch every <interval>, e.g. 30d, 2w, 1m")
    .option("--source <text>", "where this contact came from")
    .option("--allow-duplicate", "allow an email that another contact already has");
}

export function registerContactCommands(program: Command): void {
  const addHelp = 'Example: crm add "Ada Lovelace" --email ada@example.com --tag client';
  contactFlags(program.command("add [name]").description("add a contact (prompts for details on a terminal when no name is given)"))
    .addHelpText("after", addHelp)
    .action(lazy(load, "add"));

  const contact = program.command("contact").description("manage contacts");
  contactFlags(contact.command("add [name]").description("add a contact (same as `crm add`)")).addHelpText("after", addHelp).action(lazy(load, "add"));
  withOutput(
    contact
      .command("list")
      .alias("ls")
      .description("list contacts")
      .option("--tag <tag>", "only contacts with this tag")
      .option("--company <text>", "only contacts whose company contains this")
      .option("--segment <segment>", 'only customers in this RFM segment, e.g. "At Risk"')
      .option("--search <text>", "only contacts whose name, email, company or phone contains this")
      .option("--sort <key>", "name|created|updated|last-contact|company", "name")
      .option("--limit <n>", "at most n contacts", limit),
  ).action(lazy(load, "list"));
  withOutput(contact.command("show <ref>").description("everything about one person")).action(lazy(load, "show"));
  contactFlags(contact.command("edit <ref>").description("change a contact's details"))
    .option("--untag <tag>", "remove a tag (repeatable)", collect)
    .addHelpText("after", "Empty values clear a detail: --phone '' ; --field key= removes a field.")
    .action(lazy(load, "edit"));
  contact
    .command("rm <ref>")
    .description("delete a contact and everything linked to them")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "rm"));
  contact
    .command("merge <keep-ref> <other-ref>")
    .description("merge the second contact into the first (moves every linked record, unions tags and fields)")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "merge"));

  program.command("tag <ref> <tags...>").description("add tags to a contact").action(lazy(load, "tag"));
  program.command("untag <ref> <tags...>").description("remove tags from a contact").action(lazy(load, "untag"));
  withOutput(program.command("tags").description("all tags with the number of contacts")).action(lazy(load, "tags"));

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
      .description("list interactions, newest first")
      .option("--since <when>", "only since this date")
      .option("--type <type>", "only this type")
      .option("--limit <n>", "at most n interactions", limit),
  ).action(lazy(load, "logList"));

  withOutput(
    program.command("find <query...>").description("full-text search over contacts, notes, interactions, deals and comments").option("--limit <n>", "at most n results", limit, 20),
  ).action(lazy(load, "find"));
}

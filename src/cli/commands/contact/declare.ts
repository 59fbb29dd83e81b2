// `crm contact add|list|show|edit|rm|merge` and the shortcuts `crm add`, `crm tag`, `crm untag`,
// `crm tags`: declarations only (loaded on every start, so cheap); the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";
import { collect, limit } from "../../flags.js";

const load = () => import("./run.js");

function detailFlags(cmd: Command): Command {
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

export function declareContact(program: Command): void {
  const addHelp = 'Example: crm add "Ada Lovelace" --email ada@example.com --tag client';
  detailFlags(program.command("add [name]").description("add a contact (prompts for details on a terminal when no name is given)"))
    .addHelpText("after", addHelp)
    .action(lazy(load, "add"));

  const contact = program.command("contact").description("manage contacts");
  detailFlags(contact.command("add [name]").description("add a contact (same as `crm add`)")).addHelpText("after", addHelp).action(lazy(load, "add"));
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
  detailFlags(contact.command("edit <ref>").description("change a contact's details"))
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
}

// Declares the data commands — import, export, backup, restore, forget; their code lives in
// ../commands/data.ts and loads only when one of them runs.
import type { Command } from "commander";
import { lazy, collect, commandGroup } from "../action.js";

const load = () => import("../commands/data.js");

function importFlags(cmd: Command): Command {
  return cmd
    .option("--map <pairs>", 'which column fills which field: "Source Column=field,..." (repeatable)', collect)
    .option("--dry-run", "check every row and report what would happen; write nothing")
    .option("--skip-invalid", "import the valid rows; put the invalid ones, with the reason, in the --rejects file")
    .option("--rejects <file>", "where --skip-invalid writes rejected rows (default: <file>.rejects.csv)")
    .option("--json", "print the summary as JSON on stdout");
}

export function registerDataCommands(program: Command): void {
  // `import` is shared with other command groups (survey responses): get it or create it.
  const importCmd = commandGroup(program, "import", "import data from files (contacts, purchases, interactions, survey responses)");

  importFlags(
    importCmd
      .command("purchases <file>")
      .description("import purchases from a CSV (shop, payment or accounting export); re-importing adds nothing twice")
      .option("--source <name>", "where the external ids come from, e.g. shopify (default: a source column, else \"import\")")
      .option("--currency <code>", "currency of rows that name none (default: the configured currency)")
      .option("--decimal-comma", "amounts use a decimal comma: 1.234,50")
      .option("--create-contacts", "create contacts for unknown emails or customer ids"),
  )
    .addHelpText(
      "after",
      `
Columns (recognised by name, case and punctuation ignored; or name them with --map):
  email | contact_id | customer_id   the customer (at least one; customer_id is kept on the contact)
  date      YYYY-MM-DD, YYYYMMDD or ISO 8601 date-time; a bare date means that calendar day
  amount    12.50, 1,234.50, €12.50 (no negatives)      currency     ISO 4217 code
  external_id  order/transaction id (else derived from the row)   note   name   source
Example: crm import purchases orders.csv --source shop --create-contacts --map "Total Paid=amount"`,
    )
    .action(lazy(load, "importPurchases"));

  importFlags(
    importCmd
      .command("contacts <file>")
      .description("import contacts from CSV (Google Contacts, Outlook, HubSpot, crm exports, or any with --map) or vCard")
      .option("--format <format>", "csv|vcf (default: from the file's extension or content)")
      .option("--on-duplicate <action>", "a contact with the same email exists: skip|update|error", "skip")
      .option("--source <text>", "where these contacts came from (stored on each new contact)"),
  ).action(lazy(load, "importContacts", ["table", "csv", "vcf"]));

  importFlags(
    importCmd
      .command("interactions <file>")
      .description("import interactions (calls, emails, meetings...) from a CSV; re-importing adds nothing twice")
      .option("--source <name>", "where the rows come from (default: a source column, else \"import\")")
      .option("--create-contacts", "create contacts for unknown emails"),
  ).action(lazy(load, "importInteractions"));

  program
    .command("export [what]")
    .description("export contacts|interactions|followups|deals|purchases|responses|all as CSV, JSON, vCard or iCalendar")
    .option("--format <format>", "csv|json|vcf|ics (default: from the -o file's extension, else csv; json for all and --contact)")
    .option("-o, --output <file>", "write to a file (a directory for `all --format csv`) instead of stdout")
    .option("--contact <ref>", "only what concerns this person; without <what>: everything held about them (JSON)")
    .addHelpText(
      "after",
      `
Examples:
  crm export contacts --format vcf -o contacts.vcf
  crm export followups --format ics -o followups.ics     # open follow-ups, stable UIDs
  crm export all --format json -o crm.json
  crm export all --format csv -o export/                 # one CSV per entity
  crm export --contact ada@example.com                   # everything held about one person`,
    )
    .action(lazy(load, "exportData", ["table", "csv", "json", "vcf", "ics"]));

  program
    .command("backup [file]")
    .description("copy the database with SQLite's online backup (safe while crm runs); prints the backup's path")
    .option("--force", "overwrite the file if it exists")
    .action(lazy(load, "backup"));

  program
    .command("restore <file>")
    .description("replace the database with a backup (checked first; the current one is kept as a backup)")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "restore"));

  program
    .command("forget <ref>")
    .description("erase a person and all their personal data (right to erasure); amounts and scores stay anonymously")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "forget"));
}

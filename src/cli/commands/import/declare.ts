// Declares `crm import contacts|purchases|interactions|responses` — every import takes the same flags
// (--map, --dry-run, --skip-invalid, --rejects, --json); their code is ./run.ts, loaded only when one runs.
import type { Command } from "commander";
import { lazy, commandGroup, withOutput } from "../../action.js";
import { columnMap, count } from "../../flags.js";

const load = () => import("./run.js");

function importFlags(cmd: Command): Command {
  return cmd
    .option("--map <pairs>", 'which column fills which field: "Source Column=field,..." (repeatable)', columnMap)
    .option("--preset <name>", "read the file as this export (see crm import presets); default: recognised from the header")
    .option("--encoding <name>", "utf-8, utf-16le, utf-16be, windows-1252 or latin1 (default: detected)")
    .option("--skip-lines <n>", "lines before the header to skip (a preamble)", count(0))
    .option("--date-format <format>", "how the file writes dates, as a date-fns format: dd.MM.yyyy, MM/dd/yyyy HH:mm")
    .option("--dry-run", "check every row and report what would happen; write nothing")
    .option("--skip-invalid", "import the valid rows; put the invalid ones, with the reason, in the --rejects file")
    .option("--rejects <file>", "where --skip-invalid writes rejected rows (default: <file>.rejects.csv)")
    .option("--json", "print the summary as JSON on stdout");
}

export function registerImportCommands(program: Command): void {
  const importCmd = commandGroup(program, "import", "import data from files (contacts, purchases, interactions, survey responses)");

  withOutput(
    importCmd
      .command("presets")
      .description("list the exports recognised from their header: shops, payment services, address books, form tools")
      .option("--kind <kind>", "only presets for contacts, purchases, responses or interactions"),
  ).action(lazy(load, "listPresets"));

  importFlags(
    importCmd
      .command("purchases <file>")
      .description("import purchases from a CSV (shop, payment or accounting export); re-importing adds nothing twice")
      .option("--source <name>", 'where the external ids come from, e.g. shopify (default: a source column, else "import")')
      .option("--currency <code>", "currency of rows that name none (default: the configured currency)")
      .option("--decimal-comma", "amounts use a decimal comma: 1.234,50")
      .option("--create-contacts", "create contacts for unknown emails or customer ids (a shop's preset does)")
      .option("--no-create-contacts", "never create contacts, even with a preset that would"),
  )
    .addHelpText(
      "after",
      `
Exports of Shopify, Stripe, PayPal, Gumroad, Square, Etsy and WooCommerce are recognised from their
header (crm import presets). Other files: columns recognised by name, case and punctuation ignored, or
named with --map:
  email | contact_id | customer_id   the customer (none on a row: a guest sale, kept without a contact)
  date      ISO 8601, "2024-03-05 14:31:02 +0100", "… CET", AM/PM; 03/05/2024 needs --date-format
            or crm config set date-order dmy|mdy; a bare date means that calendar day
  amount    12.50, 1,234.50, €12.50; negative or (12.50): a refund     currency   ISO 4217 code
  external_id  order/transaction id (else derived from the row)   note   name   source
  status    refunded, failed, voided, cancelled, pending rows are counted and skipped
  refunded  amount refunded on the order (a partial refund lowers its value)   refund_of   type
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
      .option("--source <name>", 'where the rows come from (default: a source column, else "import")')
      .option("--create-contacts", "create contacts for unknown emails"),
  ).action(lazy(load, "importInteractions"));

  importFlags(
    importCmd
      .command("responses <survey> <file>")
      .description("import survey answers from a CSV file: all rows or none; re-importing adds nothing twice")
      .option("--create-contacts", "create a contact for an email the database does not know (instead of rejecting the row)"),
  )
    .addHelpText(
      "after",
      [
        "",
        "Columns (header names; case, spaces, - and _ do not matter; or name them with --map):",
        "  email | e-mail | email address | mail       email: the respondent (or:)",
        "  contact id | contact_id | contact           contact_id: the respondent's contact id",
        "  score | rating | nps | csat | answer        score, required: NPS 0–10, CSAT 1–5, whole numbers",
        "  comment | comments | feedback | reason      comment, optional",
        "  date | at | submitted | submitted at | timestamp | responded at | response date | created at",
        "                                              date: YYYY-MM-DD, YYYYMMDD or ISO 8601, not after now;",
        "                                              without a date column answers are dated now",
        "  name | full name                            name: of a contact made by --create-contacts",
        "UTF-8 (with or without BOM), comma, semicolon or tab separated, LF or CRLF line ends.",
        "",
        "Examples:",
        '  crm import responses "Customer NPS 2026" answers.csv --dry-run',
        '  crm import responses NPS form.csv --map "Q1=score,Why?=comment" --skip-invalid --rejects bad.csv',
      ].join("\n"),
    )
    .action(lazy(load, "importResponses"));
}

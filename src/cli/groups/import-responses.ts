// Declares `crm import responses` under the `import` command group; its code lives in ../commands/surveys.ts.
import type { Command } from "commander";
import { lazy } from "../action.js";

export function registerImportResponses(importCmd: Command): void {
  importCmd
    .command("responses <survey> <file>")
    .description("import survey answers from a CSV file: all rows or none")
    .option("--create-contacts", "create a contact for an email the database does not know (instead of rejecting the row)")
    .option("--dry-run", "check the file and say what would be imported, without writing anything")
    .option("--skip-invalid", "import the valid rows and write the rejected ones, with reasons, to a CSV")
    .option("--rejects <file>", "where --skip-invalid writes the rejected rows (default: <file>.rejects.csv)")
    .addHelpText(
      "after",
      [
        "",
        "Columns (header names; case, spaces, - and _ do not matter):",
        "  email | e-mail | email address | mail       the respondent (or:)",
        "  contact id | contact_id | contact           the respondent's contact id",
        "  score | rating | nps | csat | answer        required: NPS 0–10, CSAT 1–5, whole numbers",
        "  comment | comments | feedback | reason      optional",
        "  date | at | submitted | submitted at | timestamp | responded at | response date | created at",
        "                                              ISO 8601; without a date column answers are dated now",
        "  name | full name                            the name of a contact made by --create-contacts",
        "UTF-8 (with or without BOM), comma, semicolon or tab separated, LF or CRLF line ends.",
        "",
        "Example: crm import responses \"Customer NPS 2026\" answers.csv --dry-run",
      ].join("\n"),
    )
    .action(lazy(() => import("../commands/surveys.js"), "importResponses"));
}

// Declares the data commands — export, backup, restore, forget (and, from ../commands/import/, the
// imports); their code lives in ../commands/data.ts and loads only when one of them runs.
import type { Command } from "commander";
import { lazy } from "../action.js";
import { registerImportCommands } from "../commands/import/declare.js";

const load = () => import("../commands/data.js");

export function registerDataCommands(program: Command): void {
  // The import commands have their own home; declared first so `crm --help` lists them where it always has.
  registerImportCommands(program);

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

// `crm export`: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";
import { beforehand, oneOf } from "../../flags.js";

const EXPORT_FORMATS = ["csv", "json", "vcf", "ics"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** When not given: from the -o file's extension, else CSV (JSON for `all` and for one person). */
  format?: ExportFormat;
  output?: string;
  contact?: string;
  /** Seconds before each follow-up for an iCalendar alarm. */
  alarm?: number;
  bom?: boolean;
  /** A directory: one vCard file per contact (folder address books: khard, vdirsyncer). */
  split?: string;
}

export function declareExport(program: Command): void {
  program
    .command("export [what]")
    .description("export contacts|interactions|followups|deals|purchases|responses|all as CSV, JSON, vCard or iCalendar")
    .option("--format <format>", "csv|json|vcf|ics (default: from the -o file's extension, else csv; json for all and --contact)", oneOf(EXPORT_FORMATS))
    .option("-o, --output <file>", "write to a file (a directory for `all --format csv`) instead of stdout")
    .option("--alarm <before>", "with --format ics: a reminder this long before each follow-up, e.g. 15m, 1h, 1d", beforehand)
    .option("--bom", "start CSV with a byte order mark, for spreadsheets (Excel, LibreOffice)")
    .option("--contact <ref>", "only what concerns this person; without <what>: everything held about them (JSON)")
    .option("--split <dir>", "contacts as vCards, one <uid>.vcf file per contact in <dir> (for khard, vdirsyncer)")
    .addHelpText(
      "after",
      `
Examples:
  crm export contacts --format vcf -o contacts.vcf
  crm export followups --format ics -o followups.ics     # open follow-ups, stable UIDs; done and deleted ones cancelled
  crm export followups -o followups.ics --alarm 15m      # with a reminder 15 minutes before each
  crm export contacts --split ~/.contacts/crm/           # one .vcf per contact
  crm export all --format json -o crm.json
  crm export all --format csv -o export/                 # one CSV per entity
  crm export --contact ada@example.com                   # everything held about one person`,
    )
    .action(lazy(() => import("./run.js"), "exportData", ["table", "csv", "json", "vcf", "ics"]));
}

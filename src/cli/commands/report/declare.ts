// Declares `crm report <name>`. Every report prints records (--format table|json|csv, -o <file>) and
// sees only what is dated up to now (--as-of). Adding a report is one entry in REPORTS: its name, a
// description, its own options, and the lazily loaded handler in ../commands/.
import type { Command } from "commander";
import { lazy, withOutput, commandGroup } from "../action.js";

interface ReportSpec {
  name: string;
  description: string;
  /** The report's own options (the output options are added for every report). */
  options?: (cmd: Command) => Command;
  action: ReturnType<typeof lazy>;
}

const REPORTS: ReportSpec[] = [
  {
    name: "pipeline",
    description: "weighted forecast of open deals by expected close month, win rate and average days to win",
    options: (cmd) => cmd.option("--by <period>", "month|quarter", "month"),
    action: lazy(() => import("../commands/reports-pipeline.js"), "reportPipeline"),
  },
];

export function registerReportCommands(program: Command): void {
  const report = commandGroup(program, "report", "reports over deals, purchases, customers and surveys (respect --as-of)");
  for (const spec of REPORTS) {
    const cmd = withOutput(report.command(spec.name).description(spec.description));
    (spec.options ? spec.options(cmd) : cmd).action(spec.action);
  }
}

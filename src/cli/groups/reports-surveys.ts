// Declares `crm report nps` and `crm report csat` under the `report` command group; their code lives in
// ../commands/report-scores.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../action.js";

const load = () => import("../commands/report-scores.js");

export function registerSurveyReports(reportCmd: Command): void {
  withOutput(
    reportCmd
      .command("nps")
      .description("Net Promoter Score (Reichheld): % promoters (9–10) − % detractors (0–6), counts, shares, 95% margin of error, trend")
      .option("--survey <survey>", "one survey (id or name); default: every NPS survey")
      .option("--by <breakdown>", "month|quarter|segment (segment: by RFM segment)", "month"),
  ).action(lazy(load, "npsReport"));
  withOutput(
    reportCmd
      .command("csat")
      .description("CSAT: % of answers that are 4 or 5, the mean answer, 95% margin of error, trend")
      .option("--survey <survey>", "one survey (id or name); default: every CSAT survey")
      .option("--by <breakdown>", "month|quarter|segment (segment: by RFM segment)", "month"),
  ).action(lazy(load, "csatReport"));
}

// `crm report <name>`: declarations only. Every report prints records (--format table|json|csv,
// -o <file>) and sees only what is dated up to now (--as-of). The code, loaded when a report runs:
//   pipeline                          ./pipeline.ts
//   segments, clv, churn, retention   ./customers.ts   (the customer models)
//   nps, csat                         ./scores.ts      (the survey scores)
// Each file loads only its own analytics: `crm report pipeline` does not load the customer models.
import type { Command } from "commander";
import type { PeriodUnit } from "../../../core/deals/pipeline.js";
import type { ReportBy } from "../../../core/surveys/surveys.js";
import { lazy, withOutput, type OutputOptions } from "../../action.js";
import { count, decimal, oneOf } from "../../flags.js";

const PERIOD_UNITS = ["month", "quarter"] as const satisfies readonly PeriodUnit[];
const SEGMENT_METHODS = ["rfm", "kmeans"] as const;
const CLV_MODELS = ["auto", "bgnbd", "mbgnbd", "pareto", "simple"] as const;
const RETENTION_PERIODS = ["month", "quarter", "year"] as const;
const CURRENCY_HELP =
  "analyse purchases in this currency, or all converted to the default one with the rate.<code> settings (default: the configured currency)";
const SCORE_BREAKDOWNS = ["month", "quarter", "segment"] as const satisfies readonly ReportBy[];

export interface ReportPipelineOptions extends OutputOptions {
  by: PeriodUnit;
}
export interface ReportSegmentsOptions extends OutputOptions {
  method: (typeof SEGMENT_METHODS)[number];
  k?: number;
  detail?: boolean;
  currency?: string;
}
export interface ReportClvOptions extends OutputOptions {
  model: (typeof CLV_MODELS)[number];
  horizon: number;
  discount: number;
  margin: number;
  top?: number;
  currency?: string;
}
export interface ReportChurnOptions extends OutputOptions {
  /** P(alive) below which a customer is at risk; the `churn.threshold` setting when not given. */
  threshold?: number;
  top?: number;
  currency?: string;
}
export interface ReportRetentionOptions extends OutputOptions {
  period: (typeof RETENTION_PERIODS)[number];
  limit?: number;
  currency?: string;
}
export interface ReportScoreOptions extends OutputOptions {
  /** A survey id or name. */
  survey?: string;
  by: ReportBy;
}

export function declareReport(program: Command): void {
  const report = program.command("report").description("reports over deals, purchases, customers and surveys (respect --as-of)");
  const customers = () => import("./customers.js");
  const scores = () => import("./scores.js");

  withOutput(report.command("pipeline").description("weighted forecast of open deals by expected close month, win rate and average days to win"))
    .option("--by <period>", "month|quarter", oneOf(PERIOD_UNITS), "month")
    .action(lazy(() => import("./pipeline.js"), "pipeline"));

  withOutput(
    report
      .command("segments")
      .description("customer segments: RFM (default) or k-means clusters, with a summary per segment")
      .option("--method <method>", "rfm|kmeans", oneOf(SEGMENT_METHODS), "rfm")
      .option("--k <n>", "number of k-means clusters (default: chosen by silhouette, 2-8)", count(2, 20))
      .option("--detail", "one row per customer with R, F, M scores and segment")
      .option("--currency <code>", CURRENCY_HELP),
  ).action(lazy(customers, "segments"));
  withOutput(
    report
      .command("clv")
      .description("customer lifetime value: a purchase-count model (BG/NBD, MBG/NBD or Pareto/NBD) + Gamma-Gamma, or the simple retention model")
      .option("--model <model>", "auto|bgnbd|mbgnbd|pareto|simple (auto: the count model that best predicts a holdout)", oneOf(CLV_MODELS), "auto")
      .option("--horizon <months>", "months ahead", count(1, 600), 12)
      .option("--discount <rate>", "yearly discount rate", decimal(0, 5), 0.1)
      .option("--margin <share>", "share of revenue that is margin (1 = count revenue)", decimal(0, 1), 1)
      .option("--top <n>", "only the n most valuable customers", count())
      .option("--currency <code>", CURRENCY_HELP),
  ).action(lazy(customers, "clv"));
  withOutput(
    report
      .command("churn")
      .description("customers whose P(alive) fell below a threshold, ranked by value at risk")
      .option("--threshold <p>", "P(alive) below which a customer is at risk (default: config churn.threshold)", decimal(0.0001, 1))
      .option("--top <n>", "only the first n", count())
      .option("--currency <code>", CURRENCY_HELP),
  ).action(lazy(customers, "churn"));
  withOutput(
    report
      .command("retention")
      .description("per period: customers at start, new, at end, retention, churn and repeat-purchase rates")
      .option("--period <period>", "month|quarter|year", oneOf(RETENTION_PERIODS), "month")
      .option("--limit <n>", "only the last n periods", count())
      .option("--currency <code>", "count customers who pay in this currency, or all (default: the configured currency)"),
  ).action(lazy(customers, "retention"));

  withOutput(
    report
      .command("nps")
      .description("Net Promoter Score (Reichheld): % promoters (9–10) − % detractors (0–6), counts, shares, 95% margin of error, trend")
      .option("--survey <survey>", "one survey (id or name); default: every NPS survey")
      .option("--by <breakdown>", "month|quarter|segment (segment: by RFM segment)", oneOf(SCORE_BREAKDOWNS), "month"),
  ).action(lazy(scores, "nps"));
  withOutput(
    report
      .command("csat")
      .description("CSAT: % of answers that are 4 or 5, the mean answer, 95% margin of error, trend")
      .option("--survey <survey>", "one survey (id or name); default: every CSAT survey")
      .option("--by <breakdown>", "month|quarter|segment (segment: by RFM segment)", oneOf(SCORE_BREAKDOWNS), "month"),
  ).action(lazy(scores, "csat"));
}

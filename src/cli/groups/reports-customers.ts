// Declares the customer reports: segments, clv, churn, retention. Code: ../commands/report-customers.ts.
import type { Command } from "commander";
import { lazy, withOutput, commandGroup } from "../action.js";
import { count, decimal } from "../flags.js";

const load = () => import("../commands/report-customers.js");

export function registerCustomerReports(program: Command): void {
  const report = commandGroup(program, "report", "reports over deals, purchases, customers and surveys (respect --as-of)");
  withOutput(
    report
      .command("segments")
      .description("customer segments: RFM (default) or k-means clusters, with a summary per segment")
      .option("--method <method>", "rfm|kmeans", "rfm")
      .option("--k <n>", "number of k-means clusters (default: chosen by silhouette, 2-8)", count(2, 20))
      .option("--detail", "one row per customer with R, F, M scores and segment")
      .option("--currency <code>", "analyse purchases in this currency (default: the configured currency)"),
  ).action(lazy(load, "segments"));
  withOutput(
    report
      .command("clv")
      .description("customer lifetime value: BG/NBD + Gamma-Gamma (default) or the simple retention model")
      .option("--model <model>", "bgnbd|simple", "bgnbd")
      .option("--horizon <months>", "months ahead", count(1, 600), 12)
      .option("--discount <rate>", "yearly discount rate", decimal(0, 5), 0.1)
      .option("--margin <share>", "share of revenue that is margin (1 = count revenue)", decimal(0, 1), 1)
      .option("--top <n>", "only the n most valuable customers", count())
      .option("--currency <code>", "analyse purchases in this currency"),
  ).action(lazy(load, "clv"));
  withOutput(
    report
      .command("churn")
      .description("customers whose P(alive) fell below a threshold, ranked by value at risk")
      .option("--threshold <p>", "P(alive) below which a customer is at risk (default: config churn.threshold)", decimal(0.0001, 1))
      .option("--top <n>", "only the first n", count())
      .option("--currency <code>", "analyse purchases in this currency"),
  ).action(lazy(load, "churn"));
  withOutput(
    report
      .command("retention")
      .description("per period: customers at start, new, at end, retention, churn and repeat-purchase rates")
      .option("--period <period>", "month|quarter|year", "month")
      .option("--limit <n>", "only the last n periods", count()),
  ).action(lazy(load, "retention"));
}

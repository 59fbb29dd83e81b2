// Declares the customer reports: segments, clv, churn, retention. Code: ../commands/report-customers.ts.
import type { Command } from "commander";
import { lazy, withOutput, commandGroup } from "../action.js";

const load = () => import("../commands/report-customers.js");

export function registerCustomerReports(program: Command): void {
  const report = commandGroup(program, "report", "reports over deals, purchases, customers and surveys (respect --as-of)");
  withOutput(
    report
      .command("segments")
      .description("customer segments: RFM (default) or k-means clusters, with a summary per segment")
      .option("--method <method>", "rfm|kmeans", "rfm")
      .option("--k <n>", "number of k-means clusters (default: chosen by silhouette, 2-8)")
      .option("--detail", "one row per customer with R, F, M scores and segment")
      .option("--currency <code>", "analyse purchases in this currency (default: the configured currency)"),
  ).action(lazy(load, "segments"));
  withOutput(
    report
      .command("clv")
      .description("customer lifetime value: BG/NBD + Gamma-Gamma (default) or the simple retention model")
      .option("--model <model>", "bgnbd|simple", "bgnbd")
      .option("--horizon <months>", "months ahead", "12")
      .option("--discount <rate>", "yearly discount rate", "0.1")
      .option("--margin <share>", "share of revenue that is margin (1 = count revenue)", "1")
      .option("--top <n>", "only the n most valuable customers")
      .option("--currency <code>", "analyse purchases in this currency"),
  ).action(lazy(load, "clv"));
  withOutput(
    report
      .command("churn")
      .description("customers whose P(alive) fell below a threshold, ranked by value at risk")
      .option("--threshold <p>", "P(alive) below which a customer is at risk (default: config churn.threshold)")
      .option("--top <n>", "only the first n")
      .option("--currency <code>", "analyse purchases in this currency"),
  ).action(lazy(load, "churn"));
  withOutput(
    report
      .command("retention")
      .description("per period: customers at start, new, at end, retention, churn and repeat-purchase rates")
      .option("--period <period>", "month|quarter|year", "month")
      .option("--limit <n>", "only the last n periods"),
  ).action(lazy(load, "retention"));
}

// `crm report pipeline`: the weighted forecast by expected close period, deals won and lost per period,
// win rate and average days from opening to won — as of now (--as-of sees the pipeline as it stood).
import type { Ctx } from "../../context.js";
import { dealsAsOf } from "../../../core/deals/deals.js";
import { pipelineReport, type ForecastRow } from "../../../core/deals/pipeline.js";
import { formatMinor, formatMoney } from "../../../io/money.js";
import { emit } from "../../render/sink.js";
import { jsonAsOf, jsonPercent, toJson } from "../../render/json.js";
import { toCsv } from "../../render/csv.js";
import { plainTable, boxTable, styled, type Cell, type Column } from "../../render/table.js";
import { bar } from "../../render/chart.js";
import type { ReportPipelineOptions } from "./declare.js";

export const REPORT_PIPELINE_FIELDS = [
  "period",
  "currency",
  "openDeals",
  "openAmount",
  "weighted",
  "wonDeals",
  "wonAmount",
  "lostDeals",
  "winRatePercent",
  "averageDaysToWin",
];

const record = (r: ForecastRow) => ({
  period: r.period,
  currency: r.currency,
  openDeals: r.openDeals,
  openAmount: formatMinor(r.openMinor, r.currency),
  weighted: formatMinor(r.weightedMinor, r.currency),
  wonDeals: r.wonDeals,
  wonAmount: formatMinor(r.wonMinor, r.currency),
  lostDeals: r.lostDeals,
  winRatePercent: jsonPercent(r.winRate),
  averageDaysToWin: r.averageDaysToWin,
});

export async function pipeline(ctx: Ctx, _args: [], opts: ReportPipelineOptions): Promise<void> {
  const by = opts.by;
  const report = pipelineReport(dealsAsOf(ctx.store(), ctx.now), by);
  if (ctx.format === "json")
    return emit(
      ctx,
      toJson({
        asOf: jsonAsOf(ctx.now),
        by,
        periods: report.rows.map(record),
        totals: report.totals.map(record),
        won: report.won,
        lost: report.lost,
        winRatePercent: jsonPercent(report.winRate),
        averageDaysToWin: report.averageDaysToWin,
      }),
    );
  if (ctx.format === "csv") return emit(ctx, toCsv([...report.rows, ...report.totals].map(record), REPORT_PIPELINE_FIELDS));

  if (!report.rows.length) return ctx.info("no deals yet — add one with crm deal add");
  const c = ctx.color;
  const rows = [...report.rows, ...report.totals];
  const pct = (v: number | null) => (v === null ? "" : `${v.toFixed(1)}%`);
  const bold = (r: ForecastRow, text: string): Cell => (r.period === "total" ? styled(text, c.bold) : text);
  const columns: Column<ForecastRow>[] = [
    { header: by, cell: (r) => bold(r, r.period ?? "(no date)") },
    { header: "open", cell: (r) => r.openDeals, align: "right" },
    { header: "open amount", cell: (r) => formatMoney(r.openMinor, r.currency), align: "right" },
    { header: "weighted", cell: (r) => bold(r, formatMoney(r.weightedMinor, r.currency)), align: "right" },
    { header: "won", cell: (r) => r.wonDeals, align: "right" },
    { header: "won amount", cell: (r) => formatMoney(r.wonMinor, r.currency), align: "right" },
    { header: "lost", cell: (r) => r.lostDeals, align: "right" },
    { header: "win rate", cell: (r) => pct(r.winRate), align: "right" },
    { header: "days to win", cell: (r) => (r.averageDaysToWin === null ? "" : r.averageDaysToWin.toFixed(1)), align: "right" },
  ];
  if (ctx.tableStyle === "box") {
    // Weighted forecast as bars, each currency scaled to its own largest period.
    const top = new Map<string, number>();
    for (const r of report.rows) top.set(r.currency, Math.max(top.get(r.currency) ?? 0, r.weightedMinor));
    columns.push({ header: "", cell: (r) => (r.period === "total" ? "" : styled(bar(r.weightedMinor, top.get(r.currency) ?? 0, 16), c.cyan)) });
  }
  const table = ctx.tableStyle === "box" ? await boxTable(ctx, columns, rows) : plainTable(columns, rows);
  const closed = report.won + report.lost;
  const summary = [
    `Win rate: ${report.winRate === null ? "no deals closed yet" : `${pct(report.winRate)} (${report.won} won of ${closed} closed)`}`,
    `Average days from opening to won: ${report.averageDaysToWin === null ? "no deals won yet" : report.averageDaysToWin.toFixed(1)}`,
    `Weighted forecast of open deals: ${report.totals.map((t) => formatMoney(t.weightedMinor, t.currency)).join(", ")}`,
  ];
  emit(ctx, table + "\n" + summary.join("\n") + "\n");
}

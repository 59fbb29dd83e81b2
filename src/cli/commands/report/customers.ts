// The customer reports: parse options, run the analytics in core, render tables, JSON or CSV.
import type { Ctx } from "../../context.js";
import { ExitCode } from "../../../errors.js";
import { withFlagHint } from "../../flags.js";
import { rfmReport, kmeansReport } from "../../../core/customers/segments.js";
import { clvReport, churnReport, type ClvRow, type ClvReport } from "../../../core/customers/lifetime.js";
import { getSetting } from "../../../core/config/settings.js";
import { printRecords } from "../../render/output.js";
import { grouped } from "../../render/words.js";
import { emit, emitChunks } from "../../render/sink.js";
import { toJson, toJsonChunks } from "../../render/json.js";
import { styled, type Column } from "../../render/table.js";
import type { RfmCluster } from "../../../analytics/kmeans.js";
import { bar } from "../../render/chart.js";
import type { ReportChurnOptions, ReportClvOptions, ReportRetentionOptions, ReportSegmentsOptions } from "./declare.js";

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
/** Numbers in tables: grouped by thousands, as everywhere. */
const num = (v: number, digits = 2) => grouped(v, digits);

export async function segments(ctx: Ctx, _args: [], opts: ReportSegmentsOptions): Promise<void> {
  const method = opts.method;
  const store = ctx.store();
  if (method === "kmeans") {
    // Too few customers for the clusters asked for: core says so; the number came from --k.
    const run = () => kmeansReport(store, ctx.now, { k: opts.k, currency: opts.currency });
    const report = opts.k === undefined ? run() : withFlagHint(ExitCode.usage, "give a smaller --k, or leave it out to choose by silhouette", run);
    if (opts.detail)
      return printRecords(ctx, {
        rows: report.customers,
        columns: [
          { header: "id", cell: (c) => c.contactId, align: "right" },
          { header: "name", cell: (c) => c.name },
          { header: "email", cell: (c) => c.email },
          { header: "cluster", cell: (c) => c.cluster, align: "right" },
          { header: "recency (days)", cell: (c) => c.recencyDays, align: "right" },
          { header: "purchases", cell: (c) => c.frequency, align: "right" },
          { header: `spent (${report.currency})`, cell: (c) => num(c.monetary), align: "right" },
        ],
        empty: "no customers with purchases yet",
      });
    if (ctx.format === "json") {
      const { assignment: _a, customers: _c, ...summary } = report;
      return emit(ctx, toJson(summary));
    }
    if (ctx.format === "table" && report.clusters.length)
      ctx.info(
        `k-means: k = ${report.k}${report.silhouette !== null ? `, silhouette ${report.silhouette.toFixed(3)}` : ""} (on standardised log recency, frequency, spend)`,
      );
    return printRecords<RfmCluster>(ctx, {
      rows: report.clusters,
      columns: [
        { header: "cluster", cell: (c) => c.cluster, align: "right" },
        { header: "customers", cell: (c) => c.customers, align: "right" },
        { header: "share", cell: (c) => pct(c.share), align: "right" },
        { header: "typical recency (days)", cell: (c) => Math.round(c.centroid.recencyDays), align: "right" },
        { header: "typical purchases", cell: (c) => num(c.centroid.frequency, 1), align: "right" },
        { header: `typical spend (${report.currency})`, cell: (c) => num(c.centroid.monetary), align: "right" },
        ...(ctx.tableStyle === "box" ? [{ header: "", cell: (c: (typeof report.clusters)[number]) => shareBar(ctx, c.share) }] : []),
      ],
      record: (c) => ({ cluster: c.cluster, customers: c.customers, share: c.share, centroid: c.centroid, mean: c.mean }),
      fields: ["cluster", "customers", "share", "centroid", "mean"],
      empty: "no customers with purchases yet",
    });
  }
  const report = rfmReport(store, ctx.now, opts.currency);
  if (opts.detail)
    return printRecords(ctx, {
      rows: report.customers,
      columns: [
        { header: "id", cell: (c) => c.contactId, align: "right" },
        { header: "name", cell: (c) => c.name },
        { header: "email", cell: (c) => c.email },
        { header: "recency (days)", cell: (c) => c.recencyDays, align: "right" },
        { header: "purchases", cell: (c) => c.frequency, align: "right" },
        { header: `spent (${report.currency})`, cell: (c) => num(c.monetary), align: "right" },
        { header: "R", cell: (c) => c.r, align: "right" },
        { header: "F", cell: (c) => c.f, align: "right" },
        { header: "M", cell: (c) => c.m, align: "right" },
        { header: "segment", cell: (c) => c.segment },
      ],
      record: (c) => ({
        contactId: c.contactId,
        name: c.name,
        email: c.email,
        recencyDays: c.recencyDays,
        frequency: c.frequency,
        monetary: round2(c.monetary),
        currency: report.currency,
        r: c.r,
        f: c.f,
        m: c.m,
        segment: c.segment,
      }),
      fields: ["contactId", "name", "email", "recencyDays", "frequency", "monetary", "currency", "r", "f", "m", "segment"],
      empty: "no customers with purchases yet",
    });
  return printRecords(ctx, {
    rows: report.summary,
    columns: [
      { header: "segment", cell: (s) => s.segment },
      { header: "customers", cell: (s) => s.customers, align: "right" },
      { header: "share", cell: (s) => pct(s.share), align: "right" },
      { header: `revenue (${report.currency})`, cell: (s) => num(s.revenue), align: "right" },
      { header: "mean recency (days)", cell: (s) => num(s.meanRecencyDays, 0), align: "right" },
      { header: "mean purchases", cell: (s) => num(s.meanFrequency, 1), align: "right" },
      { header: "mean spend", cell: (s) => num(s.meanMonetary), align: "right" },
      ...(ctx.tableStyle === "box" ? [{ header: "", cell: (s: (typeof report.summary)[number]) => shareBar(ctx, s.share) }] : []),
    ],
    record: (s) => ({
      ...s,
      revenue: round2(s.revenue),
      meanRecencyDays: round2(s.meanRecencyDays),
      meanFrequency: round2(s.meanFrequency),
      meanMonetary: round2(s.meanMonetary),
      currency: report.currency,
    }),
    fields: ["segment", "customers", "share", "revenue", "currency", "meanRecencyDays", "meanFrequency", "meanMonetary"],
    empty: "no customers with purchases yet",
  });
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** A share (0–1) as a bar of up to 30 whole cells. */
const shareBar = (ctx: Ctx, share: number) => styled(bar(share, 1, 30, { step: "cell" }), ctx.color.cyan);

function clvColumns(report: ClvReport): Column<ClvRow>[] {
  const bg = report.model === "bgnbd";
  return [
    { header: "id", cell: (r) => r.contactId, align: "right" },
    { header: "name", cell: (r) => r.name },
    { header: "purchases", cell: (r) => r.purchases, align: "right" },
    { header: "repeat", cell: (r) => r.repeatPurchases, align: "right" },
    { header: "recency (d)", cell: (r) => r.recencyDays, align: "right" },
    { header: "age (d)", cell: (r) => r.ageDays, align: "right" },
    { header: "spent", cell: (r) => num(r.totalSpent), align: "right" },
    ...(bg
      ? ([
          { header: "P(alive)", cell: (r) => num(r.pAlive!, 3), align: "right" },
          { header: `exp. purchases ${report.horizonMonths}m`, cell: (r) => num(r.expectedPurchases!), align: "right" },
          { header: "exp. order value", cell: (r) => num(r.expectedOrderValue!), align: "right" },
        ] as Column<ClvRow>[])
      : []),
    { header: `CLV (${report.currency})`, cell: (r) => num(r.clv), align: "right" },
  ];
}

const CLV_FIELDS = [
  "contactId",
  "name",
  "email",
  "purchases",
  "repeatPurchases",
  "firstPurchase",
  "lastPurchase",
  "recencyDays",
  "ageDays",
  "totalSpent",
  "pAlive",
  "expectedPurchases",
  "expectedOrderValue",
  "clv",
  "currency",
];

function describeModel(report: ClvReport): string {
  if (report.model === "bgnbd") {
    const b = report.bgnbd!;
    const g = report.gammaGamma!;
    return [
      `BG/NBD (weeks): r=${b.r.toFixed(4)} alpha=${b.alpha.toFixed(4)} a=${b.a.toFixed(4)} b=${b.b.toFixed(4)} LL=${b.logLikelihood.toFixed(1)} on ${b.customers} customers`,
      `Gamma-Gamma: p=${g.p.toFixed(3)} q=${g.q.toFixed(3)} gamma=${g.gamma.toFixed(3)} LL=${g.logLikelihood.toFixed(1)} on ${g.customers} repeat customers`,
      `CLV over ${report.horizonMonths} months, discounted at ${(report.discountRate * 100).toFixed(1)}%/year, margin ${(report.margin * 100).toFixed(0)}%: total ${num(report.totalClv)} ${report.currency}`,
    ].join("\n");
  }
  const s = report.simple!;
  return [
    `Simple CLV (Gupta & Lehmann): m·r/(1+d−r) with r=${s.yearlyRetention} (yearly retention, ${s.retained} of ${s.customersAYearAgo}), d=${report.discountRate}: ${s.multiplier.toFixed(3)}× yearly margin`,
    `Total ${num(report.totalClv)} ${report.currency}`,
  ].join("\n");
}

function explainFallback(ctx: Ctx, report: ClvReport): void {
  if (report.fallbackReason) ctx.warn(`using the simple model: ${report.fallbackReason}`);
  if (report.otherCurrencies.length)
    ctx.warn(`only ${report.currency} purchases are analysed; also present: ${report.otherCurrencies.join(", ")} (use --currency)`);
}

export async function clv(ctx: Ctx, _args: [], opts: ReportClvOptions): Promise<void> {
  const report = clvReport(ctx.store(), ctx.now, {
    model: opts.model,
    horizonMonths: opts.horizon,
    discountRate: opts.discount,
    margin: opts.margin,
    currency: opts.currency,
  });
  const top = opts.top;
  const rows = top ? report.rows.slice(0, top) : report.rows;
  if (ctx.format === "json") return emitChunks(ctx, toJsonChunks({ ...report, rows: rows.map((r) => ({ ...r, currency: report.currency })) }));
  explainFallback(ctx, report);
  if (ctx.format === "table" && report.customers) emit(ctx, describeModel(report) + "\n\n");
  await printRecords(ctx, {
    rows,
    columns: clvColumns(report),
    record: (r) => ({ ...r, currency: report.currency }),
    fields: CLV_FIELDS,
    empty: "no customers with purchases yet",
  });
}

export async function churn(ctx: Ctx, _args: [], opts: ReportChurnOptions): Promise<void> {
  const store = ctx.store();
  // The setting is checked when it is set (crm config set).
  const threshold = opts.threshold ?? Number(getSetting(store, "churn.threshold"));
  // The total CLV of all customers is only in the JSON: the table and CSV need CLVs for the rows shown.
  const report = churnReport(store, ctx.now, { threshold, currency: opts.currency, withTotalClv: ctx.format === "json" });
  const top = opts.top;
  const rows = top ? report.rows.slice(0, top) : report.rows;
  if (ctx.format === "json") return emitChunks(ctx, toJsonChunks({ ...report, rows: rows.map((r) => ({ ...r, currency: report.currency })) }));
  if (report.model !== "bgnbd") {
    ctx.warn(`churn risk needs the BG/NBD model: ${report.fallbackReason}`);
    return;
  }
  explainFallback(ctx, report as ClvReport);
  await printRecords(ctx, {
    rows,
    columns: [
      { header: "id", cell: (r) => r.contactId, align: "right" },
      { header: "name", cell: (r) => r.name },
      { header: "email", cell: (r) => r.email },
      { header: "last purchase", cell: (r) => r.lastPurchase },
      { header: "purchases", cell: (r) => r.purchases, align: "right" },
      { header: "P(alive)", cell: (r) => num(r.pAlive!, 3), align: "right" },
      { header: `value at risk (${report.currency})`, cell: (r) => num(r.valueAtRisk), align: "right" },
      { header: "CLV 12m", cell: (r) => num(r.clv), align: "right" },
    ],
    record: (r) => ({ ...r, currency: report.currency }),
    fields: [...CLV_FIELDS, "valueAtRisk"],
    empty: `no customer has P(alive) below ${threshold}`,
  });
}

export async function retention(ctx: Ctx, _args: [], opts: ReportRetentionOptions): Promise<void> {
  const period = opts.period;
  const { retentionReport } = await import("../../../core/customers/retention.js");
  const all = retentionReport(ctx.store(), ctx.now, period);
  const limit = opts.limit;
  const rows = limit ? all.slice(-limit) : all;
  const rate = (v: number | null) => (v === null ? "" : `${v.toFixed(1)}%`);
  const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  await printRecords(ctx, {
    rows,
    columns: [
      { header: period, cell: (r) => r.period },
      { header: "at start", cell: (r) => r.customersAtStart, align: "right" },
      { header: "new", cell: (r) => r.newCustomers, align: "right" },
      { header: "at end", cell: (r) => r.customersAtEnd, align: "right" },
      { header: "retention", cell: (r) => rate(r.retentionRate), align: "right" },
      { header: "churn", cell: (r) => rate(r.churnRate), align: "right" },
      { header: "repeat rate", cell: (r) => rate(r.repeatPurchaseRate), align: "right" },
      ...(ctx.tableStyle === "box"
        ? [{ header: "", cell: (r: (typeof rows)[number]) => (r.retentionRate === null ? "" : shareBar(ctx, r.retentionRate / 100)) }]
        : []),
    ],
    record: (r) => ({
      ...r,
      retentionRate: round1(r.retentionRate),
      churnRate: round1(r.churnRate),
      repeatPurchaseRate: round1(r.repeatPurchaseRate),
      previousPeriodRetention: round1(r.previousPeriodRetention),
    }),
    empty: "no purchases yet",
  });
}

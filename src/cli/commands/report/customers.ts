// The customer reports: parse options, run the analytics in core, render tables, JSON or CSV.
import type { Ctx } from "../../context.js";
import { ExitCode } from "../../../errors.js";
import { withFlagHint } from "../../flags.js";
import { rfmReport, kmeansReport } from "../../../core/customers/segments.js";
import { clvReport, churnReport, type ClvRow, type ClvReport } from "../../../core/customers/lifetime.js";
import { exchangeRates, getSetting } from "../../../core/config/settings.js";
import { ALL_CURRENCIES } from "../../../core/customers/customers.js";
import { withDataVersion } from "../../../core/purchases/version.js";
import { printRecords } from "../../render/output.js";
import { grouped } from "../../render/words.js";
import { emit, emitChunks } from "../../render/sink.js";
import { jsonAsOf, jsonMoney, jsonPercent, toJson, toJsonChunks } from "../../render/json.js";
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
    const { dataVersion, result: report } = withDataVersion(store, () =>
      opts.k === undefined ? run() : withFlagHint(ExitCode.usage, "give a smaller --k, or leave it out to choose by silhouette", run),
    );
    explainCurrencies(ctx, report);
    if (ctx.format !== "json" || opts.detail) tellDataVersion(ctx, dataVersion);
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
        record: (c) => ({ ...c, monetary: jsonMoney(c.monetary, report.currency), currency: report.currency }),
        fields: ["contactId", "cluster", "recencyDays", "frequency", "monetary", "currency"],
        empty: "no customers with purchases yet",
      });
    if (ctx.format === "json") {
      const { assignment: _a, customers: _c, clusters, ...summary } = report;
      return emit(ctx, toJson({ ...summary, asOf: jsonAsOf(ctx.now), dataVersion, clusters: clusters.map((c) => clusterRecord(c, report.currency)) }));
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
      record: (c) => clusterRecord(c, report.currency),
      fields: ["cluster", "customers", "sharePercent", "centroid", "mean", "currency"],
      empty: "no customers with purchases yet",
    });
  }
  const { dataVersion, result: report } = withDataVersion(store, () => rfmReport(store, ctx.now, opts.currency, Boolean(opts.detail)));
  explainCurrencies(ctx, report);
  // The JSON is a list of records: the version is told on stderr, as in a table.
  tellDataVersion(ctx, dataVersion);
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
        monetary: jsonMoney(c.monetary, report.currency),
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
      segment: s.segment,
      customers: s.customers,
      sharePercent: jsonPercent(s.share * 100),
      revenue: jsonMoney(s.revenue, report.currency),
      currency: report.currency,
      meanRecencyDays: round2(s.meanRecencyDays),
      meanFrequency: round2(s.meanFrequency),
      meanMonetary: jsonMoney(s.meanMonetary, report.currency),
    }),
    fields: ["segment", "customers", "sharePercent", "revenue", "currency", "meanRecencyDays", "meanFrequency", "meanMonetary"],
    empty: "no customers with purchases yet",
  });
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Which purchase data the report was computed from (the version every purchase write raises; the stored
 * analytics of `crm today` and `crm contact show` name theirs too), on stderr. CSV stays pure data.
 */
function tellDataVersion(ctx: Ctx, dataVersion: number): void {
  if (ctx.format !== "csv") ctx.info(`computed from purchase data version ${dataVersion}`);
}

/** Which currency the customer analytics used: the others present, or the rates used to convert them. */
function explainCurrencies(ctx: Ctx, report: { currency: string; otherCurrencies: string[]; convertedAt?: Record<string, number> }): void {
  if (report.otherCurrencies.length)
    ctx.warn(
      `only ${report.currency} purchases are analysed; also present: ${report.otherCurrencies.join(", ")} (use --currency, or --currency all to convert)`,
    );
  const rates = Object.entries(report.convertedAt ?? {});
  if (rates.length) ctx.info(`converted to ${report.currency} at ${rates.map(([c, r]) => `rate.${c} ${r}`).join(", ")}`);
}

/** A k-means cluster for JSON and CSV: its share in percent, spend as money. */
function clusterRecord(c: RfmCluster, currency: string) {
  const values = (v: RfmCluster["centroid"]) => ({
    recencyDays: round2(v.recencyDays),
    frequency: round2(v.frequency),
    monetary: jsonMoney(v.monetary, currency),
  });
  return { cluster: c.cluster, customers: c.customers, sharePercent: jsonPercent(c.share * 100), centroid: values(c.centroid), mean: values(c.mean), currency };
}

/** A CLV or churn row for JSON and CSV: amounts as money next to the currency. */
function clvRecord<R extends ClvRow & { valueAtRisk?: number }>(r: R, currency: string): Record<string, unknown> {
  const money = (v: number | null) => (v === null ? null : jsonMoney(v, currency));
  return {
    ...(r as Record<string, unknown>),
    totalSpent: money(r.totalSpent),
    expectedOrderValue: money(r.expectedOrderValue),
    clv: money(r.clv),
    ...(r.valueAtRisk !== undefined ? { valueAtRisk: money(r.valueAtRisk) } : {}),
    currency,
  };
}

/** The parts of a CLV or churn report that every output shares, shaped for JSON. */
function clvJson<R extends ClvRow>(
  ctx: Ctx,
  report: { currency: string; totalClv?: number },
  rows: R[],
  rates: Record<string, number> | undefined,
  dataVersion: number,
) {
  return {
    ...report,
    asOf: jsonAsOf(ctx.now),
    dataVersion,
    ...(report.totalClv !== undefined ? { totalClv: jsonMoney(report.totalClv, report.currency) } : {}),
    ...(rates ? { convertedAt: rates } : {}),
    rows: rows.map((r) => clvRecord(r, report.currency)),
  };
}

/** With --currency all: the rates set (conversion happens where purchases are loaded). */
function ratesFor(ctx: Ctx, currency: string | undefined): Record<string, number> | undefined {
  return currency?.trim().toLowerCase() === ALL_CURRENCIES ? Object.fromEntries(exchangeRates(ctx.store())) : undefined;
}

/** A share (0–1) as a bar of up to 30 whole cells. */
const shareBar = (ctx: Ctx, share: number) => styled(bar(share, 1, 30, { step: "cell" }), ctx.color.cyan);

function clvColumns(report: ClvReport): Column<ClvRow>[] {
  const bg = report.model !== "simple";
  return [
    { header: "id", cell: (r) => r.contactId, align: "right" },
    { header: "name", cell: (r) => r.name },
    { header: "purchases", cell: (r) => r.purchases, align: "right" },
    { header: "repeat", cell: (r) => r.repeatPurchases, align: "right", keep: false },
    { header: "recency (d)", cell: (r) => r.recencyDays, align: "right", keep: false },
    { header: "age (d)", cell: (r) => r.ageDays, align: "right", keep: false },
    { header: "spent", cell: (r) => num(r.totalSpent), align: "right" },
    ...(bg
      ? ([
          { header: "P(alive)", cell: (r) => num(r.pAlive!, 3), align: "right" },
          { header: `exp. purchases ${report.horizonMonths}m`, cell: (r) => num(r.expectedPurchases!), align: "right", keep: false },
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

const MODEL_LABEL = { bgnbd: "BG/NBD", mbgnbd: "MBG/NBD", pareto: "Pareto/NBD" } as const;
const fixed = (v: number | null, digits: number) => (v === null ? "-" : v.toFixed(digits));

/** How `--model auto` chose: every count model's holdout error, the chosen one marked. */
function describeSelection(report: Pick<ClvReport, "model" | "selection">): string {
  const s = report.selection;
  if (!s) return "";
  const chosen = report.model === "simple" ? "none (simple model)" : MODEL_LABEL[report.model];
  const head =
    s.method === "holdout-rmse"
      ? `Model chosen by holdout: fitted on purchases up to ${s.calibrationEnd}, predicted the next ${s.holdoutDays} days for ${s.holdoutCustomers} customers; lowest RMSE of repeat purchases per customer wins: ${chosen}`
      : `Model chosen by log-likelihood on all data (${s.note ?? "no count model could be scored on the holdout"}): ${chosen}`;
  const lines = s.candidates.map((c) =>
    c.reason
      ? `  ${MODEL_LABEL[c.model].padEnd(10)}  not scored: ${c.reason}`
      : `  ${MODEL_LABEL[c.model].padEnd(10)}  RMSE ${fixed(c.rmse, 4)}  MAE ${fixed(c.mae, 4)}  predicted ${fixed(c.predicted, 1)} vs actual ${c.actual} repeat purchases${c.model === report.model ? "  ← chosen" : ""}`,
  );
  return [head, ...lines].join("\n") + "\n";
}

function describeModel(report: ClvReport): string {
  if (report.model !== "simple") {
    const m = report[report.model]!;
    const g = report.gammaGamma!;
    const params = Object.entries(m)
      .filter(([k]) => k !== "logLikelihood" && k !== "customers")
      .map(([k, v]) => `${k}=${v.toFixed(4)}`)
      .join(" ");
    return [
      describeSelection(report) + `${MODEL_LABEL[report.model]} (weeks): ${params} LL=${m.logLikelihood!.toFixed(1)} on ${m.customers} customers`,
      `Gamma-Gamma: p=${g.p.toFixed(3)} q=${g.q.toFixed(3)} gamma=${g.gamma.toFixed(3)} LL=${g.logLikelihood.toFixed(1)} on ${g.customers} repeat customers` +
        (report.excludedFromSpendModel ? ` (${report.excludedFromSpendModel} with repeat purchases worth 0 left out)` : ""),
      `CLV over ${report.horizonMonths} months (of 365.25/12 days), discounted at ${(report.discountRate * 100).toFixed(1)}%/year, margin ${(report.margin * 100).toFixed(0)}%: total ${num(report.totalClv)} ${report.currency}`,
    ].join("\n");
  }
  const s = report.simple!;
  return [
    describeSelection(report) +
      `Simple CLV (Gupta & Lehmann): m·r/(1+d−r) with r=${s.yearlyRetention} (yearly retention, ${s.retained} of ${s.customersAYearAgo}), d=${report.discountRate}: ${s.multiplier.toFixed(3)}× yearly margin`,
    `Total ${num(report.totalClv)} ${report.currency}`,
  ].join("\n");
}

function explainFallback(ctx: Ctx, report: ClvReport): void {
  if (report.fallbackReason) ctx.warn(`using the simple model: ${report.fallbackReason}`);
  if (report.otherCurrencies.length)
    ctx.warn(
      `only ${report.currency} purchases are analysed; also present: ${report.otherCurrencies.join(", ")} (use --currency, or --currency all to convert)`,
    );
}

export async function clv(ctx: Ctx, _args: [], opts: ReportClvOptions): Promise<void> {
  const store = ctx.store();
  const { dataVersion, result: report } = withDataVersion(store, () =>
    clvReport(store, ctx.now, {
      model: opts.model,
      horizonMonths: opts.horizon,
      discountRate: opts.discount,
      margin: opts.margin,
      currency: opts.currency,
    }),
  );
  const top = opts.top;
  const rows = top ? report.rows.slice(0, top) : report.rows;
  if (ctx.format === "json") return emitChunks(ctx, toJsonChunks(clvJson(ctx, report, rows, ratesFor(ctx, opts.currency), dataVersion)));
  explainFallback(ctx, report);
  tellDataVersion(ctx, dataVersion);
  if (ctx.format === "table" && report.customers) emit(ctx, describeModel(report) + "\n\n");
  await printRecords(ctx, {
    rows,
    columns: clvColumns(report),
    record: (r) => clvRecord(r, report.currency),
    fields: CLV_FIELDS,
    empty: "no customers with purchases yet",
  });
}

export async function churn(ctx: Ctx, _args: [], opts: ReportChurnOptions): Promise<void> {
  const store = ctx.store();
  // The setting is checked when it is set (crm config set).
  const threshold = opts.threshold ?? Number(getSetting(store, "churn.threshold"));
  // The total CLV of all customers is only in the JSON: the table and CSV need CLVs for the rows shown.
  const { dataVersion, result: report } = withDataVersion(store, () =>
    churnReport(store, ctx.now, { threshold, currency: opts.currency, withTotalClv: ctx.format === "json" }),
  );
  const top = opts.top;
  const rows = top ? report.rows.slice(0, top) : report.rows;
  if (ctx.format === "json") return emitChunks(ctx, toJsonChunks(clvJson(ctx, report, rows, ratesFor(ctx, opts.currency), dataVersion)));
  tellDataVersion(ctx, dataVersion);
  if (report.model === null) {
    ctx.warn(`churn risk needs a purchase-count model: ${report.fallbackReason}`);
    return;
  }
  explainFallback(ctx, report as ClvReport);
  if (ctx.format === "table")
    ctx.info(
      `P(alive) from the ${MODEL_LABEL[report.model as keyof typeof MODEL_LABEL]} model${report.selection ? " (chosen by holdout, see crm report clv)" : ""}`,
    );
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
    record: (r) => clvRecord(r, report.currency),
    fields: [...CLV_FIELDS, "valueAtRisk"],
    empty: `no customer has P(alive) below ${threshold}`,
  });
}

export async function retention(ctx: Ctx, _args: [], opts: ReportRetentionOptions): Promise<void> {
  const period = opts.period;
  const { retentionReport } = await import("../../../core/customers/retention.js");
  const report = retentionReport(ctx.store(), ctx.now, period, opts.currency);
  explainCurrencies(ctx, report);
  const limit = opts.limit;
  const rows = limit ? report.rows.slice(-limit) : report.rows;
  const rate = (v: number | null) => (v === null ? "" : `${v.toFixed(1)}%`);
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
      period: r.period,
      start: r.start,
      end: r.end,
      customersAtStart: r.customersAtStart,
      newCustomers: r.newCustomers,
      customersAtEnd: r.customersAtEnd,
      retained: r.retained,
      retentionPercent: jsonPercent(r.retentionRate),
      churnPercent: jsonPercent(r.churnRate),
      repeatPurchasePercent: jsonPercent(r.repeatPurchaseRate),
      previousPeriodCustomers: r.previousPeriodCustomers,
      retainedFromPreviousPeriod: r.retainedFromPreviousPeriod,
      previousPeriodRetentionPercent: jsonPercent(r.previousPeriodRetention),
      currency: report.currency,
    }),
    empty: "no purchases yet",
  });
}

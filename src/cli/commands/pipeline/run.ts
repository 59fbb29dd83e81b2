// `crm pipeline`, the board: per open stage, deals, total and weighted total; deals closing soon.
import type { Ctx } from "../../context.js";
import { dealsAsOf, stageProbabilities } from "../../../core/deals/deals.js";
import { pipelineBoard, type StageSummary, type CurrencyTotal } from "../../../core/deals/pipeline.js";
import { defaultCurrency } from "../../../core/config/settings.js";
import { formatMinor, formatMoney } from "../../../io/money.js";
import { addInterval, daysFromTo, localDate } from "../../../io/dates.js";
import { emit } from "../../render/sink.js";
import { jsonAsOf, toJson } from "../../render/json.js";
import { toCsv } from "../../render/csv.js";
import { plainTable, boxTable, styled, type Column } from "../../render/table.js";
import { bar } from "../../render/chart.js";
import type { PipelineOptions } from "./declare.js";

export const PIPELINE_FIELDS = ["stage", "currency", "probability", "deals", "total", "weighted"];

type BoardRow = { stage: string; currency: string; probability: number | null; deals: number; totalMinor: number; weightedMinor: number };

const boardRecord = (r: BoardRow) => ({
  stage: r.stage,
  currency: r.currency,
  probability: r.probability,
  deals: r.deals,
  total: formatMinor(r.totalMinor, r.currency),
  weighted: formatMinor(r.weightedMinor, r.currency),
});

export async function pipeline(ctx: Ctx, _args: [], opts: PipelineOptions): Promise<void> {
  const within = opts.within ?? { count: 14, unit: "day" };
  const today = localDate(ctx.now);
  const withinDays = daysFromTo(today, localDate(addInterval(ctx.now, within)));
  const store = ctx.store();
  const board = pipelineBoard(dealsAsOf(store, ctx.now), {
    today,
    withinDays,
    stageProbabilities: stageProbabilities(store),
    defaultCurrency: defaultCurrency(store),
  });
  const rows: BoardRow[] = [];
  for (const t of board.totals) {
    rows.push(...board.stages.filter((s: StageSummary) => s.currency === t.currency));
    rows.push({ stage: "total", probability: null, ...(t as CurrencyTotal) });
  }
  const closing = board.closingSoon.map((d) => ({
    id: d.id,
    title: d.title,
    contactId: d.contactId,
    contactName: d.contactName,
    stage: d.stage,
    amount: formatMinor(d.amountMinor, d.currency),
    currency: d.currency,
    probability: d.probability,
    closeOn: d.closeOn,
    daysToClose: d.daysToClose,
  }));
  if (ctx.format === "json")
    return emit(
      ctx,
      toJson({
        asOf: jsonAsOf(ctx.now),
        withinDays,
        stages: board.stages.map(boardRecord),
        totals: board.totals.map((t) => boardRecord({ stage: "total", probability: null, ...t })),
        closingSoon: closing,
      }),
    );
  if (ctx.format === "csv") return emit(ctx, toCsv(rows.map(boardRecord), PIPELINE_FIELDS));

  const c = ctx.color;
  const chart = ctx.tableStyle === "box";
  const max = Math.max(0, ...rows.filter((r) => r.stage !== "total").map((r) => r.weightedMinor));
  const columns: Column<BoardRow>[] = [
    { header: "stage", cell: (r) => (r.stage === "total" ? styled("total", c.bold) : r.stage) },
    { header: "deals", cell: (r) => r.deals, align: "right" },
    { header: "total", cell: (r) => formatMoney(r.totalMinor, r.currency), align: "right" },
    {
      header: "weighted",
      cell: (r) => (r.stage === "total" ? styled(formatMoney(r.weightedMinor, r.currency), c.bold) : formatMoney(r.weightedMinor, r.currency)),
      align: "right",
    },
  ];
  // Bars compare amounts within one currency only: with several currencies, each is scaled to its own largest.
  if (chart)
    columns.push({
      header: "",
      cell: (r) => {
        if (r.stage === "total") return "";
        const top =
          board.totals.length > 1 ? Math.max(...rows.filter((x) => x.currency === r.currency && x.stage !== "total").map((x) => x.weightedMinor)) : max;
        return styled(bar(r.weightedMinor, top, 20), c.cyan);
      },
    });
  const out = [(ctx.tableStyle === "box" ? await boxTable(ctx, columns, rows) : plainTable(columns, rows)).trimEnd()];
  const soon = board.closingSoon;
  out.push("", c.bold(soon.length ? `Closing within ${withinDays} days` : `Nothing expected to close within ${withinDays} days`));
  if (soon.length) {
    const soonColumns: Column<(typeof soon)[number]>[] = [
      { header: "id", cell: (d) => d.id, align: "right" },
      { header: "close", cell: (d) => d.closeOn },
      {
        header: "when",
        cell: (d) =>
          d.daysToClose < 0 ? styled(`${-d.daysToClose}d overdue`, c.red) : d.daysToClose === 0 ? styled("today", c.yellow) : `in ${d.daysToClose}d`,
      },
      { header: "contact", cell: (d) => d.contactName },
      { header: "title", cell: (d) => d.title },
      { header: "stage", cell: (d) => d.stage },
      { header: "amount", cell: (d) => formatMoney(d.amountMinor, d.currency), align: "right" },
      { header: "prob", cell: (d) => `${d.probability}%`, align: "right" },
    ];
    out.push((ctx.tableStyle === "box" ? await boxTable(ctx, soonColumns, soon) : plainTable(soonColumns, soon)).trimEnd());
  }
  emit(ctx, out.join("\n").replace(/\n*$/, "\n"));
}

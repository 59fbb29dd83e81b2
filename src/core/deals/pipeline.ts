// The pipeline, pure: the stages, the board of `crm pipeline` and the report of `crm report pipeline`
// (grouped by period and currency). Plain arrays in, plain records out — no database, no clock, no
// printing. The figures themselves — the weighted sum Σ amount × probability kept exact (BigInt) and
// divided by 100 once, rounding half up; win rate; days to win — come from src/analytics/forecast.ts.
import { averageCycleDays, weightedForecast, winRatePercent } from "../../analytics/forecast.js";
import { periodKey } from "../../analytics/period.js";
import { compareIso, daysFromTo } from "../../io/dates.js";

export const STAGES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"] as const;
export type Stage = (typeof STAGES)[number];
export const OPEN_STAGES = ["lead", "qualified", "proposal", "negotiation"] as const satisfies readonly Stage[];

export const isOpenStage = (stage: string): boolean => (OPEN_STAGES as readonly string[]).includes(stage);

/** A deal as the pipeline sees it at one moment (its stage then; probability already resolved). */
export interface PipelineDeal {
  id: number;
  title: string;
  contactId: number;
  contactName: string;
  stage: Stage;
  amountMinor: number;
  currency: string;
  /** Effective win probability in percent (the deal's override, else its stage's). */
  probability: number;
  /** Expected close date, local "YYYY-MM-DD". */
  closeOn: string | null;
  /** Local date the deal was opened. */
  createdOn: string;
  /** Local date it was won or lost; null while open. */
  closedOn: string | null;
}

/** Σ amount × probability / 100 in minor units, rounded half up once at the end. */
export function weightedMinor(deals: readonly { amountMinor: number; probability: number }[]): number {
  return weightedForecast(deals.map((d) => ({ amountMinor: d.amountMinor, probability: d.probability, status: "open" as const }))).totalWeightedMinor;
}

function totalMinor(deals: readonly { amountMinor: number }[]): number {
  let sum = 0n;
  for (const d of deals) sum += BigInt(d.amountMinor);
  return Number(sum);
}

const currencies = (deals: readonly PipelineDeal[], fallback: string) => {
  const set = [...new Set(deals.map((d) => d.currency))].sort();
  return set.length ? set : [fallback];
};

export interface StageSummary {
  stage: Stage;
  currency: string;
  /** The stage's default probability (individual deals may override it). */
  probability: number;
  deals: number;
  totalMinor: number;
  weightedMinor: number;
}

export interface CurrencyTotal {
  currency: string;
  deals: number;
  totalMinor: number;
  weightedMinor: number;
}

export type ClosingDeal = PipelineDeal & { daysToClose: number };

export interface Board {
  /** Every open stage, in order, once per currency present (the default currency when there are none). */
  stages: StageSummary[];
  totals: CurrencyTotal[];
  /** Open deals expected to close within the window, including those already past their date. */
  closingSoon: ClosingDeal[];
}

/** Open deals with a close date no later than `withinDays` after `today` (overdue ones too), soonest first. */
export function closingWithin(deals: readonly PipelineDeal[], today: string, withinDays: number): ClosingDeal[] {
  return deals
    .filter((d) => isOpenStage(d.stage) && d.closeOn !== null)
    .map((d) => ({ ...d, daysToClose: daysFromTo(today, d.closeOn!) }))
    .filter((d) => d.daysToClose <= withinDays)
    .sort((a, b) => compareIso(a.closeOn!, b.closeOn!) || a.id - b.id);
}

/** The board of `crm pipeline`: count, total and weighted total per open stage and currency. */
export function pipelineBoard(
  deals: readonly PipelineDeal[],
  opts: { today: string; withinDays: number; stageProbabilities: Record<Stage, number>; defaultCurrency: string },
): Board {
  const open = deals.filter((d) => isOpenStage(d.stage));
  const stages: StageSummary[] = [];
  const totals: CurrencyTotal[] = [];
  for (const currency of currencies(open, opts.defaultCurrency)) {
    const inCurrency = open.filter((d) => d.currency === currency);
    for (const stage of OPEN_STAGES) {
      const here = inCurrency.filter((d) => d.stage === stage);
      stages.push({
        stage,
        currency,
        probability: opts.stageProbabilities[stage],
        deals: here.length,
        totalMinor: totalMinor(here),
        weightedMinor: weightedMinor(here),
      });
    }
    totals.push({ currency, deals: inCurrency.length, totalMinor: totalMinor(inCurrency), weightedMinor: weightedMinor(inCurrency) });
  }
  return { stages, totals, closingSoon: closingWithin(open, opts.today, opts.withinDays) };
}

export type PeriodUnit = "month" | "quarter";

/** "2026-03" (month) or "2026-Q1" (quarter) of a local date. */
export const periodOf = (date: string, by: PeriodUnit): string => periodKey(date, by);

const oneDecimal = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** won / (won + lost) in percent with one decimal; null when nothing is closed. */
export const winRate = (won: number, lost: number): number | null => oneDecimal(winRatePercent(won, lost));

/** Mean calendar days from opening to winning, one decimal; null when nothing was won. */
export function averageDaysToWin(deals: readonly PipelineDeal[]): number | null {
  const cycle = averageCycleDays(
    deals.map((d) => ({
      amountMinor: d.amountMinor,
      probability: d.probability,
      status: d.stage === "won" ? "won" : isOpenStage(d.stage) ? "open" : "lost",
      createdAt: d.createdOn,
      closedAt: d.closedOn,
    })),
  );
  return oneDecimal(cycle.averageDays);
}

export interface ForecastRow {
  /** "2026-03" / "2026-Q1"; null for open deals without an expected close date; "total" on total rows. */
  period: string | null;
  currency: string;
  /** Open deals expected to close in the period, their total and weighted total. */
  openDeals: number;
  openMinor: number;
  weightedMinor: number;
  /** Deals won or lost in the period (by the date they closed). */
  wonDeals: number;
  wonMinor: number;
  lostDeals: number;
  winRate: number | null;
  averageDaysToWin: number | null;
}

export interface PipelineReport {
  rows: ForecastRow[];
  /** One row per currency over all periods (period "total"). */
  totals: ForecastRow[];
  won: number;
  lost: number;
  winRate: number | null;
  averageDaysToWin: number | null;
}

function forecastRow(period: string | null, currency: string, deals: readonly PipelineDeal[]): ForecastRow {
  const open = deals.filter((d) => isOpenStage(d.stage));
  const won = deals.filter((d) => d.stage === "won");
  const lost = deals.filter((d) => d.stage === "lost").length;
  return {
    period,
    currency,
    openDeals: open.length,
    openMinor: totalMinor(open),
    weightedMinor: weightedMinor(open),
    wonDeals: won.length,
    wonMinor: totalMinor(won),
    lostDeals: lost,
    winRate: winRate(won.length, lost),
    averageDaysToWin: averageDaysToWin(won),
  };
}

/**
 * `crm report pipeline`: per period and currency, the weighted forecast of open deals by expected close
 * date, and the deals won and lost by the date they closed; totals per currency; win rate and average
 * cycle over everything closed.
 */
export function pipelineReport(deals: readonly PipelineDeal[], by: PeriodUnit): PipelineReport {
  const groups = new Map<string, { period: string | null; currency: string; deals: PipelineDeal[] }>();
  for (const d of deals) {
    const date = isOpenStage(d.stage) ? d.closeOn : d.closedOn;
    const period = date ? periodOf(date, by) : null;
    const key = `${period ?? "~"}\u0000${d.currency}`;
    const group = groups.get(key) ?? groups.set(key, { period, currency: d.currency, deals: [] }).get(key)!;
    group.deals.push(d);
  }
  const rows = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => forecastRow(g.period, g.currency, g.deals));
  const totals = currencies(deals, "")
    .filter(Boolean)
    .map((c) =>
      forecastRow(
        "total",
        c,
        deals.filter((d) => d.currency === c),
      ),
    );
  const won = deals.filter((d) => d.stage === "won").length;
  const lost = deals.filter((d) => d.stage === "lost").length;
  return { rows, totals, won, lost, winRate: winRate(won, lost), averageDaysToWin: averageDaysToWin(deals) };
}

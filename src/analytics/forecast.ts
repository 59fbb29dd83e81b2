// Sales pipeline figures: the probability-weighted forecast of open deals by expected close month,
// the win rate and the average sales-cycle length. Money stays in integer minor units (cents) and
// is computed exactly. `crm pipeline` and `crm report pipeline` (src/core/deals/pipeline.ts) take
// their weighted totals, win rates and cycle lengths from here.

import { dayNumber, periodKey } from "./period.js";

export type DealStatus = "open" | "won" | "lost";

export interface Deal {
  /** Amount in minor units (e.g. cents): a non-negative safe integer. */
  amountMinor: number;
  /** Win probability in percent: an integer 0–100. */
  probability: number;
  status: DealStatus;
  /** ISO currency code; all deals of one forecast must share it (or all omit it). */
  currency?: string | null;
  /** ISO date the deal is expected to close. */
  expectedClose?: string | null;
  /** ISO date the deal was opened. */
  createdAt?: string | null;
  /** ISO date the deal was won or lost. */
  closedAt?: string | null;
}

export interface ForecastMonth {
  /** "yyyy-mm" of the expected close date; null for open deals without one. */
  month: string | null;
  deals: number;
  amountMinor: number;
  /** Σ amount × probability / 100, rounded half-up once, in minor units. */
  weightedMinor: number;
}

export interface PipelineForecast {
  /** Chronological; the month-less group, if any, last. */
  months: ForecastMonth[];
  deals: number;
  totalAmountMinor: number;
  /** Rounded once from the exact total, so it can differ from the sum of the rounded months by
   * less than one minor unit per month. */
  totalWeightedMinor: number;
}

/**
 * Weighted forecast of the open deals by expected close month: Σ amount_minor × probability / 100.
 * The products amount × probability are summed exactly (as BigInt, so no total can lose precision)
 * and divided by 100 once at the end, rounding halves up: 0.5 minor units becomes 1.
 */
export function weightedForecast(deals: readonly Deal[]): PipelineForecast {
  checkSingleCurrency(deals);
  const groups = new Map<string | null, { deals: number; amount: bigint; weighted: bigint }>();
  let totalAmount = 0n;
  let totalWeighted = 0n;
  deals.forEach((deal, index) => {
    checkDeal(deal, index);
    if (deal.status !== "open") return;
    const month = deal.expectedClose ? periodKey(deal.expectedClose, "month") : null;
    const group = groups.get(month) ?? { deals: 0, amount: 0n, weighted: 0n };
    const amount = BigInt(deal.amountMinor);
    const weighted = amount * BigInt(deal.probability);
    group.deals++;
    group.amount += amount;
    group.weighted += weighted;
    groups.set(month, group);
    totalAmount += amount;
    totalWeighted += weighted;
  });
  const months = [...groups.entries()]
    .sort(([p], [q]) => (p === null ? 1 : q === null ? -1 : p < q ? -1 : p > q ? 1 : 0))
    .map(([month, g]) => ({
      month,
      deals: g.deals,
      amountMinor: toSafeNumber(g.amount),
      weightedMinor: toSafeNumber(divRoundHalfUp(g.weighted, 100n)),
    }));
  return {
    months,
    deals: months.reduce((sum, m) => sum + m.deals, 0),
    totalAmountMinor: toSafeNumber(totalAmount),
    totalWeightedMinor: toSafeNumber(divRoundHalfUp(totalWeighted, 100n)),
  };
}

export interface WinRate {
  won: number;
  lost: number;
  closed: number;
  /** won / closed in percent; null when no deal is closed. */
  winRate: number | null;
}

/** Won deals as a percentage of closed (won + lost) deals; open deals do not count. */
export function winRate(deals: readonly Deal[]): WinRate {
  let won = 0;
  let lost = 0;
  deals.forEach((deal, index) => {
    checkDeal(deal, index);
    if (deal.status === "won") won++;
    else if (deal.status === "lost") lost++;
  });
  return { won, lost, closed: won + lost, winRate: winRatePercent(won, lost) };
}

/** won / (won + lost) in percent; null when nothing is closed. */
export function winRatePercent(won: number, lost: number): number | null {
  const closed = won + lost;
  return closed === 0 ? null : (100 * won) / closed;
}

export interface SalesCycle {
  /** Won deals with both dates, the ones averaged. */
  deals: number;
  /** Mean days from createdAt to closedAt; null when no won deal has both dates. */
  averageDays: number | null;
}

/** Average sales cycle: days from opening to winning, over won deals with both dates. Lost deals
 * are left out, as their cycle measures how long a lost cause was pursued rather than how long a
 * sale takes. */
export function averageCycleDays(deals: readonly Deal[]): SalesCycle {
  let count = 0;
  let totalDays = 0;
  deals.forEach((deal, index) => {
    checkDeal(deal, index);
    if (deal.status !== "won" || !deal.createdAt || !deal.closedAt) return;
    const days = dayNumber(deal.closedAt) - dayNumber(deal.createdAt);
    if (days < 0) throw new RangeError(`deal ${index}: closed (${deal.closedAt}) before it was created (${deal.createdAt})`);
    count++;
    totalDays += days;
  });
  return { deals: count, averageDays: count === 0 ? null : totalDays / count };
}

/** n / d rounded half away from zero, in exact integer arithmetic. */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError("divisor must be positive");
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = (abs * 2n + d) / (2n * d);
  return negative ? -q : q;
}

function toSafeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`forecast: total ${n} exceeds the safe integer range`);
  return Number(n);
}

function checkDeal(deal: Deal, index: number): void {
  if (!(Number.isSafeInteger(deal.amountMinor) && deal.amountMinor >= 0)) {
    throw new RangeError(`deal ${index}: amount must be a non-negative integer in minor units, got ${deal.amountMinor}`);
  }
  if (!(Number.isInteger(deal.probability) && deal.probability >= 0 && deal.probability <= 100)) {
    throw new RangeError(`deal ${index}: probability must be an integer percentage 0–100, got ${deal.probability}`);
  }
  if (deal.status !== "open" && deal.status !== "won" && deal.status !== "lost") {
    throw new RangeError(`deal ${index}: status must be open, won or lost, got ${String(deal.status)}`);
  }
}

function checkSingleCurrency(deals: readonly Deal[]): void {
  const currencies = new Set(deals.map((deal) => deal.currency ?? null));
  if (currencies.size > 1) {
    throw new RangeError(`forecast: deals are in several currencies (${[...currencies].map(String).join(", ")}); forecast one currency at a time`);
  }
}

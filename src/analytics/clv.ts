// Customer lifetime value: the predictive form (BG/NBD purchases × Gamma-Gamma order value, month by
// month, discounted — as the `lifetimes` library computes it) and the simple retention-based forms of
// Gupta & Lehmann (2003).

import { bgnbdConditionalExpectedAt, type BgNbdParams } from "./bgnbd.js";
import { gammaGammaExpectedValue, type GammaGammaParams } from "./gammagamma.js";

export interface ClvCustomer {
  /** Repeat purchases. */
  x: number;
  /** Time of the last purchase since the first, in the unit the models were fitted in. */
  tx: number;
  /** Age since the first purchase, in the same unit. */
  T: number;
  /** Mean value of the repeat purchases (ignored when x = 0). */
  mbar: number;
}

export interface PredictiveClvOptions {
  /** Horizon in months (a positive integer). */
  months: number;
  /** Yearly discount rate, e.g. 0.1 for 10 %. */
  annualDiscountRate: number;
  /** Length in days of the unit t_x and T are in and the models were fitted in; default 7 (weeks). */
  daysPerTimeUnit?: number;
  /** Length of a month in days; default 365.25/12 (DAYS_PER_MONTH), so that 12 months are one year. */
  daysPerMonth?: number;
}

/** An average month: 365.25/12 = 30.4375 days (12 months make a year; `lifetimes` uses 30). */
export const DAYS_PER_MONTH = 365.25 / 12;

/**
 * E[Y(t)] — expected purchases in the next t time units given the customer's history — at each of the
 * month ends, from whichever purchase-count model (BG/NBD, MBG/NBD, Pareto/NBD) the caller fitted.
 */
export type ExpectedToMonthEnds = (monthEnds: readonly number[]) => readonly number[];

/**
 * Monthly rate equivalent to a yearly one: (1 + d)^(1/12) − 1, so that twelve monthly discounts
 * compound to exactly one yearly discount. (Dividing by 12 would discount slightly too much.)
 */
export function monthlyDiscountRate(annualRate: number): number {
  checkDiscountRate(annualRate, "annual discount rate");
  return Math.pow(1 + annualRate, 1 / 12) - 1;
}

/**
 * Predictive CLV of one customer:
 *   Σ_{i=1..H} E[value] · (E[Y(i·M)] − E[Y((i − 1)·M)]) / (1 + monthly rate)^i,
 * where M is a month of 365.25/12 days converted to the fitting unit (365.25/84 weeks), E[Y(t)] the
 * expected purchases in the next t units given the customer's history (BG/NBD from its parameters, or
 * any count model's as a function), and E[value] the Gamma-Gamma expected order value. This is
 * `lifetimes`' customer_lifetime_value, with an average month (lifetimes: 30 days, so its 12 months
 * fall 5.25 days short of a year) and a yearly rate converted to monthly by monthlyDiscountRate.
 */
export function predictiveClv(
  purchases: BgNbdParams | ExpectedToMonthEnds,
  gammaGamma: GammaGammaParams,
  customer: ClvCustomer,
  options: PredictiveClvOptions,
): number {
  const { months, annualDiscountRate } = options;
  const daysPerTimeUnit = options.daysPerTimeUnit ?? 7;
  const daysPerMonth = options.daysPerMonth ?? DAYS_PER_MONTH;
  if (!(Number.isInteger(months) && months > 0)) throw new RangeError(`CLV: months must be a positive integer, got ${months}`);
  if (!(daysPerTimeUnit > 0 && Number.isFinite(daysPerTimeUnit))) {
    throw new RangeError(`CLV: daysPerTimeUnit must be positive, got ${daysPerTimeUnit}`);
  }
  if (!(daysPerMonth > 0 && Number.isFinite(daysPerMonth))) throw new RangeError(`CLV: daysPerMonth must be positive, got ${daysPerMonth}`);
  const monthly = monthlyDiscountRate(annualDiscountRate);
  const monthInUnits = daysPerMonth / daysPerTimeUnit;
  const value = gammaGammaExpectedValue(gammaGamma, customer.x, customer.mbar);
  const { x, tx, T } = customer;

  const monthEnds = monthEndsOf(months, monthInUnits);
  // E[Y(i·M)], i = 1..H
  const toMonthEnd = typeof purchases === "function" ? purchases(monthEnds) : bgnbdConditionalExpectedAt(purchases, monthEnds, x, tx, T);
  const discount = discountsOf(months, monthly);
  let clv = 0;
  let purchasesSoFar = 0; // E[Y((i − 1)·M)]
  for (let i = 1; i <= months; i++) {
    const purchasesToMonthEnd = toMonthEnd[i - 1]!;
    clv += (value * (purchasesToMonthEnd - purchasesSoFar)) / discount[i - 1]!;
    purchasesSoFar = purchasesToMonthEnd;
  }
  return clv;
}

/** (1 + monthly rate)^i for i = 1..H; the last list is kept, as for the month ends. */
let lastDiscounts: { months: number; monthly: number; factors: readonly number[] } | undefined;
function discountsOf(months: number, monthly: number): readonly number[] {
  if (lastDiscounts?.months !== months || lastDiscounts.monthly !== monthly) {
    const factors: number[] = [];
    for (let i = 1; i <= months; i++) factors.push(Math.pow(1 + monthly, i));
    lastDiscounts = { months, monthly, factors };
  }
  return lastDiscounts.factors;
}

/** i·M for i = 1..H; the last list is kept, as a report asks for the same one per customer. */
let lastMonthEnds: { months: number; unit: number; ends: readonly number[] } | undefined;
function monthEndsOf(months: number, unit: number): readonly number[] {
  if (lastMonthEnds?.months !== months || lastMonthEnds.unit !== unit) {
    const ends: number[] = [];
    for (let i = 1; i <= months; i++) ends.push(i * unit);
    lastMonthEnds = { months, unit, ends };
  }
  return lastMonthEnds.ends;
}

/**
 * Simple CLV (Gupta & Lehmann 2003): m · r / (1 + d − r), the value of a yearly margin m kept with
 * yearly retention rate r and discounted at yearly rate d, over an infinite horizon, the first margin
 * arriving after one year. r = 0.8, d = 0.1 gives 2.667 · m.
 */
export function simpleClv(margin: number, retentionRate: number, discountRate: number): number {
  if (!Number.isFinite(margin)) throw new RangeError(`simple CLV: margin must be a finite number, got ${margin}`);
  if (!(retentionRate >= 0 && retentionRate <= 1)) {
    throw new RangeError(`simple CLV: retention rate must be between 0 and 1, got ${retentionRate}`);
  }
  checkDiscountRate(discountRate, "discount rate");
  if (!(retentionRate < 1 + discountRate)) {
    throw new RangeError(`simple CLV: retention rate (${retentionRate}) must be below 1 + discount rate (${1 + discountRate}), else the value is unbounded`);
  }
  return (margin * retentionRate) / (1 + discountRate - retentionRate);
}

export interface CashFlow {
  revenue: number;
  cost: number;
}

/**
 * Discounted CLV over a finite horizon: Σ_{t=1..n} (R_t − C_t) / (1 + d)^t, where cashFlows[0] is
 * period t = 1 (the first flow is discounted once, matching simpleClv's convention).
 */
export function discountedClv(cashFlows: readonly CashFlow[], discountRate: number): number {
  checkDiscountRate(discountRate, "discount rate");
  let total = 0;
  cashFlows.forEach(({ revenue, cost }, index) => {
    if (!Number.isFinite(revenue) || !Number.isFinite(cost)) {
      throw new RangeError(`discounted CLV: period ${index + 1} has a non-finite revenue or cost`);
    }
    total += (revenue - cost) / Math.pow(1 + discountRate, index + 1);
  });
  return total;
}

function checkDiscountRate(rate: number, what: string): void {
  if (!(Number.isFinite(rate) && rate > -1)) throw new RangeError(`CLV: ${what} must be a number above −1, got ${rate}`);
}

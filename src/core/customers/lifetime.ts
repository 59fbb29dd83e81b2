// Lifetime value and churn risk: BG/NBD + Gamma-Gamma fitted on the purchase history (weeks), or the
// simple Gupta & Lehmann model when the data cannot support a fit. Returns plain report records.
import type { Store } from "../../db/open.js";
import { CrmError, usageError } from "../../errors.js";
import { fitBgNbd, bgnbdPAlive, bgnbdConditionalExpected, bgnbdConditionalExpectedAt, type BgNbdFit } from "../../analytics/bgnbd.js";
import { fitGammaGamma, gammaGammaExpectedValue, type GammaGammaFit } from "../../analytics/gammagamma.js";
import { predictiveClv, simpleClv } from "../../analytics/clv.js";
import { loadCustomers, contactNames, type CustomerData } from "./customers.js";
import { dayNumber } from "../../analytics/period.js";
import { currencyDigits } from "../../io/money.js";

/** Below this many repeat customers the BG/NBD parameters are not identifiable in practice. */
const MIN_REPEAT_CUSTOMERS = 50;
const DAYS_PER_WEEK = 7;

export interface ClvOptions {
  model: "bgnbd" | "simple";
  horizonMonths: number;
  /** Yearly discount rate, e.g. 0.1. */
  discountRate: number;
  /** Share of revenue that is margin (1 = revenue). */
  margin: number;
  currency?: string;
}

export interface ClvRow {
  contactId: number;
  name: string;
  email: string | null;
  purchases: number;
  repeatPurchases: number;
  firstPurchase: string;
  lastPurchase: string;
  recencyDays: number;
  ageDays: number;
  totalSpent: number;
  pAlive: number | null;
  expectedPurchases: number | null;
  expectedOrderValue: number | null;
  clv: number;
}

export interface ClvReport {
  model: "bgnbd" | "simple";
  /** Why the simple model was used although BG/NBD was asked for. */
  fallbackReason?: string;
  currency: string;
  asOf: string;
  horizonMonths: number;
  discountRate: number;
  margin: number;
  otherCurrencies: string[];
  bgnbd?: { r: number; alpha: number; a: number; b: number; logLikelihood: number; customers: number };
  gammaGamma?: { p: number; q: number; gamma: number; logLikelihood: number; customers: number };
  simple?: { yearlyRetention: number; multiplier: number; customersAYearAgo: number; retained: number };
  customers: number;
  totalClv: number;
  rows: ClvRow[];
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const round4 = (v: number) => Number(v.toPrecision(6));

export interface Fitted {
  bgnbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
}

/** Fits both models, or says in user terms why it cannot. */
function fitModels(data: CustomerData): Fitted | { reason: string } {
  const repeaters = data.customers.filter((c) => c.x > 0);
  if (repeaters.length < MIN_REPEAT_CUSTOMERS)
    return { reason: `only ${repeaters.length} customers bought on more than one day; the BG/NBD model needs at least ${MIN_REPEAT_CUSTOMERS}` };
  const bgnbd = fitBgNbd(data.customers.map((c) => ({ x: c.x, tx: c.txDays / DAYS_PER_WEEK, T: c.ageDays / DAYS_PER_WEEK })));
  // a + b ≤ 1 makes the hypergeometric terms of the predictions change sign: no usable forecast.
  if (![bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b, bgnbd.logLikelihood].every(Number.isFinite) || bgnbd.a + bgnbd.b <= 1)
    return { reason: "the BG/NBD fit did not converge to usable parameters on this data (too little history?)" };
  const gammaGamma = fitGammaGamma(repeaters.filter((c) => c.repeatMean > 0).map((c) => ({ x: c.x, mbar: c.repeatMean })));
  if (!(gammaGamma.q > 1) || ![gammaGamma.p, gammaGamma.gamma, gammaGamma.logLikelihood].every(Number.isFinite))
    return { reason: "the Gamma-Gamma fit of order values did not give a finite mean (q ≤ 1)" };
  return { bgnbd, gammaGamma };
}

type Customer = CustomerData["customers"][number];
type Described = Omit<ClvRow, "pAlive" | "expectedPurchases" | "expectedOrderValue" | "clv">;

/** The descriptive part of report rows, with the names of just these customers looked up. */
function describer(store: Store, data: CustomerData, customers: readonly Customer[]): (c: Customer) => Described {
  const scale = 10 ** currencyDigits(data.currency);
  const names = contactNames(
    store,
    customers.map((c) => c.contactId),
  );
  return (c) => {
    const known = names.get(c.contactId);
    return {
      contactId: c.contactId,
      name: known?.name ?? "",
      email: known?.email ?? null,
      purchases: c.purchases,
      repeatPurchases: c.x,
      firstPurchase: c.firstDay,
      lastPurchase: c.lastDay,
      recencyDays: c.recencyDays,
      ageDays: c.ageDays,
      totalSpent: round(c.totalMinor / scale),
    };
  };
}

/**
 * Expected purchases at the month ends per (x, t_x, T) in days, shared by the customers who have the
 * same ones (every one-time buyer of the same day, for a start).
 */
type MonthEndCache = Map<number, readonly number[]>;

/** A customer's BG/NBD + Gamma-Gamma row (throws a RangeError when the model cannot be evaluated). */
function bgnbdRow(fitted: Fitted, opts: ClvOptions, described: Described, c: Customer, cache: MonthEndCache = new Map()): ClvRow {
  const { bgnbd, gammaGamma } = fitted;
  const tx = c.txDays / DAYS_PER_WEEK;
  const T = c.ageDays / DAYS_PER_WEEK;
  const horizonWeeks = (opts.horizonMonths * 30) / DAYS_PER_WEEK;
  const value = gammaGammaExpectedValue(gammaGamma, c.x, c.repeatMean);
  // t_x plays no part when x = 0; the key is exact while days and x stay below 2^17 (359 years).
  const txDays = c.x === 0 ? 0 : c.txDays;
  const key = c.x < 131_072 && c.ageDays < 131_072 ? (c.x * 131_072 + txDays) * 131_072 + c.ageDays : undefined;
  let lastEnd: number | undefined;
  let atLastEnd: number | undefined;
  const toMonthEnd = (monthEnds: readonly number[]) => {
    let expected = key === undefined ? undefined : cache.get(key);
    if (!expected) {
      expected = bgnbdConditionalExpectedAt(bgnbd, monthEnds, c.x, tx, T);
      if (key !== undefined) cache.set(key, expected);
    }
    lastEnd = monthEnds[monthEnds.length - 1];
    atLastEnd = expected[expected.length - 1];
    return expected;
  };
  const clv = predictiveClv(
    bgnbd,
    gammaGamma,
    { x: c.x, tx, T, mbar: c.repeatMean },
    { months: opts.horizonMonths, annualDiscountRate: opts.discountRate, toMonthEnd },
  );
  const row = described as ClvRow;
  row.pAlive = round4(bgnbdPAlive(bgnbd, c.x, tx, T));
  // The last month end is the horizon itself (12 · 30/7 = 360/7 exactly): the same value, already computed.
  row.expectedPurchases = round4(lastEnd === horizonWeeks ? atLastEnd! : bgnbdConditionalExpected(bgnbd, horizonWeeks, c.x, tx, T));
  row.expectedOrderValue = round(value * opts.margin);
  row.clv = round(clv * opts.margin);
  return row;
}

export function clvReport(store: Store, now: Date, opts: ClvOptions, preloaded?: CustomerData, prefitted?: Fitted | { reason: string }): ClvReport {
  if (!(opts.discountRate > -1 && opts.discountRate < 10))
    throw usageError(`invalid discount rate ${opts.discountRate}`, "use a yearly rate such as 0.1 for 10%");
  const data = preloaded ?? loadCustomers(store, now, opts.currency);
  const base = {
    currency: data.currency,
    asOf: data.today,
    horizonMonths: opts.horizonMonths,
    discountRate: opts.discountRate,
    margin: opts.margin,
    otherCurrencies: data.otherCurrencies,
    customers: data.customers.length,
  };
  const describe = describer(store, data, data.customers);

  let fallbackReason: string | undefined;
  if (opts.model === "bgnbd") {
    const fitted = prefitted ?? fitModels(data);
    if ("bgnbd" in fitted) {
      const { bgnbd, gammaGamma } = fitted;
      const cache: MonthEndCache = new Map();
      const rows = predictRows(data, (c) => bgnbdRow(fitted, opts, describe(c), c, cache));
      if (rows)
        return {
          model: "bgnbd",
          ...base,
          bgnbd: { r: bgnbd.r, alpha: bgnbd.alpha, a: bgnbd.a, b: bgnbd.b, logLikelihood: bgnbd.logLikelihood, customers: bgnbd.customers },
          gammaGamma: { p: gammaGamma.p, q: gammaGamma.q, gamma: gammaGamma.gamma, logLikelihood: gammaGamma.logLikelihood, customers: gammaGamma.customers },
          totalClv: round(rows.reduce((s, r) => s + r.clv, 0)),
          rows,
        };
      fallbackReason = "the fitted BG/NBD model cannot be evaluated for every customer on this data (too little history?)";
    } else fallbackReason = fitted.reason;
  }
  try {
    return { ...simpleReport(data, opts, describe), ...base, fallbackReason };
  } catch (err) {
    if (fallbackReason && err instanceof CrmError)
      throw usageError(`cannot estimate CLV yet: ${fallbackReason}, and ${err.message.replace(/^the /, "the ")}`, err.hint);
    throw err;
  }
}

/** Rows sorted by CLV; undefined when the fitted model cannot be evaluated for some customer. */
function predictRows(data: CustomerData, predict: (c: CustomerData["customers"][number]) => ClvRow): ClvRow[] | undefined {
  try {
    return byClv(data.customers.map(predict));
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * Rows by CLV, highest first, then by contact id. The order is total, so sorting positions by keys
 * in typed arrays gives the same order as sorting the rows by their fields, in a fraction of the time.
 */
function byClv(rows: ClvRow[]): ClvRow[] {
  const clv = Float64Array.from(rows, (r) => r.clv);
  const id = Float64Array.from(rows, (r) => r.contactId);
  const order = Uint32Array.from(rows, (_, i) => i).sort((p, q) => clv[q]! - clv[p]! || id[p]! - id[q]!);
  return Array.from(order, (i) => rows[i]!);
}

/**
 * Gupta & Lehmann (2003): CLV = m · r / (1 + d − r). m is the customer's margin over the last 12
 * months; r the share of the previous 12 months' customers who bought again in the last 12 months.
 */
function simpleReport(data: CustomerData, opts: ClvOptions, describe: (c: Customer) => Described) {
  const today = dayNumber(data.today);
  // Customers a year ago: first purchase at least 365 days back; retained: they bought again since.
  const activeLastYear = (c: CustomerData["customers"][number]) => today - dayNumber(c.lastDay) < 365;
  const previous = data.customers.filter((c) => dayNumber(c.firstDay) <= today - 365);
  const retained = previous.filter((c) => activeLastYear(c) && c.x > 0);
  if (previous.length === 0)
    throw usageError("the simple CLV model needs more than a year of purchase history", "record or import older purchases, or use --as-of a later date");
  const r = retained.length / previous.length;
  const multiplier = simpleClv(1, Math.min(r, 0.999), opts.discountRate);
  const scale = 10 ** currencyDigits(data.currency);
  const rows: ClvRow[] = byClv(
    data.customers.map((c) => {
      // Yearly margin: the customer's average spend per year of their active span, if still active.
      const years = Math.max(1, (dayNumber(c.lastDay) - dayNumber(c.firstDay) + 1) / 365);
      const yearlyMargin = activeLastYear(c) ? (c.totalMinor / scale / years) * opts.margin : 0;
      return { ...describe(c), pAlive: null, expectedPurchases: null, expectedOrderValue: null, clv: round(yearlyMargin * multiplier) };
    }),
  );
  return {
    model: "simple" as const,
    simple: { yearlyRetention: round4(r), multiplier: round4(multiplier), customersAYearAgo: previous.length, retained: retained.length },
    totalClv: round(rows.reduce((s, row) => s + row.clv, 0)),
    rows,
  };
}

export interface ChurnRow extends ClvRow {
  valueAtRisk: number;
}

/**
 * Customers whose P(alive) fell below the threshold, ranked by value at risk: what they have spent so
 * far (their historic value), the revenue stream that stops if they are gone; CLV shown beside it.
 */
export function churnReport(store: Store, now: Date, opts: { threshold: number; currency?: string; withTotalClv?: boolean }) {
  if (!(opts.threshold > 0 && opts.threshold <= 1)) throw usageError(`invalid churn threshold ${opts.threshold}`, "use a probability such as 0.5");
  const data = loadCustomers(store, now, opts.currency);
  const fitted = fitModels(data);
  if (!("bgnbd" in fitted))
    return {
      model: null,
      fallbackReason: fitted.reason,
      currency: data.currency,
      asOf: data.today,
      customers: data.customers.length,
      threshold: opts.threshold,
      rows: [] as ChurnRow[],
    };
  if (opts.withTotalClv === false) {
    // Without the total CLV of all customers (the table and CSV show only the rows): a CLV for the
    // customers at risk only. If the model cannot be evaluated for one of them, the full path below
    // gives the same answer as always.
    try {
      const scale = 10 ** currencyDigits(data.currency);
      const atRisk = data.customers.filter((c) => pAliveOf(fitted, c) < opts.threshold);
      const describe = describer(store, data, atRisk);
      const cache: MonthEndCache = new Map();
      const rows: ChurnRow[] = atRisk.map((c) => {
        const row = bgnbdRow(fitted, CHURN_CLV, describe(c), c, cache) as ChurnRow;
        row.valueAtRisk = round(c.totalMinor / scale);
        return row;
      });
      const { bgnbd, gammaGamma } = fitted;
      return {
        model: "bgnbd" as const,
        currency: data.currency,
        asOf: data.today,
        horizonMonths: CHURN_CLV.horizonMonths,
        discountRate: CHURN_CLV.discountRate,
        margin: CHURN_CLV.margin,
        otherCurrencies: data.otherCurrencies,
        customers: data.customers.length,
        bgnbd: { r: bgnbd.r, alpha: bgnbd.alpha, a: bgnbd.a, b: bgnbd.b, logLikelihood: bgnbd.logLikelihood, customers: bgnbd.customers },
        gammaGamma: { p: gammaGamma.p, q: gammaGamma.q, gamma: gammaGamma.gamma, logLikelihood: gammaGamma.logLikelihood, customers: gammaGamma.customers },
        threshold: opts.threshold,
        rows: rows.sort(byValueAtRisk),
      };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
  }
  const clv = clvReport(store, now, CHURN_CLV, data, fitted);
  if (clv.model !== "bgnbd") return { ...clv, model: null, threshold: opts.threshold, rows: [] as ChurnRow[] };
  const rows: ChurnRow[] = clv.rows
    .filter((r) => r.pAlive! < opts.threshold)
    .map((r) => ({ ...r, valueAtRisk: r.totalSpent }))
    .sort(byValueAtRisk);
  return { ...clv, threshold: opts.threshold, rows };
}

/** P(alive) as the reports show it (rounded to 6 significant digits), which is what thresholds compare. */
function pAliveOf(fitted: Fitted, c: Customer): number {
  return round4(bgnbdPAlive(fitted.bgnbd, c.x, c.txDays / DAYS_PER_WEEK, c.ageDays / DAYS_PER_WEEK));
}

/** The CLV the churn report shows beside the value at risk. */
const CHURN_CLV: ClvOptions = { model: "bgnbd", horizonMonths: 12, discountRate: 0.1, margin: 1 };
const byValueAtRisk = (p: ChurnRow, q: ChurnRow) => q.valueAtRisk - p.valueAtRisk || q.clv - p.clv || p.contactId - q.contactId;

/**
 * The first `limit` rows of the churn report among customers with P(alive) of at least `atLeast`
 * (the agenda's "valuable customers at risk"), without the CLV of every other customer: the order
 * needs a CLV only to break ties in value at risk, so only the customers up to the `limit`-th value
 * (ties included) get one. Unlike the churn report, a model that cannot be evaluated for some other
 * customer does not empty the list.
 */
export function topCustomersAtRisk(
  store: Store,
  now: Date,
  opts: { threshold: number; atLeast: number; limit: number },
): { currency: string; rows: ChurnRow[] } {
  if (!(opts.threshold > 0 && opts.threshold <= 1)) throw usageError(`invalid churn threshold ${opts.threshold}`, "use a probability such as 0.5");
  const data = loadCustomers(store, now);
  const fitted = fitModels(data);
  if (!("bgnbd" in fitted)) return { currency: data.currency, rows: [] };
  const scale = 10 ** currencyDigits(data.currency);
  try {
    const candidates: { c: Customer; spent: number }[] = [];
    for (const c of data.customers) {
      const pAlive = pAliveOf(fitted, c);
      if (pAlive < opts.threshold && pAlive >= opts.atLeast) candidates.push({ c, spent: round(c.totalMinor / scale) });
    }
    candidates.sort((p, q) => q.spent - p.spent || p.c.contactId - q.c.contactId);
    const cut = candidates[opts.limit - 1]?.spent;
    const shown = (cut === undefined ? candidates : candidates.filter((k) => k.spent >= cut)).map((k) => k.c);
    const describe = describer(store, data, shown);
    const rows = shown.map((c) => ({ ...bgnbdRow(fitted, CHURN_CLV, describe(c), c), valueAtRisk: 0 }));
    for (const r of rows) r.valueAtRisk = r.totalSpent;
    return { currency: data.currency, rows: rows.sort(byValueAtRisk).slice(0, opts.limit) };
  } catch (err) {
    if (err instanceof RangeError) return { currency: data.currency, rows: [] };
    throw err;
  }
}

/**
 * One customer's CLV row (BG/NBD + Gamma-Gamma when the data supports it, else the simple model),
 * as `crm report clv` would show it, or undefined when they have no purchases. For `crm contact
 * show`: only when the BG/NBD model cannot be evaluated for this customer is the whole simple report
 * computed.
 */
export function customerClv(
  store: Store,
  now: Date,
  contactId: number,
  data: CustomerData = loadCustomers(store, now),
): { model: "bgnbd" | "simple"; currency: string; row?: ClvRow } {
  const opts: ClvOptions = { model: "bgnbd", horizonMonths: 12, discountRate: 0.1, margin: 1 };
  const c = data.customers.find((k) => k.contactId === contactId);
  const fitted = fitModels(data);
  if (c && "bgnbd" in fitted) {
    try {
      return { model: "bgnbd", currency: data.currency, row: bgnbdRow(fitted, opts, describer(store, data, [c])(c), c) };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
  }
  const report = clvReport(store, now, opts, data, fitted);
  return { model: report.model, currency: report.currency, row: report.rows.find((r) => r.contactId === contactId) };
}

// Lifetime value and churn risk: BG/NBD + Gamma-Gamma fitted on the purchase history (weeks), or the
// simple Gupta & Lehmann model when the data cannot support a fit. Returns plain report records.
import type { Store } from "../../db/open.js";
import { CrmError, usageError } from "../../errors.js";
import { fitGammaGamma, gammaGammaExpectedValue, type GammaGammaFit } from "../../analytics/gammagamma.js";
import { DAYS_PER_MONTH, predictiveClv, simpleClv } from "../../analytics/clv.js";
import { loadCustomers, contactNames, type CustomerData } from "./customers.js";
import { dayNumber } from "../../analytics/period.js";
import { currencyDigits } from "../../io/money.js";
import { chooseCountModel, historyOf, NO_HETEROGENEITY, DAYS_PER_WEEK, type CountModel, type CountModelName, type Selection } from "./models.js";

export type ClvModel = CountModelName | "simple";

export interface ClvOptions {
  /** A count model, "simple", or "auto": the count model that predicts a holdout best (see models.ts). */
  model: ClvModel | "auto";
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

/** A fitted count model as the reports show it: its parameters, log-likelihood and customers. */
type ModelSummary = Record<string, number>;

export interface ClvReport {
  model: ClvModel;
  /** Why the simple model was used although a count model was asked for. */
  fallbackReason?: string;
  /** How `--model auto` chose: every count model's holdout error. */
  selection?: Selection;
  currency: string;
  asOf: string;
  horizonMonths: number;
  discountRate: number;
  margin: number;
  otherCurrencies: string[];
  /** The fitted count model's parameters, under its name (one of these). */
  bgnbd?: ModelSummary;
  mbgnbd?: ModelSummary;
  pareto?: ModelSummary;
  gammaGamma?: { p: number; q: number; gamma: number; logLikelihood: number; customers: number };
  /** Repeat customers left out of the Gamma-Gamma fit because their repeat purchases average 0 or less. */
  excludedFromSpendModel?: number;
  simple?: { yearlyRetention: number; multiplier: number; customersAYearAgo: number; retained: number };
  customers: number;
  totalClv: number;
  rows: ClvRow[];
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
/** v to 6 significant digits, as Number(v.toPrecision(6)) (see sixDigits). */
const round4 = (v: number) => sixDigits(v);

const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact in binary up to 1e22

/**
 * Number(v.toPrecision(6)) without the string, in a tenth of the time (a report rounds two numbers per
 * customer): with k = 5 − ⌊log10 |v|⌋, the six digits are m = round(|v| · 10^k), and m / 10^k is the
 * double nearest the decimal, as Number() reads it (one correctly rounded operation on exact values).
 * |v| · 10^k is within 1e-10 of exact: unless it lies within 1e-6 of a midpoint (where the exact
 * value decides) or outside the range where the powers are exact, toPrecision does the work.
 */
export function sixDigits(v: number): number {
  const a = Math.abs(v);
  if (a >= 1e-16 && a < 1e16) {
    const k = 5 - Math.floor(Math.log10(a));
    const scaled = k >= 0 ? a * POWERS[k]! : a / POWERS[-k]!;
    const floor = Math.floor(scaled);
    const fraction = scaled - floor;
    if (floor >= 1e5 && floor < 1e6 && Math.abs(fraction - 0.5) > 1e-6) {
      const m = fraction > 0.5 ? floor + 1 : floor;
      const rounded = k >= 0 ? m / POWERS[k]! : m * POWERS[-k]!;
      return v < 0 ? -rounded : rounded;
    }
  }
  return Number(v.toPrecision(6));
}

export interface Fitted {
  count: CountModel;
  gammaGamma: GammaGammaFit;
  /** Repeat customers whose repeat purchases average 0 or less: not in the Gamma-Gamma fit. */
  excluded: number;
  selection?: Selection;
}

export type Unfitted = { reason: string; selection?: Selection };

/**
 * The models the customer reports use, or in user terms why there are none: the count model asked for
 * (or chosen by `auto`, see chooseCountModel) and Gamma-Gamma on the repeat customers whose repeat
 * purchases have a positive mean (a free repeat order has no place in a model of positive spend; such
 * a customer still gets a CLV, from the Gamma-Gamma expected value at their own mean of 0).
 */
export function fitModels(data: CustomerData, requested: CountModelName | "auto" = "auto"): Fitted | Unfitted {
  const chosen = chooseCountModel(data, requested);
  if (!chosen.model) return { reason: chosen.reason!, selection: chosen.selection };
  const repeaters = data.customers.filter((c) => c.x > 0);
  const spenders = repeaters.filter((c) => c.repeatMean > 0);
  if (!spenders.length)
    return { reason: "no repeat purchase has a positive amount: the Gamma-Gamma model of order values has nothing to fit", selection: chosen.selection };
  const gammaGamma = fitGammaGamma(spenders.map((c) => ({ x: c.x, mbar: c.repeatMean })));
  if (gammaGamma.atEdge.length)
    return {
      reason: `${NO_HETEROGENEITY} in order values (the Gamma-Gamma fit ran to the edge of its parameter space: ${gammaGamma.atEdge.map((p) => `${p} = ${gammaGamma[p as "p" | "q" | "gamma"].toPrecision(3)}`).join(", ")})`,
      selection: chosen.selection,
    };
  if (!(gammaGamma.q > 1) || ![gammaGamma.p, gammaGamma.gamma, gammaGamma.logLikelihood].every(Number.isFinite))
    return { reason: "the Gamma-Gamma fit of order values did not give a finite mean (q ≤ 1)", selection: chosen.selection };
  return { count: chosen.model, gammaGamma, excluded: repeaters.length - spenders.length, selection: chosen.selection };
}

/** The fitted models as the report records show them. */
function modelFields(fitted: Fitted) {
  const { count, gammaGamma } = fitted;
  return {
    model: count.name,
    ...(fitted.selection ? { selection: fitted.selection } : {}),
    [count.name]: { ...count.params, logLikelihood: count.logLikelihood, customers: count.customers },
    gammaGamma: { p: gammaGamma.p, q: gammaGamma.q, gamma: gammaGamma.gamma, logLikelihood: gammaGamma.logLikelihood, customers: gammaGamma.customers },
    ...(fitted.excluded ? { excludedFromSpendModel: fitted.excluded } : {}),
  } as Pick<ClvReport, "model" | "selection" | "bgnbd" | "mbgnbd" | "pareto" | "gammaGamma" | "excludedFromSpendModel">;
}

type Customer = CustomerData["customers"][number];
export type Described = Omit<ClvRow, "pAlive" | "expectedPurchases" | "expectedOrderValue" | "clv">;

/** The descriptive part of report rows, with the names of just these customers looked up. */
function describer(store: Store, data: CustomerData, customers: readonly Customer[]): (c: Customer) => Described {
  const scale = 10 ** currencyDigits(data.currency);
  const names = contactNames(
    store,
    customers.map((c) => c.contactId),
  );
  return (c) => describedRow(c, scale, names.get(c.contactId));
}

/** The descriptive part of a customer's report row (amounts in major units of `scale`), named when known. */
export function describedRow(c: Customer, scale: number, known?: { name: string; email: string | null }): Described {
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
}

/**
 * Expected purchases at the month ends of the customers a report predicts, prepared once for all of
 * them (CountModel.expectedAtFor) the first time the month ends are asked for.
 */
export class MonthEnds {
  private ends?: readonly number[];
  private at?: (x: number, tx: number, T: number) => number[];
  constructor(
    private readonly count: CountModel,
    private readonly customers: readonly Customer[],
  ) {}

  of(ends: readonly number[], x: number, tx: number, T: number): number[] {
    if (ends !== this.ends || !this.at) {
      this.at = this.count.expectedAtFor(ends, this.customers.map(historyOf));
      this.ends = ends;
    }
    return this.at(x, tx, T);
  }
}

/** A customer's count model + Gamma-Gamma row (throws a RangeError when the model cannot be evaluated). */
export function modelRow(fitted: Fitted, opts: ClvOptions, described: Described, c: Customer, monthEnds = new MonthEnds(fitted.count, [c])): ClvRow {
  const { count, gammaGamma } = fitted;
  const { x, tx, T } = historyOf(c);
  const horizonWeeks = opts.horizonMonths * (DAYS_PER_MONTH / DAYS_PER_WEEK);
  // A mean of 0 or less (free or refunded repeat orders) is outside the spend model: its limit at 0.
  const mbar = Math.max(0, c.repeatMean);
  const value = gammaGammaExpectedValue(gammaGamma, c.x, mbar);
  let lastEnd: number | undefined;
  let atLastEnd: number | undefined;
  const toMonthEnd = (ends: readonly number[]) => {
    const expected = monthEnds.of(ends, c.x, tx, T);
    lastEnd = ends[ends.length - 1];
    atLastEnd = expected[expected.length - 1];
    return expected;
  };
  const clv = predictiveClv(toMonthEnd, gammaGamma, { x, tx, T, mbar }, { months: opts.horizonMonths, annualDiscountRate: opts.discountRate });
  const pAlive = count.pAlive(x, tx, T);
  // The last month end is the horizon itself: the same value, already computed.
  const expected = lastEnd === horizonWeeks ? atLastEnd! : count.expectedAt([horizonWeeks], x, tx, T)[0]!;
  if (![pAlive, expected, clv].every(Number.isFinite)) throw new RangeError(`${count.label}: no finite prediction for contact ${c.contactId}`);
  const row = described as ClvRow;
  row.pAlive = round4(pAlive);
  row.expectedPurchases = round4(expected);
  row.expectedOrderValue = round(value * opts.margin);
  row.clv = round(clv * opts.margin);
  return row;
}

export function clvReport(store: Store, now: Date, opts: ClvOptions, preloaded?: CustomerData, prefitted?: Fitted | Unfitted): ClvReport {
  if (!(opts.discountRate > -1 && opts.discountRate < 10))
    throw usageError(`invalid discount rate ${opts.discountRate}`, "use a yearly rate such as 0.1 for 10%");
  const data = preloaded ?? loadCustomers(store, now, opts.currency, opts.model === "auto");
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
  let selection: Selection | undefined;
  if (opts.model !== "simple") {
    const fitted = prefitted ?? fitModels(data, opts.model);
    selection = fitted.selection;
    if ("count" in fitted) {
      const monthEnds = new MonthEnds(fitted.count, data.customers);
      const rows = predictRows(data, (c) => modelRow(fitted, opts, describe(c), c, monthEnds));
      if (Array.isArray(rows)) return { ...modelFields(fitted), ...base, totalClv: round(rows.reduce((s, r) => s + r.clv, 0)), rows };
      fallbackReason = rows.reason;
    } else fallbackReason = fitted.reason;
  }
  try {
    return { ...simpleReport(data, opts, describe), ...base, fallbackReason, ...(selection ? { selection } : {}) };
  } catch (err) {
    if (fallbackReason && err instanceof CrmError)
      throw usageError(`cannot estimate CLV yet: ${fallbackReason}, and ${err.message.replace(/^the /, "the ")}`, err.hint);
    throw err;
  }
}

/** Rows sorted by CLV, or why the fitted model cannot be evaluated for some customer. */
function predictRows(data: CustomerData, predict: (c: Customer) => ClvRow): ClvRow[] | { reason: string } {
  try {
    return byClv(data.customers.map(predict));
  } catch (err) {
    if (err instanceof RangeError) return { reason: `the fitted model cannot be evaluated for every customer (${err.message})` };
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
 * The model is chosen as for `report clv --model auto`. Every output format lists the same customers:
 * the total CLV of all customers (for JSON) is computed beside the rows, never instead of them.
 */
export function churnReport(store: Store, now: Date, opts: { threshold: number; currency?: string; withTotalClv?: boolean }) {
  if (!(opts.threshold > 0 && opts.threshold <= 1)) throw usageError(`invalid churn threshold ${opts.threshold}`, "use a probability such as 0.5");
  const data = loadCustomers(store, now, opts.currency, true);
  const fitted = fitModels(data);
  const base = { currency: data.currency, asOf: data.today, customers: data.customers.length, threshold: opts.threshold };
  const unusable = (reason: string, selection?: Selection) => ({
    model: null,
    fallbackReason: reason,
    ...(selection ? { selection } : {}),
    ...base,
    rows: [] as ChurnRow[],
  });
  if (!("count" in fitted)) return unusable(fitted.reason, fitted.selection);
  const scale = 10 ** currencyDigits(data.currency);
  try {
    const atRisk = data.customers.filter((c) => pAliveOf(fitted, c) < opts.threshold);
    const describe = describer(store, data, atRisk);
    const monthEnds = new MonthEnds(fitted.count, opts.withTotalClv ? data.customers : atRisk);
    const rows: ChurnRow[] = atRisk.map((c) => {
      const row = modelRow(fitted, CHURN_CLV, describe(c), c, monthEnds) as ChurnRow;
      row.valueAtRisk = round(c.totalMinor / scale);
      return row;
    });
    let totalClv: number | undefined;
    if (opts.withTotalClv) {
      const blank = describer(store, data, []);
      totalClv = round(data.customers.reduce((sum, c) => sum + modelRow(fitted, CHURN_CLV, blank(c), c, monthEnds).clv, 0));
    }
    return {
      ...modelFields(fitted),
      ...base,
      horizonMonths: CHURN_CLV.horizonMonths,
      discountRate: CHURN_CLV.discountRate,
      margin: CHURN_CLV.margin,
      otherCurrencies: data.otherCurrencies,
      ...(totalClv === undefined ? {} : { totalClv }),
      rows: rows.sort(byValueAtRisk),
    };
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return unusable(`the fitted ${fitted.count.label} model cannot be evaluated for every customer (${err.message})`, fitted.selection);
  }
}

/** P(alive) as the reports show it (rounded to 6 significant digits), which is what thresholds compare. */
function pAliveOf(fitted: Fitted, c: Customer): number {
  const { x, tx, T } = historyOf(c);
  return round4(fitted.count.pAlive(x, tx, T));
}

/** The CLV the churn report shows beside the value at risk. */
const CHURN_CLV: ClvOptions = { model: "auto", horizonMonths: 12, discountRate: 0.1, margin: 1 };
const byValueAtRisk = (p: ChurnRow, q: ChurnRow) => q.valueAtRisk - p.valueAtRisk || q.clv - p.clv || p.contactId - q.contactId;

/**
 * The first `limit` rows of the churn report among customers with P(alive) of at least `atLeast`
 * (the agenda's "valuable customers at risk"), without the CLV of every other customer: the order
 * needs a CLV only to break ties in value at risk, so only the customers up to the `limit`-th value
 * (ties included) get one. The model is chosen as for the churn report.
 */
export function topCustomersAtRisk(
  store: Store,
  now: Date,
  opts: { threshold: number; atLeast: number; limit: number },
): { currency: string; model: CountModelName | null; rows: ChurnRow[] } {
  if (!(opts.threshold > 0 && opts.threshold <= 1)) throw usageError(`invalid churn threshold ${opts.threshold}`, "use a probability such as 0.5");
  const data = loadCustomers(store, now, undefined, true);
  const fitted = fitModels(data);
  if (!("count" in fitted)) return { currency: data.currency, model: null, rows: [] };
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
    const rows = shown.map((c) => ({ ...modelRow(fitted, CHURN_CLV, describe(c), c), valueAtRisk: 0 }));
    for (const r of rows) r.valueAtRisk = r.totalSpent;
    return { currency: data.currency, model: fitted.count.name, rows: rows.sort(byValueAtRisk).slice(0, opts.limit) };
  } catch (err) {
    if (err instanceof RangeError) return { currency: data.currency, model: null, rows: [] };
    throw err;
  }
}

/**
 * One customer's CLV row (the chosen count model + Gamma-Gamma when the data supports it, else the
 * simple model), as `crm report clv` would show it, or undefined when they have no purchases. For
 * `crm contact show`: only when the count model cannot be evaluated for this customer is the whole
 * simple report computed.
 */
export function customerClv(
  store: Store,
  now: Date,
  contactId: number,
  data: CustomerData = loadCustomers(store, now, undefined, true),
): { model: ClvModel; currency: string; row?: ClvRow } {
  const opts: ClvOptions = { model: "auto", horizonMonths: 12, discountRate: 0.1, margin: 1 };
  const c = data.customers.find((k) => k.contactId === contactId);
  if (data.customers.length && !data.customers[0]!.days) data = loadCustomers(store, now, data.currency, true);
  const fitted = fitModels(data);
  if (c && "count" in fitted) {
    try {
      return { model: fitted.count.name, currency: data.currency, row: modelRow(fitted, opts, describer(store, data, [c])(c), c) };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
  }
  const report = clvReport(store, now, opts, data, fitted);
  return { model: report.model, currency: report.currency, row: report.rows.find((r) => r.contactId === contactId) };
}

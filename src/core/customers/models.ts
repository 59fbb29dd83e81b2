// The purchase-count models behind CLV, churn, today's at-risk list and a contact's P(alive): BG/NBD,
// MBG/NBD and Pareto/NBD behind one interface, fitted on the customers' histories in weeks, and the one
// rule that chooses between them (`chooseCountModel`): fit each on the first part of the observation
// window, predict the repeat purchases of the last part (the holdout) per customer, keep the model with
// the smallest root-mean-square error, and refit it on all the data.
import { fitBgNbd, bgnbdPAlive, bgnbdConditionalExpectedAt, bgnbdConditionalExpectedFor } from "../../analytics/bgnbd.js";
import { fitMbgNbd, mbgnbdPAlive, mbgnbdConditionalExpectedAt, mbgnbdConditionalExpectedFor } from "../../analytics/mbgnbd.js";
import { fitParetoNbd, paretoNbdPAlive, paretoNbdConditionalExpectedAt } from "../../analytics/pareto.js";
import { dayNumber, isoDateFromDayNumber } from "../../analytics/period.js";
import type { CustomerData, CustomerSummary } from "./customers.js";

export const COUNT_MODELS = ["bgnbd", "mbgnbd", "pareto"] as const;
export type CountModelName = (typeof COUNT_MODELS)[number];

export const DAYS_PER_WEEK = 7;
/** Below this many repeat customers the models' parameters are not identifiable in practice. */
const MIN_REPEAT_CUSTOMERS = 50;
/** The holdout is the last third of the observation window… */
const HOLDOUT_SHARE = 1 / 3;
/** …and needs at least four weeks to say anything. */
const MIN_HOLDOUT_DAYS = 28;

/**
 * MBG/NBD and Pareto/NBD have no gradient-polished fast path like BG/NBD's: above this many customers
 * they are fitted on an evenly spread sample of this many (every k-th customer in contact order), and
 * `auto` scores all three models on such a sample of the holdout. The sampling error of the parameters,
 * about 1/√5,000 ≈ 1.4% relative, is far below what separates the models.
 */
const MAX_FIT_CUSTOMERS = 5_000;

/** At most `max` items, evenly spread over the list (all of them when there are no more). */
function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

/** The message when a fit runs to the edge of its parameter space. */
export const NO_HETEROGENEITY = "all customers look alike: no heterogeneity to estimate";
const NO_DROPOUT_HETEROGENEITY = "customers do not differ in how soon they drop out: no heterogeneity to estimate";

const LABEL: Record<CountModelName, string> = { bgnbd: "BG/NBD", mbgnbd: "MBG/NBD", pareto: "Pareto/NBD" };

/** A fitted count model: its parameters and its predictions for one customer (t_x, T, t in weeks). */
export interface CountModel {
  name: CountModelName;
  label: string;
  params: Record<string, number>;
  logLikelihood: number;
  customers: number;
  pAlive(x: number, tx: number, T: number): number;
  expectedAt(ts: readonly number[], x: number, tx: number, T: number): number[];
  /**
   * expectedAt at `ts`, prepared for these customers: the same values, with what customers share
   * computed once (use it when predicting many customers at the same horizons).
   */
  expectedAtFor(ts: readonly number[], histories: readonly History[]): (x: number, tx: number, T: number) => number[];
}

interface History {
  x: number;
  tx: number;
  T: number;
}

/** Why a model was not used, in the user's words. */
export interface Refusal {
  reason: string;
}

/** Fits one count model on histories in weeks, or says in user terms why it gives no usable result. */
function fitCountModel(name: CountModelName, histories: readonly History[], start?: Record<string, number>): CountModel | Refusal {
  const repeaters = histories.reduce((n, h) => n + (h.x > 0 ? 1 : 0), 0);
  if (repeaters < MIN_REPEAT_CUSTOMERS)
    return { reason: `only ${repeaters} customers bought on more than one day; the ${LABEL[name]} model needs at least ${MIN_REPEAT_CUSTOMERS}` };
  const model = fit(name, name === "bgnbd" ? histories : spread(histories, MAX_FIT_CUSTOMERS), start);
  const values = Object.values(model.params);
  if (model.atEdge.length) {
    // The buying-rate parameters at the edge: the customers look alike; otherwise only their drop-out does.
    const what = model.atEdge.some((p) => p === "r" || p === "alpha") ? NO_HETEROGENEITY : NO_DROPOUT_HETEROGENEITY;
    const where = model.atEdge.map((p) => `${p} = ${model.params[p]!.toPrecision(3)}`).join(", ");
    return { reason: `${what} (the ${LABEL[name]} fit ran to the edge of its parameter space: ${where})` };
  }
  // a + b ≤ 1 makes the hypergeometric terms of the BG/NBD predictions change sign: no usable forecast.
  if (![...values, model.logLikelihood].every(Number.isFinite) || (name === "bgnbd" && model.params.a! + model.params.b! <= 1))
    return { reason: `the ${LABEL[name]} fit did not converge to usable parameters on this data` };
  return model;
}

/** From a start near the optimum (the calibration fit), a smaller first simplex. */
const NEAR = { initialStep: 0.1 };

/** A model's parameters with its predictions bound to them. */
function predicting<P extends object>(
  params: P,
  pAlive: (p: P, x: number, tx: number, T: number) => number,
  expectedAt: (p: P, ts: readonly number[], x: number, tx: number, T: number) => number[],
  expectedFor?: (p: P, ts: readonly number[], histories: readonly History[]) => (x: number, tx: number, T: number) => number[],
): Pick<CountModel, "pAlive" | "expectedAt" | "expectedAtFor"> & { params: P } {
  return {
    params,
    pAlive: (x, tx, T) => pAlive(params, x, tx, T),
    expectedAt: (ts, x, tx, T) => expectedAt(params, ts, x, tx, T),
    expectedAtFor: (ts, histories) => (expectedFor ? expectedFor(params, ts, histories) : (x, tx, T) => expectedAt(params, ts, x, tx, T)),
  };
}

function fit(name: CountModelName, histories: readonly History[], start?: Record<string, number>): CountModel & { atEdge: string[] } {
  const fitted = (f: { logLikelihood: number; customers: number; atEdge: string[] }) => ({
    name,
    label: LABEL[name],
    logLikelihood: f.logLikelihood,
    customers: f.customers,
    atEdge: f.atEdge,
  });
  if (name === "bgnbd") {
    const f = fitBgNbd(histories, start ? { start: { r: start.r!, alpha: start.alpha!, a: start.a!, b: start.b! } } : {});
    return { ...fitted(f), ...predicting({ r: f.r, alpha: f.alpha, a: f.a, b: f.b }, bgnbdPAlive, bgnbdConditionalExpectedAt, bgnbdConditionalExpectedFor) };
  }
  if (name === "mbgnbd") {
    const f = start ? fitMbgNbd(histories, { r: start.r!, alpha: start.alpha!, a: start.a!, b: start.b! }, NEAR) : fitMbgNbd(histories);
    return { ...fitted(f), ...predicting({ r: f.r, alpha: f.alpha, a: f.a, b: f.b }, mbgnbdPAlive, mbgnbdConditionalExpectedAt, mbgnbdConditionalExpectedFor) };
  }
  const f = start ? fitParetoNbd(histories, { r: start.r!, alpha: start.alpha!, s: start.s!, beta: start.beta! }, NEAR) : fitParetoNbd(histories);
  return { ...fitted(f), ...predicting({ r: f.r, alpha: f.alpha, s: f.s, beta: f.beta }, paretoNbdPAlive, paretoNbdConditionalExpectedAt) };
}

/** A customer's history in weeks, as the models take it. */
export function historyOf(c: CustomerSummary): History {
  return { x: c.x, tx: c.txDays / DAYS_PER_WEEK, T: c.ageDays / DAYS_PER_WEEK };
}

/** How one model did on the holdout. */
export interface Candidate {
  model: CountModelName;
  /** Root-mean-square error of predicted vs actual repeat purchases per customer in the holdout. */
  rmse: number | null;
  /** Mean absolute error of the same. */
  mae: number | null;
  /** Repeat purchases in the holdout, predicted (sum over customers) and actual. */
  predicted: number | null;
  actual: number | null;
  /** Log-likelihood of the fit on the calibration part. */
  logLikelihood: number | null;
  /** Why the model could not be scored. */
  reason?: string;
}

export interface Selection {
  /** How the model was chosen: the holdout's RMSE, or the log-likelihood on all data when there is no usable holdout. */
  method: "holdout-rmse" | "log-likelihood";
  /** The calibration part ends on this day; the holdout is the following days up to the report date. */
  calibrationEnd: string | null;
  holdoutDays: number | null;
  /** Customers scored on the holdout (those who had bought by the end of the calibration part). */
  holdoutCustomers: number | null;
  /** Why the holdout could not be used. */
  note?: string;
  candidates: Candidate[];
}

/**
 * The count model the reports use. `requested` names one model, or "auto": fit each on the calibration
 * part, score each on the holdout by RMSE, choose the smallest, refit it on all the data. Without a
 * usable holdout (too short, or too few repeat customers before it) auto chooses the best
 * log-likelihood on all the data (the three models have four parameters each).
 */
export function chooseCountModel(data: CustomerData, requested: CountModelName | "auto"): { model?: CountModel; reason?: string; selection?: Selection } {
  const all = data.customers.map(historyOf);
  if (requested !== "auto") {
    const model = fitCountModel(requested, all);
    return "reason" in model ? { reason: model.reason } : { model };
  }
  const holdout = holdoutSplit(data);
  const candidates: Candidate[] = [];
  const scored: { candidate: Candidate; fitted: CountModel }[] = [];
  if (holdout.calibration) {
    const { weeks } = holdout.calibration;
    const calibration = spread(holdout.calibration.calibration, MAX_FIT_CUSTOMERS);
    const actual = spread(holdout.calibration.actual, MAX_FIT_CUSTOMERS);
    for (const name of COUNT_MODELS) {
      const fitted = fitCountModel(name, calibration);
      if ("reason" in fitted) {
        candidates.push({ model: name, rmse: null, mae: null, predicted: null, actual: null, logLikelihood: null, reason: fitted.reason });
        continue;
      }
      let squares = 0;
      let absolute = 0;
      let predicted = 0;
      let total = 0;
      try {
        const expectedAt = fitted.expectedAtFor([weeks], calibration);
        calibration.forEach((h, i) => {
          const error = expectedAt(h.x, h.tx, h.T)[0]! - actual[i]!;
          if (!Number.isFinite(error)) throw new RangeError("not finite");
          predicted += error + actual[i]!;
          total += actual[i]!;
          squares += error * error;
          absolute += Math.abs(error);
        });
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        candidates.push({
          model: name,
          rmse: null,
          mae: null,
          predicted: null,
          actual: null,
          logLikelihood: fitted.logLikelihood,
          reason: `the ${LABEL[name]} fit cannot predict every customer`,
        });
        continue;
      }
      const n = calibration.length;
      const candidate = { model: name, rmse: Math.sqrt(squares / n), mae: absolute / n, predicted, actual: total, logLikelihood: fitted.logLikelihood };
      candidates.push(candidate);
      scored.push({ candidate, fitted });
    }
  }
  const selection: Selection = {
    method: scored.length ? "holdout-rmse" : "log-likelihood",
    calibrationEnd: holdout.calibrationEnd,
    holdoutDays: holdout.days,
    holdoutCustomers: holdout.calibration ? Math.min(holdout.calibration.calibration.length, MAX_FIT_CUSTOMERS) : null,
    ...(holdout.note ? { note: holdout.note } : {}),
    candidates,
  };
  if (scored.length) {
    // Refit the best on all the data, starting from its calibration fit (the optimum moves a little);
    // should that fit be unusable, the next best.
    scored.sort((p, q) => p.candidate.rmse! - q.candidate.rmse!);
    let reason = "";
    for (const { candidate, fitted } of scored) {
      const model = fitCountModel(fitted.name, all, fitted.params);
      if (!("reason" in model)) return { model, selection };
      candidate.reason = `scored on the holdout, but refitted on all the data: ${model.reason}`;
      reason ||= model.reason;
    }
    return { reason, selection };
  }
  // No usable holdout: the best log-likelihood on all the data.
  const reasons: string[] = [];
  let chosen: CountModel | undefined;
  for (const name of COUNT_MODELS) {
    const model = fitCountModel(name, all);
    if ("reason" in model) reasons.push(model.reason);
    else if (!chosen || model.logLikelihood > chosen.logLikelihood) chosen = model;
  }
  return chosen ? { model: chosen, selection } : { reason: reasons[0], selection };
}

/**
 * The calibration part of every customer who had bought by its end (x, t_x, T in weeks as of that
 * day) and their actual repeat purchases (distinct purchase days) in the holdout.
 */
function holdoutSplit(data: CustomerData): {
  calibrationEnd: string | null;
  days: number | null;
  note?: string;
  calibration?: { calibration: History[]; actual: number[]; weeks: number };
} {
  if (!data.customers.length) return { calibrationEnd: null, days: null, note: "no customers" };
  const today = dayNumber(data.today);
  let start = Infinity;
  for (const c of data.customers) start = Math.min(start, today - c.ageDays);
  const days = Math.round((today - start) * HOLDOUT_SHARE);
  const end = today - days;
  const calibrationEnd = isoDateFromDayNumber(end);
  if (days < MIN_HOLDOUT_DAYS) return { calibrationEnd, days, note: `the purchase history is too short for a holdout of ${MIN_HOLDOUT_DAYS} days or more` };
  const calibration: History[] = [];
  const actual: number[] = [];
  for (const c of data.customers) {
    const first = today - c.ageDays;
    if (first > end) continue;
    let last = first;
    let x = 0;
    let later = 0;
    for (const d of c.days!) {
      if (d <= end) {
        if (d > first) x++;
        last = d;
      } else later++;
    }
    calibration.push({ x, tx: (last - first) / DAYS_PER_WEEK, T: (end - first) / DAYS_PER_WEEK });
    actual.push(later);
  }
  return { calibrationEnd, days, calibration: { calibration, actual, weeks: days / DAYS_PER_WEEK } };
}

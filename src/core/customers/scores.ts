// Stored customer analytics: the fitted models and every customer's scores (RFM segment, P(alive),
// expected purchases, 12-month CLV) kept in the database with what they were computed from, so that the
// per-person views (`crm contact show`, the at-risk list of `crm today`, `--segment`) read one row or
// five instead of re-reading every purchase and re-fitting the models.
//
// Stored scores hold while all of these are unchanged:
// - the purchase data version, a counter every transaction that writes purchases raises once
//   (../purchases/version.ts, called by every write path, in its transaction);
// - the settings the scores read (currency, rate.*), the time zone (purchases count per local day) and
//   the version of this computation;
// - the local day they are as of (recency and ages count in days);
// - no purchase instant lies between the moment they were computed and now (a purchase dated later
//   today enters the data as time passes, with no write at all).
// Otherwise they are recomputed and stored again, best effort: a database that is locked, read-only or
// full still gets its answer, computed, just not stored.
import type { Store } from "../../db/open.js";
import { CrmError, usageError } from "../../errors.js";
import { rfmScores, type RfmSegment } from "../../analytics/rfm.js";
import { currencyDigits } from "../../io/money.js";
import { localDate } from "../../io/dates.js";
import { exchangeRates, getSetting } from "../config/settings.js";
import { loadCustomers, type CustomerData } from "./customers.js";
import { purchaseDataVersion, withDataVersion } from "../purchases/version.js";
import { clvReport, describedRow, fitModels, modelRow, MonthEnds, type ClvOptions, type ClvRow } from "./lifetime.js";

/** Raise it when what is stored, or how it is computed, changes: scores stored by older code are then recomputed. */
const COMPUTATION = 1;

/** The CLV the per-person views show: as `crm report clv` with its defaults (12 months, 10% a year, revenue). */
const PERSON_CLV: ClvOptions = { model: "auto", horizonMonths: 12, discountRate: 0.1, margin: 1 };

/** How often the scores were computed in this process (tests observe that a second run does not refit). */
export const scoreComputations = { count: 0 };

/** What stored scores must have been computed from to be used now. */
interface ScoreKey {
  dataVersion: number;
  settings: string;
  asOfDay: string;
  /** Now, ISO UTC, compared with the purchase instants around the moment the scores were computed. */
  at: string;
}

function currentKey(store: Store, now: Date): ScoreKey {
  const settings = JSON.stringify({
    computation: COMPUTATION,
    currency: getSetting(store, "currency"),
    rates: [...exchangeRates(store)],
    zone: zoneOffsets(store, now),
  });
  return { dataVersion: purchaseDataVersion(store), settings, asOfDay: localDate(now), at: now.toISOString() };
}

/**
 * The time zone as far as the purchases' local days go: its UTC offsets in winter and summer of every
 * year from the first purchase to now (asking for the zone's name costs tens of milliseconds).
 */
function zoneOffsets(store: Store, now: Date): string {
  const first = store.sqlite.prepare<[], string | null>("select min(at) from purchases").pluck().get();
  const offsets: number[] = [];
  const from = first ? Math.min(new Date(first).getFullYear(), now.getFullYear()) : now.getFullYear();
  for (let year = from; year <= now.getFullYear(); year++) offsets.push(new Date(year, 0, 1).getTimezoneOffset(), new Date(year, 6, 1).getTimezoneOffset());
  return offsets.join(",");
}

const VALID = `data_version = @dataVersion and settings = @settings and as_of_day = @asOfDay
  and (seen_up_to is null or seen_up_to <= @at) and (next_purchase_at is null or next_purchase_at > @at)`;

/** One customer's stored scores (money in major units of the set's currency). */
interface CustomerScore {
  contactId: number;
  purchases: number;
  totalSpent: number;
  lastPurchase: string;
  recencyDays: number;
  segment: RfmSegment;
  r: number;
  f: number;
  m: number;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
}

interface ScoreSet {
  currency: string;
  /** The other currencies with purchases. */
  otherCurrencies: string[];
  dataVersion: number;
  model: string | null;
  fitted: unknown;
  scores: CustomerScore[];
}

/** A currency's stored, still valid scores: which currency, from which data version. */
interface ValidSet {
  currency: string;
  dataVersion: number;
}

/**
 * The scores of the currency asked for, or (undefined) of the one the customer reports choose by default,
 * valid now: the stored ones, else computed afresh and stored. Also returns the computed scores when they
 * could not be stored, for the caller to read from memory.
 */
function validScores(store: Store, now: Date, currency: string | undefined): ValidSet & { computed?: ScoreSet } {
  const key = currentKey(store, now);
  const found = store.sqlite
    .prepare<ScoreKey & { currency: string | null }, { currency: string }>(
      `select currency from score_sets where (currency = @currency or (@currency is null and is_default = 1)) and ${VALID}`,
    )
    .get({ ...key, currency: currency ?? null });
  if (found) return { currency: found.currency, dataVersion: key.dataVersion };
  const { set, window } = withDataVersion(store, () => computeScores(store, now, currency)).result;
  // Asked for by name, they are also the default choice when it is the preferred currency or the only one.
  const isDefault = currency === undefined || (set.scores.length > 0 && (currency === getSetting(store, "currency") || !set.otherCurrencies.length));
  const stored = keepScores(store, key, set, window, isDefault, now);
  return { currency: set.currency, dataVersion: set.dataVersion, ...(stored ? {} : { computed: set }) };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Every customer's scores in one currency, from scratch; and the purchase instants around now. */
function computeScores(store: Store, now: Date, currency: string | undefined): { set: ScoreSet; window: { seenUpTo?: string; next?: string } } {
  scoreComputations.count++;
  const at = now.toISOString();
  const dataVersion = purchaseDataVersion(store);
  const seenUpTo = store.sqlite.prepare<[string], string | null>("select max(at) from purchases where at <= ?").pluck().get(at) ?? undefined;
  const next = store.sqlite.prepare<[string], string | null>("select min(at) from purchases where at > ?").pluck().get(at) ?? undefined;
  const data = loadCustomers(store, now, currency, true);
  const scale = 10 ** currencyDigits(data.currency);
  const rfm = data.customers.length
    ? rfmScores(data.customers.map((c) => ({ id: c.contactId, recencyDays: c.recencyDays, frequency: c.purchases, monetary: c.totalMinor / scale })))
    : [];
  const clv = customerValues(store, now, data);
  const fitted = clv.fitted;
  const scores = data.customers.map((c, i): CustomerScore => {
    const s = rfm[i]!;
    const row = clv.rows.get(c.contactId);
    return {
      contactId: c.contactId,
      purchases: c.purchases,
      totalSpent: round2(c.totalMinor / scale),
      lastPurchase: c.lastDay,
      recencyDays: c.recencyDays,
      segment: s.segment,
      r: s.r,
      f: s.f,
      m: s.m,
      pAlive: row?.pAlive ?? null,
      expectedPurchases: row?.expectedPurchases ?? null,
      clv: row?.clv ?? null,
    };
  });
  return { set: { currency: data.currency, otherCurrencies: data.otherCurrencies, dataVersion, model: clv.model, fitted, scores }, window: { seenUpTo, next } };
}

/**
 * Each customer's CLV row as `crm report clv` (model auto) would show it: from the fitted count model and
 * Gamma-Gamma, else — for everyone when no model could be fitted, for a customer the model cannot be
 * evaluated for — from the simple model (no P(alive)); none when even that needs more history.
 */
function customerValues(store: Store, now: Date, data: CustomerData): { model: string | null; fitted: unknown; rows: Map<number, ClvRow> } {
  const rows = new Map<number, ClvRow>();
  const fitted = fitModels(data);
  const simpleFor: number[] = [];
  if ("count" in fitted) {
    const scale = 10 ** currencyDigits(data.currency);
    const monthEnds = new MonthEnds(fitted.count, data.customers);
    for (const c of data.customers) {
      const described = describedRow(c, scale);
      try {
        rows.set(c.contactId, modelRow(fitted, PERSON_CLV, described, c, monthEnds));
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        simpleFor.push(c.contactId);
      }
    }
  } else simpleFor.push(...data.customers.map((c) => c.contactId));
  if (simpleFor.length) {
    try {
      const simple = new Map(clvReport(store, now, { ...PERSON_CLV, model: "simple" }, data).rows.map((r) => [r.contactId, r]));
      for (const id of simpleFor) {
        const row = simple.get(id);
        if (row) rows.set(id, row);
      }
    } catch (err) {
      // Too little history for the simple model too: those customers have no CLV.
      if (!(err instanceof CrmError)) throw err;
    }
  }
  const model = "count" in fitted ? fitted.count.name : null;
  const summary =
    "count" in fitted
      ? {
          model: fitted.count.name,
          params: fitted.count.params,
          logLikelihood: fitted.count.logLikelihood,
          gammaGamma: { p: fitted.gammaGamma.p, q: fitted.gammaGamma.q, gamma: fitted.gammaGamma.gamma },
          excluded: fitted.excluded,
        }
      : { reason: fitted.reason };
  return { model, fitted: summary, rows };
}

/**
 * Stores a currency's scores in one transaction, replacing the ones stored before; nothing when the
 * purchases changed since they were read (they are old already) or when the database cannot be written
 * right now (locked by another process — no waiting —, read-only, full). True when stored.
 */
function keepScores(store: Store, key: ScoreKey, set: ScoreSet, window: { seenUpTo?: string; next?: string }, isDefault: boolean, now: Date): boolean {
  const sqlite = store.sqlite;
  const waited = sqlite.pragma("busy_timeout", { simple: true }) as number;
  try {
    sqlite.pragma("busy_timeout = 0");
    return sqlite
      .transaction(() => {
        if (purchaseDataVersion(store) !== set.dataVersion) return false;
        sqlite.prepare("delete from customer_scores where currency = ?").run(set.currency);
        const insert = sqlite.prepare(
          `insert into customer_scores(contact_id, currency, purchases, total_spent, last_purchase, recency_days, segment, r, f, m, p_alive, expected_purchases, clv)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const s of set.scores)
          insert.run(
            s.contactId,
            set.currency,
            s.purchases,
            s.totalSpent,
            s.lastPurchase,
            s.recencyDays,
            s.segment,
            s.r,
            s.f,
            s.m,
            s.pAlive,
            s.expectedPurchases,
            s.clv,
          );
        if (isDefault) sqlite.prepare("update score_sets set is_default = 0 where is_default = 1").run();
        sqlite
          .prepare(
            `insert or replace into score_sets(currency, is_default, data_version, settings, as_of_day, seen_up_to, next_purchase_at, model, fitted, customers, computed_at)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            set.currency,
            isDefault ? 1 : 0,
            set.dataVersion,
            key.settings,
            key.asOfDay,
            window.seenUpTo ?? null,
            window.next ?? null,
            set.model,
            JSON.stringify(set.fitted),
            set.scores.length,
            now.toISOString(),
          );
        return true;
      })
      .immediate();
  } catch (err) {
    if (String((err as { code?: unknown }).code ?? "").startsWith("SQLITE_")) return false;
    throw err;
  } finally {
    sqlite.pragma(`busy_timeout = ${waited}`);
  }
}

const SCORE_COLUMNS = `contact_id as contactId, purchases, total_spent as totalSpent, last_purchase as lastPurchase, recency_days as recencyDays,
  segment, r, f, m, p_alive as pAlive, expected_purchases as expectedPurchases, clv`;

/** A valuable customer at risk, as the agenda shows them. */
export interface CustomerAtRisk extends CustomerScore {
  name: string;
  /** What they have spent so far: the revenue that stops if they are gone. */
  valueAtRisk: number;
}

/**
 * The first `limit` customers of the default currency whose P(alive) is below `threshold` and at least
 * `atLeast`, by value at risk (their spend so far), then CLV — the first rows of `crm report churn`.
 */
export function customersAtRisk(
  store: Store,
  now: Date,
  opts: { threshold: number; atLeast: number; limit: number },
): { currency: string; dataVersion: number; rows: CustomerAtRisk[] } {
  if (!(opts.threshold > 0 && opts.threshold <= 1)) throw usageError(`invalid churn threshold ${opts.threshold}`, "use a probability such as 0.5");
  const set = validScores(store, now, undefined);
  const atRisk = (s: CustomerScore) => s.pAlive !== null && s.pAlive < opts.threshold && s.pAlive >= opts.atLeast;
  let rows: (CustomerScore & { name?: string })[];
  if (set.computed) {
    rows = set.computed.scores
      .filter(atRisk)
      .sort((p, q) => q.totalSpent - p.totalSpent || q.clv! - p.clv! || p.contactId - q.contactId)
      .slice(0, opts.limit);
    const name = store.sqlite.prepare<[number], string>("select name from contacts where id = ?").pluck();
    for (const r of rows) r.name = name.get(r.contactId) ?? "";
  } else
    rows = store.sqlite
      .prepare<[string, number, number, number], CustomerScore & { name: string }>(
        `select ${SCORE_COLUMNS}, (select name from contacts c where c.id = s.contact_id) as name from customer_scores s
         where currency = ? and p_alive < ? and p_alive >= ? order by total_spent desc, clv desc, contact_id limit ?`,
      )
      .all(set.currency, opts.threshold, opts.atLeast, opts.limit);
  return { currency: set.currency, dataVersion: set.dataVersion, rows: rows.map((r) => ({ ...r, name: r.name ?? "", valueAtRisk: r.totalSpent })) };
}

/** The contacts in an RFM segment of the default currency's customers, by id. */
export function segmentMembers(store: Store, segment: RfmSegment, now: Date): number[] {
  const set = validScores(store, now, undefined);
  if (set.computed) return set.computed.scores.filter((s) => s.segment === segment).map((s) => s.contactId);
  return store.sqlite
    .prepare<[string, string], number>("select contact_id from customer_scores where currency = ? and segment = ? order by contact_id")
    .pluck()
    .all(set.currency, segment);
}

/** One person's stored scores among the customers paying in `currency`, and the data version they are from. */
export function customerScore(store: Store, id: number, currency: string, now: Date): { dataVersion: number; score?: CustomerScore } {
  const set = validScores(store, now, currency);
  const score = set.computed
    ? set.computed.scores.find((s) => s.contactId === id)
    : store.sqlite
        .prepare<[number, string], CustomerScore>(`select ${SCORE_COLUMNS} from customer_scores where contact_id = ? and currency = ?`)
        .get(id, set.currency);
  return { dataVersion: set.dataVersion, ...(score ? { score } : {}) };
}

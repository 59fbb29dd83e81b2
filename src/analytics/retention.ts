// Customer retention per calendar period (month, quarter or year) from a purchase log: customers at
// the start, new and at the end of each period, the retention rate CRR = (E − N)/S × 100, churn and
// the repeat-purchase rate.
//
// Who is counted where (the rule, for period P):
// - A customer exists from the day of their first purchase on, and never stops existing: in a
//   purchase-based business there is no cancellation, so "lost" can only mean "did not buy".
// - S, customers at the start: customers whose first purchase is before P begins.
// - N, new customers: customers whose first purchase is in P.
// - E, customers at the end: customers who bought in P (the new ones and the existing ones who came
//   back). A customer of S who did not buy in P is not counted at the end: that is the churn.
// - retained = E − N: customers of S who bought again in P, however long ago their previous purchase
//   was. Hence CRR = (E − N)/S × 100 is between 0 and 100, and churn rate = 100 − CRR.
// - repeat-purchase rate: of the customers existing at the end of P, the percentage who by then had
//   bought on at least two distinct days (purchases on the same day count as one, as in the models).
// - Also reported, for the narrower "did last period's buyers buy again" view: the customers who
//   bought in the previous period, how many of them bought in P, and that as a percentage.
// Purchases after `now` are ignored; the last period ends at `now` and is partial.

import { dayNumberOf, isoDateFromDayNumber, parseIsoDate, periodBounds, periodIndexOf, periodLabel, type PeriodKind } from "./period.js";

export interface Purchase {
  customerId: string | number;
  /** ISO date, yyyy-mm-dd. */
  date: string;
}

export interface RetentionOptions {
  /** First period to report (the one containing this date); default: that of the earliest purchase. */
  from?: string;
}

export interface RetentionPeriod {
  /** "2024-03", "2024-Q1" or "2024". */
  period: string;
  /** First and last day covered (inclusive); the last period ends at `now`. */
  start: string;
  end: string;
  customersAtStart: number;
  newCustomers: number;
  customersAtEnd: number;
  /** customersAtEnd − newCustomers. */
  retained: number;
  /** Customer retention rate in percent, (E − N)/S × 100; null when there were no customers at the start. */
  retentionRate: number | null;
  /** 100 − retention rate; null with it. */
  churnRate: number | null;
  /** Percent of existing customers with purchases on two or more days by the end of the period; null when none exist. */
  repeatPurchaseRate: number | null;
  /** Customers who bought in the previous period… */
  previousPeriodCustomers: number;
  /** …how many of them bought in this one… */
  retainedFromPreviousPeriod: number;
  /** …as a percentage; null when nobody bought in the previous period. */
  previousPeriodRetention: number | null;
}

interface CustomerHistory {
  firstDay: number;
  /** Second distinct purchase day, Infinity while there is none. */
  secondDay: number;
  periods: Set<number>;
}

/** Retention per period, from the first period up to the one containing `now`. */
export function retentionByPeriod(
  purchases: readonly Purchase[],
  kind: PeriodKind,
  now: string,
  options: RetentionOptions = {},
): RetentionPeriod[] {
  const nowDate = parseIsoDate(now);
  const nowDay = dayNumberOf(nowDate);
  const lastIndex = periodIndexOf(nowDate, kind);
  const histories = collectHistories(purchases, kind, nowDay);

  let firstIndex = options.from === undefined ? Infinity : periodIndexOf(parseIsoDate(options.from), kind);
  if (options.from === undefined) for (const h of histories.values()) firstIndex = Math.min(firstIndex, periodOfDay(h.firstDay, kind));
  if (!Number.isFinite(firstIndex) || firstIndex > lastIndex) return [];

  // Per-period counts, indexed by period − firstIndex + 1; slot 0 gathers everything earlier.
  const slots = lastIndex - firstIndex + 2;
  const slot = (index: number) => Math.max(0, index - firstIndex + 1);
  const newCount = new Int32Array(slots);
  const activeCount = new Int32Array(slots);
  const fromPreviousCount = new Int32Array(slots);
  const becameRepeat = new Int32Array(slots);
  for (const h of histories.values()) {
    newCount[slot(periodOfDay(h.firstDay, kind))]++;
    if (h.secondDay !== Infinity) becameRepeat[slot(periodOfDay(h.secondDay, kind))]++;
    for (const p of h.periods) {
      if (p < firstIndex - 1) continue;
      // The period before the first reported one still counts as a "previous period".
      if (p === firstIndex - 1) {
        activeCount[0]++;
        continue;
      }
      activeCount[slot(p)]++;
      if (h.periods.has(p - 1)) fromPreviousCount[slot(p)]++;
    }
  }

  const rows: RetentionPeriod[] = [];
  let existing = newCount[0]; // customers whose first purchase is before the current period
  let repeaters = becameRepeat[0];
  for (let index = firstIndex; index <= lastIndex; index++) {
    const s = slot(index);
    const start = existing;
    const fresh = newCount[s];
    const atEnd = activeCount[s];
    existing += fresh;
    repeaters += becameRepeat[s];
    const previous = activeCount[s - 1];
    const retentionRate = start === 0 ? null : (100 * (atEnd - fresh)) / start;
    const bounds = periodBounds(index, kind);
    rows.push({
      period: periodLabel(index, kind),
      start: bounds.start,
      end: index === lastIndex ? isoDateFromDayNumber(nowDay) : bounds.end,
      customersAtStart: start,
      newCustomers: fresh,
      customersAtEnd: atEnd,
      retained: atEnd - fresh,
      retentionRate,
      churnRate: retentionRate === null ? null : 100 - retentionRate,
      repeatPurchaseRate: existing === 0 ? null : (100 * repeaters) / existing,
      previousPeriodCustomers: previous,
      retainedFromPreviousPeriod: fromPreviousCount[s],
      previousPeriodRetention: previous === 0 ? null : (100 * fromPreviousCount[s]) / previous,
    });
  }
  return rows;
}

/** First and second distinct purchase day and the set of periods with a purchase, per customer. */
function collectHistories(purchases: readonly Purchase[], kind: PeriodKind, nowDay: number): Map<string | number, CustomerHistory> {
  const histories = new Map<string | number, CustomerHistory>();
  for (const purchase of purchases) {
    const date = parseIsoDate(purchase.date);
    const day = dayNumberOf(date);
    if (day > nowDay) continue;
    const period = periodIndexOf(date, kind);
    const h = histories.get(purchase.customerId);
    if (!h) {
      histories.set(purchase.customerId, { firstDay: day, secondDay: Infinity, periods: new Set([period]) });
      continue;
    }
    h.periods.add(period);
    if (day < h.firstDay) {
      h.secondDay = h.firstDay;
      h.firstDay = day;
    } else if (day > h.firstDay && day < h.secondDay) {
      h.secondDay = day;
    }
  }
  return histories;
}

function periodOfDay(day: number, kind: PeriodKind): number {
  return periodIndexOf(parseIsoDate(isoDateFromDayNumber(day)), kind);
}

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

/** The purchase log reduced to what the counts need, in columns: customers numbered 0..n−1. */
interface PurchaseLog {
  /** Per kept purchase: its customer and period. */
  customerOf: Int32Array;
  periodOf: Int32Array;
  purchases: number;
  /** Per customer: period of the first purchase day and of the second distinct day (NaN if none). */
  firstPeriod: number[];
  secondPeriod: number[];
  /** Earliest period with a purchase (Infinity without purchases). */
  earliestPeriod: number;
}

/** Retention per period, from the first period up to the one containing `now`. */
export function retentionByPeriod(purchases: readonly Purchase[], kind: PeriodKind, now: string, options: RetentionOptions = {}): RetentionPeriod[] {
  const nowDate = parseIsoDate(now);
  const lastIndex = periodIndexOf(nowDate, kind);
  const log = readPurchaseLog(purchases, kind, dayNumberOf(nowDate));
  const firstIndex = options.from === undefined ? log.earliestPeriod : periodIndexOf(parseIsoDate(options.from), kind);
  if (!Number.isFinite(firstIndex) || firstIndex > lastIndex) return [];

  // Per-period counts, indexed by slot = period − firstIndex + 1. Slot 0 is the period before the
  // first reported one (the "previous period" of the first row); new and repeat customers of every
  // earlier period are gathered there too, as they exist from the start.
  const slots = lastIndex - firstIndex + 2;
  const slot = (period: number) => Math.max(0, period - firstIndex + 1);
  const newCount = new Int32Array(slots);
  const becameRepeat = new Int32Array(slots);
  for (let c = 0; c < log.firstPeriod.length; c++) {
    newCount[slot(log.firstPeriod[c]!)]++;
    const second = log.secondPeriod[c]!;
    if (!Number.isNaN(second)) becameRepeat[slot(second)]++;
  }
  const { activeCount, fromPreviousCount } = countActive(log, firstIndex - 1, slots);

  const rows: RetentionPeriod[] = [];
  let existing = newCount[0]!; // customers whose first purchase is before the current period
  let repeaters = becameRepeat[0]!;
  for (let index = firstIndex; index <= lastIndex; index++) {
    const s = slot(index);
    const start = existing;
    const fresh = newCount[s]!;
    const atEnd = activeCount[s]!;
    existing += fresh;
    repeaters += becameRepeat[s]!;
    const previous = activeCount[s - 1]!;
    const retentionRate = start === 0 ? null : (100 * (atEnd - fresh)) / start;
    const bounds = periodBounds(index, kind);
    rows.push({
      period: periodLabel(index, kind),
      start: bounds.start,
      end: index === lastIndex ? isoDateFromDayNumber(dayNumberOf(nowDate)) : bounds.end,
      customersAtStart: start,
      newCustomers: fresh,
      customersAtEnd: atEnd,
      retained: atEnd - fresh,
      retentionRate,
      churnRate: retentionRate === null ? null : 100 - retentionRate,
      repeatPurchaseRate: existing === 0 ? null : (100 * repeaters) / existing,
      previousPeriodCustomers: previous,
      retainedFromPreviousPeriod: fromPreviousCount[s]!,
      previousPeriodRetention: previous === 0 ? null : (100 * fromPreviousCount[s]!) / previous,
    });
  }
  return rows;
}

/** Reads the purchases up to `now`: numbers the customers, and tracks each one's first two
 * distinct purchase days. */
function readPurchaseLog(purchases: readonly Purchase[], kind: PeriodKind, nowDay: number): PurchaseLog {
  const customerIndex = new Map<string | number, number>();
  const firstDay: number[] = [];
  const secondDay: number[] = [];
  const firstPeriod: number[] = [];
  const secondPeriod: number[] = [];
  const customerOf = new Int32Array(purchases.length);
  const periodOf = new Int32Array(purchases.length);
  let kept = 0;
  let earliestPeriod = Infinity;
  // A purchase log has few distinct dates (a few hundred a year) and many rows: parse each date once.
  const dates = new Map<string, { day: number; period: number }>();
  for (const purchase of purchases) {
    let date = dates.get(purchase.date);
    if (!date) {
      const parsed = parseIsoDate(purchase.date);
      date = { day: dayNumberOf(parsed), period: periodIndexOf(parsed, kind) };
      dates.set(purchase.date, date);
    }
    const { day, period } = date;
    if (day > nowDay) continue;
    let c = customerIndex.get(purchase.customerId);
    if (c === undefined) {
      c = firstDay.length;
      customerIndex.set(purchase.customerId, c);
      firstDay.push(day);
      firstPeriod.push(period);
      secondDay.push(Infinity);
      secondPeriod.push(NaN);
    } else if (day < firstDay[c]!) {
      secondDay[c] = firstDay[c]!;
      secondPeriod[c] = firstPeriod[c]!;
      firstDay[c] = day;
      firstPeriod[c] = period;
    } else if (day > firstDay[c]! && day < secondDay[c]!) {
      secondDay[c] = day;
      secondPeriod[c] = period;
    }
    customerOf[kept] = c;
    periodOf[kept] = period;
    kept++;
    if (period < earliestPeriod) earliestPeriod = period;
  }
  return { customerOf, periodOf, purchases: kept, firstPeriod, secondPeriod, earliestPeriod };
}

/**
 * Per slot (period − basePeriod), the customers who bought in it and how many of them also bought in
 * the slot before. Each (customer, slot) pair is coded as one number, customer · slots + slot, and the
 * codes sorted natively: duplicates become neighbours and a customer's periods come in order, with
 * no per-customer sets (a million purchases stay fast and small).
 */
function countActive(log: PurchaseLog, basePeriod: number, slots: number): { activeCount: Int32Array; fromPreviousCount: Int32Array } {
  const codes = new Float64Array(log.purchases);
  let n = 0;
  for (let i = 0; i < log.purchases; i++) {
    const s = log.periodOf[i]! - basePeriod;
    if (s >= 0) codes[n++] = log.customerOf[i]! * slots + s;
  }
  const sorted = codes.subarray(0, n).sort();
  const activeCount = new Int32Array(slots);
  const fromPreviousCount = new Int32Array(slots);
  let previousCode = -1;
  for (let i = 0; i < n; i++) {
    const code = sorted[i]!;
    if (code === previousCode) continue;
    const s = code % slots;
    activeCount[s]++;
    // Same customer, previous slot: the code just before, as codes of one customer are consecutive.
    if (s > 0 && code - 1 === previousCode) fromPreviousCount[s]++;
    previousCode = code;
  }
  return { activeCount, fromPreviousCount };
}

// Readers for the CDNOW fixture files, and the derivation of the per-customer summary from the raw
// transaction log (the same rule the app uses to build BG/NBD and Gamma-Gamma inputs).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../../fixtures/cdnow/", import.meta.url));

function readLines(file: string): string[] {
  return readFileSync(FIXTURES + file, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
}

export interface SummaryRow {
  id: number;
  x: number;
  tx: number;
  T: number;
}

/** cdnow_customers_summary.csv: ID,frequency,recency,T (weeks). */
export function readSummary(): SummaryRow[] {
  return readLines("cdnow_customers_summary.csv")
    .slice(1)
    .map((line) => {
      const [id, x, tx, T] = line.split(",").map(Number) as [number, number, number, number];
      return { id, x, tx, T };
    });
}

/** cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar. */
export function readSummaryWithSpend(): (SummaryRow & { zbar: number })[] {
  return readLines("cdnow_customers_summary_with_transactions.csv")
    .slice(1)
    .map((line) => {
      const [id, x, tx, T, zbar] = line.split(",").map(Number) as [number, number, number, number, number];
      return { id, x, tx, T, zbar };
    });
}

export interface Transaction {
  id: number;
  /** yyyy-mm-dd */
  date: string;
  cents: number;
}

/** CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars; whitespace-separated. */
export function readTransactions(): Transaction[] {
  return readLines("CDNOW_sample.txt").map((line) => {
    const [, id, ymd, , dollars] = line.trim().split(/\s+/) as [string, string, string, string, string];
    return {
      id: Number(id),
      date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
      cents: Math.round(Number(dollars) * 100),
    };
  });
}

/** Summary in hundredths (of a week, of a dollar), rounded half-up as the published files are. */
export interface DerivedSummary {
  x: number;
  /** Unrounded t_x and T in weeks. */
  txWeeks: number;
  TWeeks: number;
  txHundredths: number;
  THundredths: number;
  zbarCents: number;
}

const dayNumber = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;

/** round(n / d) with halves rounded up, for n ≥ 0, d > 0, in exact integer arithmetic. */
const divideHalfUp = (n: number, d: number): number => Math.floor((2 * n + d) / (2 * d));

/**
 * The derivation rule: purchases on the same day are merged into one; only purchases up to the cutoff
 * (inclusive) count; x = distinct purchase days − 1; t_x = (last day − first day)/7;
 * T = (cutoff − first day)/7; zbar = mean of the x repeat-day totals (0 when x = 0).
 */
export function deriveSummary(transactions: readonly Transaction[], cutoff: string): Map<number, DerivedSummary> {
  const end = dayNumber(cutoff);
  const dayTotals = new Map<number, Map<number, number>>();
  for (const t of transactions) {
    const day = dayNumber(t.date);
    if (day > end) continue;
    const days = dayTotals.get(t.id) ?? new Map<number, number>();
    days.set(day, (days.get(day) ?? 0) + t.cents);
    dayTotals.set(t.id, days);
  }
  const out = new Map<number, DerivedSummary>();
  for (const [id, days] of dayTotals) {
    const ordered = [...days.keys()].sort((p, q) => p - q);
    const first = ordered[0]!;
    const last = ordered[ordered.length - 1]!;
    const x = ordered.length - 1;
    const repeatCents = ordered.slice(1).reduce((sum, day) => sum + days.get(day)!, 0);
    out.set(id, {
      x,
      txWeeks: (last - first) / 7,
      TWeeks: (end - first) / 7,
      txHundredths: divideHalfUp((last - first) * 100, 7),
      THundredths: divideHalfUp((end - first) * 100, 7),
      zbarCents: x === 0 ? 0 : divideHalfUp(repeatCents, x),
    });
  }
  return out;
}

// Proves the rule that turns a purchase log into BG/NBD / Gamma-Gamma inputs, by rebuilding the
// published CDNOW summaries from the raw log.
import { describe, expect, it } from "vitest";
import { deriveSummary, readSummary, readSummaryWithSpend, readTransactions } from "./cdnow-fixtures.js";

const hundredths = (v: number): number => Math.round(v * 100);

describe("CDNOW summary derived from the transaction log", () => {
  const transactions = readTransactions();
  const derived = deriveSummary(transactions, "1997-09-30");

  it("reads the whole log", () => {
    expect(transactions).toHaveLength(6919);
    expect(derived.size).toBe(2357);
  });

  it("matches cdnow_customers_summary_with_transactions.csv for every customer", () => {
    const published = readSummaryWithSpend();
    expect(published).toHaveLength(2357);
    const mismatches = published.filter((row) => {
      const d = derived.get(row.id);
      return !d || d.x !== row.x || d.txHundredths !== hundredths(row.tx) || d.THundredths !== hundredths(row.T) || d.zbarCents !== hundredths(row.zbar);
    });
    expect(mismatches).toEqual([]);
  });

  it("matches cdnow_customers_summary.csv for every customer", () => {
    const published = readSummary();
    expect(published).toHaveLength(2357);
    const mismatches = published.filter((row) => {
      const d = derived.get(row.id);
      return !d || d.x !== row.x || d.txHundredths !== hundredths(row.tx) || d.THundredths !== hundredths(row.T);
    });
    expect(mismatches).toEqual([]);
  });

  it("has 946 repeat customers and 2,457 repeat purchases", () => {
    const repeaters = [...derived.values()].filter((d) => d.x > 0);
    expect(repeaters).toHaveLength(946);
    expect(repeaters.reduce((sum, d) => sum + d.x, 0)).toBe(2457);
  });
});

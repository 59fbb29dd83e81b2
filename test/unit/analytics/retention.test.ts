import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../src/analytics/kmeans.js";
import { dayNumber, isoDateFromDayNumber, periodKey } from "../../../src/analytics/period.js";
import { retentionByPeriod, type Purchase } from "../../../src/analytics/retention.js";

// Worked by hand, months of 2024, now = 2024-04-15:
//   A: 01-05, 01-20, 02-10, 04-01      B: 01-10      C: 02-03 (twice, one day), 03-15
//   D: 03-01, 04-20 (after now, ignored)              E: 04-30 (after now, ignored)
const PURCHASES: Purchase[] = [
  { customerId: "A", date: "2024-01-05" },
  { customerId: "B", date: "2024-01-10" },
  { customerId: "A", date: "2024-01-20" },
  { customerId: "C", date: "2024-02-03" },
  { customerId: "C", date: "2024-02-03" },
  { customerId: "A", date: "2024-02-10" },
  { customerId: "D", date: "2024-03-01" },
  { customerId: "C", date: "2024-03-15" },
  { customerId: "A", date: "2024-04-01" },
  { customerId: "D", date: "2024-04-20" },
  { customerId: "E", date: "2024-04-30" },
];

describe("retention by period", () => {
  const rows = retentionByPeriod(PURCHASES, "month", "2024-04-15");

  it("covers the months from the first purchase to now, the last one partial", () => {
    expect(rows.map((r) => [r.period, r.start, r.end])).toEqual([
      ["2024-01", "2024-01-01", "2024-01-31"],
      ["2024-02", "2024-02-01", "2024-02-29"],
      ["2024-03", "2024-03-01", "2024-03-31"],
      ["2024-04", "2024-04-01", "2024-04-15"],
    ]);
  });

  it("January: no customers at the start, A and B new", () => {
    // S = {} ; N = {A, B} ; E = {A, B}; existing at end {A, B}, A bought on two days → 50 %.
    expect(rows[0]).toMatchObject({ customersAtStart: 0, newCustomers: 2, customersAtEnd: 2, retained: 0 });
    expect(rows[0]!.retentionRate).toBeNull();
    expect(rows[0]!.churnRate).toBeNull();
    expect(rows[0]!.repeatPurchaseRate).toBe(50);
    expect(rows[0]!.previousPeriodRetention).toBeNull();
  });

  it("February: S = {A, B}, N = {C}, E = {A, C} → CRR (2 − 1)/2 = 50 %", () => {
    expect(rows[1]).toMatchObject({ customersAtStart: 2, newCustomers: 1, customersAtEnd: 2, retained: 1 });
    expect(rows[1]!.retentionRate).toBe(50);
    expect(rows[1]!.churnRate).toBe(50);
    // Existing {A, B, C}: only A has two purchase days (C's two purchases are on one day) → 1/3.
    expect(rows[1]!.repeatPurchaseRate).toBeCloseTo(100 / 3, 12);
    // January's buyers {A, B}: A bought again → 50 %.
    expect(rows[1]).toMatchObject({ previousPeriodCustomers: 2, retainedFromPreviousPeriod: 1, previousPeriodRetention: 50 });
  });

  it("March: S = {A, B, C}, N = {D}, E = {C, D} → CRR (2 − 1)/3 = 33.3 %", () => {
    expect(rows[2]).toMatchObject({ customersAtStart: 3, newCustomers: 1, customersAtEnd: 2, retained: 1 });
    expect(rows[2]!.retentionRate).toBeCloseTo(100 / 3, 12);
    expect(rows[2]!.churnRate).toBeCloseTo(200 / 3, 12);
    // Existing {A, B, C, D}: A and C → 50 %. February's buyers {A, C}: C came back → 50 %.
    expect(rows[2]!.repeatPurchaseRate).toBe(50);
    expect(rows[2]).toMatchObject({ previousPeriodCustomers: 2, retainedFromPreviousPeriod: 1, previousPeriodRetention: 50 });
  });

  it("April to the 15th: S = {A, B, C, D}, N = {}, E = {A} → CRR 25 %, churn 75 %", () => {
    expect(rows[3]).toMatchObject({ customersAtStart: 4, newCustomers: 0, customersAtEnd: 1, retained: 1 });
    expect(rows[3]!.retentionRate).toBe(25);
    expect(rows[3]!.churnRate).toBe(75);
    // A came back after skipping March: retained (exists since January), though not from March's
    // buyers {C, D}, neither of whom bought in April.
    expect(rows[3]!.repeatPurchaseRate).toBe(50);
    expect(rows[3]).toMatchObject({ previousPeriodCustomers: 2, retainedFromPreviousPeriod: 0, previousPeriodRetention: 0 });
  });

  it("works by quarter and does not depend on input order", () => {
    const quarters = retentionByPeriod([...PURCHASES].reverse(), "quarter", "2024-04-15");
    expect(quarters.map((r) => [r.period, r.customersAtStart, r.newCustomers, r.customersAtEnd, r.retentionRate])).toEqual([
      ["2024-Q1", 0, 4, 4, null],
      ["2024-Q2", 4, 0, 1, 25],
    ]);
    expect(retentionByPeriod([...PURCHASES].reverse(), "month", "2024-04-15")).toEqual(rows);
  });

  it("starts at `from`, counting earlier customers as existing", () => {
    const fromMarch = retentionByPeriod(PURCHASES, "month", "2024-04-15", { from: "2024-03-01" });
    expect(fromMarch).toEqual(rows.slice(2));
  });

  it("returns nothing without purchases and rejects bad dates", () => {
    expect(retentionByPeriod([], "month", "2024-04-15")).toEqual([]);
    expect(() => retentionByPeriod([{ customerId: 1, date: "15/04/2024" }], "month", "2024-04-15")).toThrow(RangeError);
    expect(() => retentionByPeriod(PURCHASES, "month", "2024-13-01")).toThrow(RangeError);
  });

  it("agrees with a direct set-based count on random data", () => {
    const random = mulberry32(5);
    const base = dayNumber("2022-11-01");
    const log: Purchase[] = Array.from({ length: 3000 }, () => ({
      customerId: Math.floor(random() * 300),
      date: isoDateFromDayNumber(base + Math.floor(random() * 500)),
    }));
    const now = "2023-12-31";
    const kept = log.filter((p) => p.date <= now);
    const firstDate = new Map<string | number, string>();
    for (const p of [...kept].sort((a, b) => (a.date < b.date ? -1 : 1))) if (!firstDate.has(p.customerId)) firstDate.set(p.customerId, p.date);
    const buyers = (period: string) => new Set(kept.filter((p) => periodKey(p.date, "month") === period).map((p) => p.customerId));
    const rows = retentionByPeriod(log, "month", now);
    expect(rows[0]!.period).toBe("2022-11");
    rows.forEach((row, i) => {
      const S = [...firstDate.values()].filter((d) => d < row.start).length;
      const N = [...firstDate.values()].filter((d) => periodKey(d, "month") === row.period).length;
      const E = buyers(row.period);
      const previous = i === 0 ? new Set() : buyers(rows[i - 1]!.period);
      const days = new Map<string | number, Set<string>>();
      for (const p of kept) if (p.date <= row.end) days.set(p.customerId, (days.get(p.customerId) ?? new Set()).add(p.date));
      const repeat = [...days.values()].filter((d) => d.size >= 2).length;
      expect([row.customersAtStart, row.newCustomers, row.customersAtEnd]).toEqual([S, N, E.size]);
      expect(row.retentionRate).toBe(S === 0 ? null : (100 * (E.size - N)) / S);
      expect(row.repeatPurchaseRate).toBeCloseTo((100 * repeat) / days.size, 12);
      expect(row.retainedFromPreviousPeriod).toBe([...previous].filter((c) => E.has(c as number)).length);
    });
  });
});

// Pipeline maths on plain arrays: weighted totals in exact integer arithmetic (rounded half up once),
// the board, closing-soon windows, the forecast by period, win rate and cycle time.
import { describe, expect, it } from "vitest";
import {
  averageDaysToWin,
  closingWithin,
  periodOf,
  pipelineBoard,
  pipelineReport,
  weightedMinor,
  winRate,
  type PipelineDeal,
  type Stage,
} from "../../src/core/deals/pipeline.js";
import { divRoundHalfUp } from "../../src/analytics/forecast.js";
import { daysFromTo } from "../../src/io/dates.js";
import { STAGE_DEFAULT_PROBABILITIES } from "../../src/core/config/settings.js";

let nextId = 1;
function deal(stage: Stage, amountMinor: number, extra: Partial<PipelineDeal> = {}): PipelineDeal {
  return {
    id: nextId++,
    title: `deal ${nextId}`,
    contactId: 1,
    contactName: "Ada",
    stage,
    amountMinor,
    currency: "EUR",
    probability: STAGE_DEFAULT_PROBABILITIES[stage],
    closeOn: null,
    createdOn: "2026-01-01",
    closedOn: null,
    ...extra,
  };
}
const boardOpts = { today: "2026-03-02", withinDays: 14, stageProbabilities: { ...STAGE_DEFAULT_PROBABILITIES }, defaultCurrency: "EUR" };

describe("weighted totals", () => {
  it("1000 lead + 2000 proposal + 4000 at 60% negotiation = 100 + 1000 + 2400 = 3500.00", () => {
    const deals = [deal("lead", 100000), deal("proposal", 200000), deal("negotiation", 400000, { probability: 60 })];
    expect(weightedMinor(deals)).toBe(350000);
  });

  it("rounds half up once at the end, not per deal", () => {
    // Three 0.01 deals at 50%: 1.5 cents in all → 2. Per-deal half-up would say 3, per-deal half-even 0.
    expect(weightedMinor([1, 1, 1].map((a) => ({ amountMinor: a, probability: 50 })))).toBe(2);
    // Three 0.01 deals at 33%: 0.99 cents → 1. Per-deal rounding would say 0.
    expect(weightedMinor([1, 1, 1].map((a) => ({ amountMinor: a, probability: 33 })))).toBe(1);
    expect(weightedMinor([{ amountMinor: 149, probability: 1 }])).toBe(1);
    expect(weightedMinor([{ amountMinor: 150, probability: 1 }])).toBe(2);
    expect(weightedMinor([])).toBe(0);
  });

  it("stays exact beyond 2^53 in the intermediate sum", () => {
    expect(weightedMinor([{ amountMinor: Number.MAX_SAFE_INTEGER, probability: 50 }])).toBe(4503599627370496);
    expect(weightedMinor([{ amountMinor: Number.MAX_SAFE_INTEGER - 1, probability: 100 }])).toBe(Number.MAX_SAFE_INTEGER - 1);
  });

  it("divides half away from zero", () => {
    expect(divRoundHalfUp(150n, 100n)).toBe(2n);
    expect(divRoundHalfUp(149n, 100n)).toBe(1n);
    expect(divRoundHalfUp(-150n, 100n)).toBe(-2n);
    expect(divRoundHalfUp(0n, 100n)).toBe(0n);
    expect(() => divRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});

describe("the board", () => {
  it("lists every open stage in order with count, total and weighted, zeros included", () => {
    const board = pipelineBoard(
      [deal("lead", 100000), deal("proposal", 200000), deal("negotiation", 400000, { probability: 60 }), deal("won", 999900), deal("lost", 5000)],
      boardOpts,
    );
    expect(board.stages.map((s) => [s.stage, s.deals, s.totalMinor, s.weightedMinor, s.probability])).toEqual([
      ["lead", 1, 100000, 10000, 10],
      ["qualified", 0, 0, 0, 25],
      ["proposal", 1, 200000, 100000, 50],
      ["negotiation", 1, 400000, 240000, 75],
    ]);
    expect(board.totals).toEqual([{ currency: "EUR", deals: 3, totalMinor: 700000, weightedMinor: 350000 }]);
  });

  it("groups by currency when several are present, never adding EUR to USD", () => {
    const board = pipelineBoard([deal("lead", 100000), deal("lead", 50000, { currency: "USD" }), deal("proposal", 1000, { currency: "USD" })], boardOpts);
    expect(board.stages.map((s) => `${s.currency} ${s.stage}`)).toEqual([
      "EUR lead",
      "EUR qualified",
      "EUR proposal",
      "EUR negotiation",
      "USD lead",
      "USD qualified",
      "USD proposal",
      "USD negotiation",
    ]);
    expect(board.totals).toEqual([
      { currency: "EUR", deals: 1, totalMinor: 100000, weightedMinor: 10000 },
      { currency: "USD", deals: 2, totalMinor: 51000, weightedMinor: 5500 },
    ]);
  });

  it("shows the default currency's empty stages when there are no open deals", () => {
    const board = pipelineBoard([deal("won", 100)], { ...boardOpts, defaultCurrency: "GBP" });
    expect(board.stages.every((s) => s.currency === "GBP" && s.deals === 0)).toBe(true);
    expect(board.totals).toEqual([{ currency: "GBP", deals: 0, totalMinor: 0, weightedMinor: 0 }]);
  });

  it("closing soon: open deals dated up to the window's last day, overdue ones too, soonest first", () => {
    const deals = [
      deal("proposal", 1, { closeOn: "2026-03-16" }), // day 14: in
      deal("proposal", 1, { closeOn: "2026-03-17" }), // day 15: out
      deal("lead", 1, { closeOn: "2026-02-27" }), // 3 days overdue: in
      deal("lead", 1, { closeOn: "2026-03-02" }), // today: in
      deal("lead", 1), // no date: out
      deal("won", 1, { closeOn: "2026-03-03" }), // closed: out
    ];
    expect(closingWithin(deals, "2026-03-02", 14).map((d) => [d.closeOn, d.daysToClose])).toEqual([
      ["2026-02-27", -3],
      ["2026-03-02", 0],
      ["2026-03-16", 14],
    ]);
  });
});

describe("calendar helpers", () => {
  it("counts whole days between local dates across month ends and leap days", () => {
    expect(daysFromTo("2026-03-28", "2026-04-02")).toBe(5);
    expect(daysFromTo("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysFromTo("2026-03-02", "2026-02-27")).toBe(-3);
  });

  it("names months and quarters", () => {
    expect(periodOf("2026-03-31", "month")).toBe("2026-03");
    expect(periodOf("2026-03-31", "quarter")).toBe("2026-Q1");
    expect(periodOf("2026-04-01", "quarter")).toBe("2026-Q2");
    expect(periodOf("2026-12-01", "quarter")).toBe("2026-Q4");
  });
});

describe("win rate and cycle time", () => {
  it("win rate is won / (won + lost), one decimal, null when nothing closed", () => {
    expect(winRate(1, 2)).toBe(33.3);
    expect(winRate(2, 1)).toBe(66.7);
    expect(winRate(3, 0)).toBe(100);
    expect(winRate(0, 0)).toBeNull();
  });

  it("average days from opening to won counts won deals only", () => {
    const deals = [
      deal("won", 1, { createdOn: "2026-01-01", closedOn: "2026-01-11" }),
      deal("won", 1, { createdOn: "2026-01-01", closedOn: "2026-01-26" }),
      deal("lost", 1, { createdOn: "2026-01-01", closedOn: "2026-06-01" }),
      deal("proposal", 1),
    ];
    expect(averageDaysToWin(deals)).toBe(17.5);
    expect(averageDaysToWin([deal("lost", 1, { closedOn: "2026-02-01" })])).toBeNull();
  });
});

describe("the forecast report", () => {
  const deals = [
    deal("lead", 100000, { closeOn: "2026-03-20" }),
    deal("proposal", 200000, { closeOn: "2026-04-05" }),
    deal("negotiation", 400000, { probability: 60, closeOn: "2026-04-30" }),
    deal("qualified", 80000), // no close date
    deal("won", 300000, { createdOn: "2026-02-01", closedOn: "2026-03-03", closeOn: "2026-04-01" }),
    deal("lost", 50000, { closedOn: "2026-03-10" }),
    deal("proposal", 10000, { currency: "USD", closeOn: "2026-03-09" }),
  ];

  it("groups open deals by expected close month and closed ones by the month they closed", () => {
    const r = pipelineReport(deals, "month");
    expect(r.rows.map((x) => [x.period, x.currency, x.openDeals, x.openMinor, x.weightedMinor, x.wonDeals, x.wonMinor, x.lostDeals, x.winRate])).toEqual([
      ["2026-03", "EUR", 1, 100000, 10000, 1, 300000, 1, 50],
      ["2026-03", "USD", 1, 10000, 5000, 0, 0, 0, null],
      ["2026-04", "EUR", 2, 600000, 340000, 0, 0, 0, null],
      [null, "EUR", 1, 80000, 20000, 0, 0, 0, null],
    ]);
    expect(r.rows[0]!.averageDaysToWin).toBe(30);
  });

  it("totals per currency, and win rate and cycle over everything closed", () => {
    const r = pipelineReport(deals, "month");
    expect(r.totals.map((t) => [t.period, t.currency, t.openDeals, t.weightedMinor, t.wonDeals, t.lostDeals])).toEqual([
      ["total", "EUR", 4, 370000, 1, 1],
      ["total", "USD", 1, 5000, 0, 0],
    ]);
    expect([r.won, r.lost, r.winRate, r.averageDaysToWin]).toEqual([1, 1, 50, 30]);
  });

  it("groups by quarter", () => {
    const r = pipelineReport(deals, "quarter");
    expect(r.rows.map((x) => `${x.period} ${x.currency} ${x.weightedMinor}`)).toEqual([
      "2026-Q1 EUR 10000",
      "2026-Q1 USD 5000",
      "2026-Q2 EUR 340000",
      "null EUR 20000",
    ]);
  });

  it("is empty for no deals", () => {
    expect(pipelineReport([], "month")).toEqual({ rows: [], totals: [], won: 0, lost: 0, winRate: null, averageDaysToWin: null });
  });
});

import { describe, expect, it } from "vitest";
import { averageCycleDays, weightedForecast, winRate, type Deal } from "../../../src/analytics/forecast.js";

const open = (amountMinor: number, probability: number, expectedClose: string | null = "2024-06-15"): Deal => ({
  amountMinor,
  probability,
  status: "open",
  expectedClose,
});

describe("weighted pipeline forecast", () => {
  it("1000 at 10 % + 2000 at 50 % + 4000 at 60 % → 3500.00", () => {
    const forecast = weightedForecast([open(100_000, 10), open(200_000, 50), open(400_000, 60)]);
    // 100000·10 + 200000·50 + 400000·60 = 35,000,000 → / 100 = 350,000 minor units
    expect(forecast.totalWeightedMinor).toBe(350_000);
    expect(forecast.totalAmountMinor).toBe(700_000);
    expect(forecast.months).toEqual([{ month: "2024-06", deals: 3, amountMinor: 700_000, weightedMinor: 350_000 }]);
  });

  it("groups by expected close month, month-less deals last, and skips closed deals", () => {
    const forecast = weightedForecast([
      open(1000, 50, null),
      open(3000, 20, "2024-07-01"),
      open(5000, 40, "2024-05-31"),
      { amountMinor: 99_999, probability: 100, status: "won", expectedClose: "2024-05-01" },
      { amountMinor: 99_999, probability: 0, status: "lost", expectedClose: "2024-05-01" },
    ]);
    expect(forecast.months.map((m) => [m.month, m.deals, m.weightedMinor])).toEqual([
      ["2024-05", 1, 2000],
      ["2024-07", 1, 600],
      [null, 1, 500],
    ]);
    expect(forecast.deals).toBe(3);
  });

  it("rounds half-up once, from the exact sum", () => {
    // 1 cent at 50 % = 0.5 → 1; two such deals = exactly 1 cent, not 2.
    expect(weightedForecast([open(1, 50)]).totalWeightedMinor).toBe(1);
    expect(weightedForecast([open(1, 50), open(1, 50)]).totalWeightedMinor).toBe(1);
    expect(weightedForecast([open(1, 49)]).totalWeightedMinor).toBe(0);
    // 1 cent at 30 % = 0.3 each, which alone would round to 0; five of them are 1.5 → 2.
    expect(weightedForecast(new Array(5).fill(open(1, 30))).totalWeightedMinor).toBe(2);
  });

  it("stays exact beyond 2^53 intermediate products", () => {
    const big = Math.floor(Number.MAX_SAFE_INTEGER / 200);
    const forecast = weightedForecast([open(big, 99), open(big, 99)]);
    expect(BigInt(forecast.totalWeightedMinor)).toBe((2n * BigInt(big) * 99n + 50n) / 100n);
  });

  it("rejects fractional amounts, bad probabilities and mixed currencies", () => {
    expect(() => weightedForecast([open(10.5, 10)])).toThrow(/minor units/);
    expect(() => weightedForecast([open(-1, 10)])).toThrow(RangeError);
    expect(() => weightedForecast([open(100, 101)])).toThrow(/probability/);
    expect(() => weightedForecast([open(100, 12.5)])).toThrow(/probability/);
    expect(() =>
      weightedForecast([
        { ...open(1, 1), currency: "EUR" },
        { ...open(1, 1), currency: "USD" },
      ]),
    ).toThrow(/currencies/);
    expect(weightedForecast([])).toEqual({ months: [], deals: 0, totalAmountMinor: 0, totalWeightedMinor: 0 });
  });
});

describe("win rate and sales cycle", () => {
  const deals: Deal[] = [
    { amountMinor: 100, probability: 100, status: "won", createdAt: "2024-01-01", closedAt: "2024-01-31" },
    { amountMinor: 100, probability: 100, status: "won", createdAt: "2024-02-01", closedAt: "2024-02-11" },
    { amountMinor: 100, probability: 100, status: "won", createdAt: null, closedAt: "2024-02-11" },
    { amountMinor: 100, probability: 0, status: "lost", createdAt: "2024-01-01", closedAt: "2024-06-01" },
    { amountMinor: 100, probability: 30, status: "open", createdAt: "2024-01-01" },
  ];

  it("win rate = won / (won + lost)", () => {
    expect(winRate(deals)).toEqual({ won: 3, lost: 1, closed: 4, winRate: 75 });
    expect(winRate([open(1, 1)]).winRate).toBeNull();
  });

  it("average cycle over won deals with both dates: (30 + 10)/2 = 20 days", () => {
    expect(averageCycleDays(deals)).toEqual({ deals: 2, averageDays: 20 });
    expect(averageCycleDays([]).averageDays).toBeNull();
    expect(() => averageCycleDays([{ amountMinor: 1, probability: 100, status: "won", createdAt: "2024-02-01", closedAt: "2024-01-01" }])).toThrow(/before/);
  });
});

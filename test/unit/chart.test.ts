// The terminal charts: bar lengths to an eighth of a cell, and sparklines from ▁ to █.
import { describe, expect, it } from "vitest";
import { bar, sparkline } from "../../src/cli/render/chart.js";

describe("bar", () => {
  it("is width cells at max and proportional below it", () => {
    expect(bar(10, 10, 8)).toBe("████████");
    expect(bar(5, 10, 8)).toBe("████");
    expect(bar(3, 8, 2)).toBe("▊"); // 6 of 16 eighths
    expect(bar(9, 8, 1)).toBe("█"); // capped at max
  });

  it("shows any positive value as at least an eighth, and nothing for zero or bad input", () => {
    expect(bar(1, 1_000_000, 10)).toBe("▏");
    expect(bar(0, 10, 10)).toBe("");
    expect(bar(-5, 10, 10)).toBe("");
    expect(bar(5, 0, 10)).toBe("");
    expect(bar(Number.NaN, 10, 10)).toBe("");
    expect(bar(5, 10, 0)).toBe("");
  });
});

describe("bar in whole cells", () => {
  it("rounds to whole cells and still shows a small positive value", () => {
    expect(bar(1, 2, 30, { step: "cell" })).toBe("█".repeat(15));
    expect(bar(1, 1000, 30, { step: "cell" })).toBe("▏");
    expect(bar(0, 10, 30, { step: "cell" })).toBe("");
  });
});

describe("sparkline", () => {
  it("maps zero to ▁ and the largest value to █", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([0, 70])).toBe("▁█");
  });

  it("keeps zero as the baseline for positive series, and handles flat, empty and missing values", () => {
    expect(sparkline([7, 7])).toBe("██");
    expect(sparkline([-3, -3])).toBe("▄▄");
    expect(sparkline([0, 0])).toBe("▁▁");
    expect(sparkline([4, 8])).toBe("▅█");
    expect(sparkline([])).toBe("");
    expect(sparkline([1, null, 2])).toBe("▅ █");
    expect(sparkline([null])).toBe(" ");
  });
});

describe("sparkline from the smallest value", () => {
  it("scales from the lowest to the highest value, with gaps as spaces", () => {
    expect(sparkline([10, 20, 30, 40, 50, 60, 70, 80], { baseline: "min" })).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([-20, null, 35], { baseline: "min" })).toBe("▁ █");
    expect(sparkline([5, 5, 5], { baseline: "min" })).toBe("▄▄▄");
    expect(sparkline([null, null], { baseline: "min" })).toBe("  ");
  });
});

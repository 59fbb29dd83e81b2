import { describe, expect, it } from "vitest";
import { nelderMead } from "../../../src/analytics/optimize.js";

const rosenbrock = (p: Float64Array): number => (1 - p[0]!) ** 2 + 100 * (p[1]! - p[0]! ** 2) ** 2;

describe("nelderMead", () => {
  it("finds the minimum of the Rosenbrock function", () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it("finds the minimum of a 4-d quadratic with very different scales", () => {
    const centre = [3, -2, 0.5, 10];
    const scales = [1, 100, 0.01, 10];
    const f = (p: Float64Array) => p.reduce((s, v, i) => s + scales[i]! * (v - centre[i]!) ** 2, 0);
    const result = nelderMead(f, [0, 0, 0, 0], { xTolerance: 1e-9, fTolerance: 1e-16 });
    result.x.forEach((v, i) => expect(v).toBeCloseTo(centre[i]!, 5));
  });

  it("is deterministic", () => {
    const a = nelderMead(rosenbrock, [-1.2, 1]);
    const b = nelderMead(rosenbrock, [-1.2, 1]);
    expect(b).toEqual(a);
  });

  it("moves away from regions where the function is NaN or infinite", () => {
    const f = (p: Float64Array) => (p[0]! < 0 ? NaN : (p[0]! - 2) ** 2 + (p[1]! + 1) ** 2);
    const result = nelderMead(f, [0.01, 0], { initialStep: 1 });
    expect(result.x[0]).toBeCloseTo(2, 5);
    expect(result.x[1]).toBeCloseTo(-1, 5);
  });

  it("stops at the evaluation budget and says so", () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 20 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(25);
  });

  it("rejects a bad step vector", () => {
    expect(() => nelderMead(rosenbrock, [0, 0], { initialStep: [1] })).toThrow(RangeError);
    expect(() => nelderMead(rosenbrock, [])).toThrow(RangeError);
  });
});

// Reports round P(alive) and expected purchases to six significant digits, as Number(v.toPrecision(6))
// does; a CLV report checks its faster rounding against toPrecision on CDNOW's predictions.
import { describe, expect, it } from "vitest";
import { bgnbdConditionalExpectedAt, bgnbdPAlive } from "../../../src/analytics/bgnbd.js";
import { readSummary } from "./cdnow-fixtures.js";

describe("six significant digits", () => {
  it("P(alive) and expected purchases of every CDNOW customer round as toPrecision(6) says", async () => {
    const { sixDigits } = await import("../../../src/core/customers/lifetime.js");
    const params = { r: 0.2426, alpha: 4.4136, a: 0.793, b: 2.4259 };
    for (const c of readSummary()) {
      for (const v of [bgnbdPAlive(params, c.x, c.tx, c.T), ...bgnbdConditionalExpectedAt(params, [1, 39, 52, 520], c.x, c.tx, c.T)])
        expect(sixDigits(v)).toBe(Number(v.toPrecision(6)));
    }
  });

  it("midpoints, powers of ten, signs and extremes", async () => {
    const { sixDigits } = await import("../../../src/core/customers/lifetime.js");
    let seed = 7;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const values = [0, -0, 1, -1, 0.5, 9.999995, 9.9999949999, 0.9999995, 123456.5, 1234565, 99999.95, 1e-16, 1e16, 1e-300, 1e300, 5e-324, NaN, Infinity];
    for (let i = 0; i < 50_000; i++)
      values.push((random() - 0.5) * 10 ** Math.floor(random() * 30 - 15), Math.round(random() * 1e7) / 10 ** Math.floor(random() * 8) + 5e-7);
    for (const v of values) expect(Object.is(sixDigits(v), Number(v.toPrecision(6))), String(v)).toBe(true);
  });
});

// grouped() writes numbers for tables exactly as Intl.NumberFormat("en") does, from a faster path.
import { describe, expect, it } from "vitest";
import { grouped } from "../../src/cli/render/words.js";

const intl = (n: number, digits: number) => new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

describe("grouped", () => {
  it("writes midpoints, signs, zeros and large numbers as Intl does", () => {
    // 1.005 is 1.00499999999999989… in binary: Intl rounds its shortest decimal, "1.01".
    const values = [0, -0, 1, -1, 0.5, -0.5, 0.005, -0.005, -0.001, 1.005, 2.675, -2.675, 9.995, 999.995, 99999.5, 1234567.125, 0.045, 1.45];
    const more = [1e-7, -1e-7, 1e20, 1e21, 12_966_189.28, NaN, Infinity, -Infinity, Number.MAX_VALUE, 5e-324, 0.1 + 0.2];
    for (const n of [...values, ...more]) for (let digits = 0; digits <= 7; digits++) expect(grouped(n, digits), `${n} to ${digits}`).toBe(intl(n, digits));
    expect(grouped(1978.6)).toBe("1,978.60");
    expect(grouped(-1234567.891, 1)).toBe("-1,234,567.9");
  });

  it("writes 100,000 random amounts, counts and fractions as Intl does", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const formats = [0, 1, 2, 3].map((digits) => new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
    for (let i = 0; i < 100_000; i++) {
      const kind = i % 4;
      const n =
        kind === 0
          ? Math.round((random() - 0.3) * 1e9) / 100 // money
          : kind === 1
            ? Math.round(random() * 1e6) / 200 + 0.005 // near midpoints
            : kind === 2
              ? (random() - 0.5) * 10 ** Math.floor(random() * 12)
              : random();
      const digits = i % 4;
      expect(grouped(n, digits)).toBe(formats[digits]!.format(n));
    }
  });
});

// Amount parsing and formatting: every accepted form, every refusal (exit 2 naming the value), and
// proof that amounts reach minor units by string arithmetic, never through floating point.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatMinor, formatMoney, MAX_TOTAL_MINOR, normaliseCurrency, parseAmount, parseMoney } from "../../src/io/money.js";
import { toJson, toJsonChunks } from "../../src/cli/render/json.js";
import { CrmError } from "../../src/errors.js";

function refusal(fn: () => unknown): CrmError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CrmError);
    return err as CrmError;
  }
  throw new Error("expected a refusal");
}

describe("parseAmount accepts the documented forms", () => {
  const cases: [string, number, string][] = [
    ["1200", 120000, "EUR"],
    ["1200.50", 120050, "EUR"],
    ["1200.5", 120050, "EUR"],
    ["1,200.50", 120050, "EUR"],
    ["1,234,567.89", 123456789, "EUR"],
    ["€1200", 120000, "EUR"],
    ["1200€", 120000, "EUR"],
    ["€ 1,200.50", 120050, "EUR"],
    ["1200 EUR", 120000, "EUR"],
    ["1200eur", 120000, "EUR"],
    ["EUR 1200", 120000, "EUR"],
    ["usd 19.99", 1999, "USD"],
    ["$5", 500, "USD"],
    ["£3.5", 350, "GBP"],
    ["¥1200", 1200, "JPY"],
    ["1200 JPY", 1200, "JPY"],
    ["1.234 BHD", 1234, "BHD"],
    [".5", 50, "EUR"],
    ["+7", 700, "EUR"],
    ["0", 0, "EUR"],
    ["0007.10", 710, "EUR"],
    ["  42  ", 4200, "EUR"],
  ];
  it.each(cases)("%s → %i %s", (text, minor, currency) => {
    expect(parseAmount(text, "EUR")).toEqual({ minor, currency });
  });

  it("uses the default currency's decimal places when the text names none", () => {
    expect(parseAmount("1200", "JPY")).toEqual({ minor: 1200, currency: "JPY" });
    expect(parseAmount("1.5", "BHD")).toEqual({ minor: 1500, currency: "BHD" });
  });
});

describe("parseAmount refuses with exit 2, naming the value", () => {
  const cases: [string, RegExp][] = [
    ["-5", /negative/],
    ["−5", /negative/],
    ["€-5", /negative/],
    ["-€5", /negative/],
    ["- 12.50", /negative/],
    ["abc", /not a number/],
    ["", /empty/],
    ["12,50", /decimal comma/],
    ["1.200,50", /decimal comma/],
    ["1,2000", /not a number/],
    ["1e3", /not a number/],
    ["Infinity", /not a number/],
    ["NaN", /not a number/],
    ["0x10", /not a number/],
    ["12..5", /not a number/],
    ["1 200", /not a number/],
    ["5-", /not a number/],
    ["12.345", /EUR has 2 decimal places/],
    ["12.5 JPY", /JPY has no decimal places/],
    ["1200 XYZ", /unknown currency "XYZ"/],
    ["€12 USD", /two currencies, EUR and USD/],
    ["9007199254740992", /too large/],
  ];
  it.each(cases)("%j", (text, why) => {
    const err = refusal(() => parseAmount(text, "EUR", "--amount"));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`--amount ${JSON.stringify(text)}`);
    expect(err.message).toMatch(why);
    expect(err.message).not.toContain("\n");
  });
});

describe("no floating point on the way to minor units", () => {
  it("0.10 + 0.20 is exactly 30 minor units (0.1 + 0.2 is not 0.3 in floats)", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(parseAmount("0.10", "EUR").minor + parseAmount("0.20", "EUR").minor).toBe(30);
    expect(parseAmount("0.1", "EUR").minor + parseAmount("0.2", "EUR").minor).toBe(30);
  });

  it("19.99 three times is exactly 5997 minor units", () => {
    // In floats, 19.99 * 100 is 1998.9999999999998: truncated that is a cent short per purchase.
    expect(Math.trunc(parseFloat("19.99") * 100) * 3).not.toBe(5997);
    const one = parseAmount("19.99", "EUR").minor;
    expect(one).toBe(1999);
    expect(one + one + one).toBe(5997);
  });

  it("every price from 0.00 to 99.99 becomes the integer its digits spell (floats get some wrong)", () => {
    let floatMistakes = 0;
    for (let cents = 0; cents < 10_000; cents++) {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
      expect(parseAmount(text, "EUR").minor).toBe(cents);
      if (Math.trunc(parseFloat(text) * 100) !== cents) floatMistakes++;
    }
    // The naive float conversion truncates e.g. 4.35 * 100 = 434.99999999999994 to 434.
    expect(floatMistakes).toBeGreaterThan(0);
  });

  it("formatMinor and formatMoney round-trip through parseAmount for any amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom("EUR", "JPY", "BHD", "USD"), (minor, currency) => {
        expect(parseAmount(formatMinor(minor, currency), currency)).toEqual({ minor, currency });
        expect(parseAmount(formatMoney(minor, currency), "EUR")).toEqual({ minor, currency });
      }),
    );
  });
});

describe("parseMoney with an explicit --currency", () => {
  it("applies --currency to a bare amount and accepts an agreeing symbol", () => {
    expect(parseMoney("12.50", { currency: "usd", defaultCurrency: "EUR" })).toEqual({ minor: 1250, currency: "USD" });
    expect(parseMoney("$12.50", { currency: "USD", defaultCurrency: "EUR" })).toEqual({ minor: 1250, currency: "USD" });
    expect(parseMoney("12.50", { defaultCurrency: "GBP" })).toEqual({ minor: 1250, currency: "GBP" });
  });

  it("refuses an amount whose currency disagrees with --currency, and an unknown --currency", () => {
    const err = refusal(() => parseMoney("€12", { currency: "USD", defaultCurrency: "EUR", flag: "--amount" }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/"€12" is in EUR but --currency says USD/);
    expect(refusal(() => parseMoney("12", { currency: "XYZ", defaultCurrency: "EUR" })).message).toContain('"XYZ"');
  });
});

describe("currencies and formatting", () => {
  it("normalises known codes and refuses others", () => {
    expect(normaliseCurrency(" eur ")).toBe("EUR");
    expect(refusal(() => normaliseCurrency("XYZ")).exitCode).toBe(2);
    expect(refusal(() => normaliseCurrency("EURO")).exitCode).toBe(2);
  });

  it("formats minor units as decimal strings and for people", () => {
    expect(formatMinor(123450, "EUR")).toBe("1234.50");
    expect(formatMinor(5, "EUR")).toBe("0.05");
    expect(formatMinor(-5, "EUR")).toBe("-0.05");
    expect(formatMinor(1200, "JPY")).toBe("1200");
    expect(formatMinor(1234, "BHD")).toBe("1.234");
    expect(formatMoney(123456789, "EUR")).toBe("1,234,567.89 EUR");
    expect(formatMoney(-123456, "USD")).toBe("-1,234.56 USD");
  });
});

describe("exact totals", () => {
  it("formats a BigInt total to the cent, past what a JS number holds", () => {
    expect(formatMoney(9007199254740993n, "EUR")).toBe("90,071,992,547,409.93 EUR");
    expect(formatMinor(MAX_TOTAL_MINOR, "JPY")).toBe("9223372036854775807");
    expect(formatMinor(-5n, "EUR")).toBe("-0.05");
  });

  it("the JSON writer writes a BigInt as a number with all its digits, streamed or not", () => {
    const value = { totalMinor: 9007199254740993n, label: "\u0001bigint-x:1" };
    expect(toJson(value)).toBe('{\n  "totalMinor": 9007199254740993,\n  "label": "\\u0001bigint-x:1"\n}\n');
    const rows = Array.from({ length: 300 }, (_, i) => ({ n: BigInt(i) + 2n ** 60n }));
    expect([...toJsonChunks(rows)].join("")).toContain('"n": 1152921504606847275');
  });
});

describe("currency digits", () => {
  it("are ICU's minor-unit digits for every currency the runtime knows, common ones included", () => {
    for (const code of [...Intl.supportedValuesOf("currency"), "EUR", "USD", "JPY", "BHD", "KWD", "KRW"]) {
      const icu = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits;
      expect(formatMinor(1, code), code).toBe(icu ? `0.${"0".repeat(icu - 1)}1` : "1");
    }
  });
});

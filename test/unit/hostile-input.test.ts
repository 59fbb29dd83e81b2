// Hostile input, property-based (fast-check): whatever text reaches the parsers — dates, intervals,
// amounts, emails, import dates, vCards, --map specs — the answer is a sound value or a clear CrmError
// (exit 2, one line, naming the value), never a crash, a NaN, a date outside the calendar, or a hang.
// RUNS below is the number of generated inputs per property.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseAsOf, parseInterval, parseWhen, tryParseInterval } from "../../src/io/dates.js";
import { formatMinor, parseAmount, parseMoney } from "../../src/io/money.js";
import { normaliseEmail, normaliseTag, parseFieldPair } from "../../src/core/contacts/contacts.js";
import { InvalidRow, parseImportDate } from "../../src/core/import/engine.js";
import { parseVcard, splitVcards } from "../../src/io/vcard.js";
import { detectDelimiter, headerKey } from "../../src/io/csv.js";
import { parseColumnMap } from "../../src/io/column-map.js";
import { CrmError, quote } from "../../src/errors.js";

/** Inputs per property; CRM_FUZZ_RUNS=100000 for a longer hunt. */
const RUNS = Number(process.env.CRM_FUZZ_RUNS ?? 1000);
const NOW = new Date(2026, 2, 2, 9, 30);

/** Text as hostile input comes: any code points (lone surrogates too), controls, NUL, RTL, emoji. */
const NASTY = [
  "\u0000",
  "\u001b[2J",
  "\u202e",
  "\u2066",
  "\u200f",
  "🙂",
  "👩‍👩‍👧",
  "ש",
  "مرحبا",
  "١٢",
  "\ufeff",
  "\r\n",
  "\t",
  "'",
  '"',
  "\\",
  "%",
  "_",
  ";",
  ",",
  ":",
  "=",
  "\ud800",
];
const fragments = (words: readonly string[]) =>
  fc
    .array(fc.oneof(fc.constantFrom(...words, ...NASTY, " "), fc.string({ maxLength: 4 }), fc.integer({ min: -99999, max: 99999 }).map(String)), {
      maxLength: 8,
    })
    .map((parts) => parts.join(""));
const anyText = (words: readonly string[] = []) =>
  fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }), fragments(words));

/** A refusal the CLI prints as one clear line: a CrmError with a usage-class exit code. */
function expectClearRefusal(err: unknown, codes: number[] = [2]): void {
  expect(err).toBeInstanceOf(CrmError);
  const e = err as CrmError;
  expect(codes).toContain(e.exitCode);
  expect(e.message).not.toMatch(/[\r\n]/);
  expect(e.hint ?? "").not.toMatch(/[\r\n]/);
  expect(e.message.length).toBeLessThan(400);
}

function outcome<T>(fn: () => T): { value: T } | { error: unknown } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

const soundDate = (d: Date) => {
  expect(Number.isNaN(d.getTime())).toBe(false);
  expect(d.getFullYear()).toBeGreaterThanOrEqual(1000);
  expect(d.getFullYear()).toBeLessThanOrEqual(9999);
};

const DATE_WORDS = [
  "today",
  "tomorrow",
  "yesterday",
  "now",
  "next",
  "last",
  "this",
  "in",
  "ago",
  "friday",
  "monday",
  "days",
  "weeks",
  "d",
  "w",
  "m",
  "y",
  "+",
  "-",
  "2026",
  "-03-",
  "12",
  "T",
  "14:00",
  ":59",
  ".5",
  "Z",
  "+02:00",
  "eow",
  "eom",
  "noon",
  "at",
  "pm",
  "january",
  "the",
  "of",
  "1e9",
];

describe(`dates (${RUNS} inputs per property)`, () => {
  it("parseWhen: a real instant in the years 1000–9999, or exit 2 naming the flag and the value", async () => {
    await fc.assert(
      fc.asyncProperty(anyText(DATE_WORDS), async (input) => {
        const r = await parseWhen(input, NOW, "--due date").then(
          (value) => ({ value }),
          (error) => ({ error }),
        );
        if ("value" in r) {
          soundDate(r.value.date);
          expect(typeof r.value.hasTime).toBe("boolean");
        } else {
          expectClearRefusal(r.error);
          expect((r.error as CrmError).message).toContain(`--due date ${quote(input)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("parseAsOf: the same, for --as-of and CRM_NOW", async () => {
    await fc.assert(
      fc.asyncProperty(anyText(DATE_WORDS), async (input) => {
        const r = await parseAsOf(input, NOW).then(
          (value) => ({ value }),
          (error) => ({ error }),
        );
        if ("value" in r) soundDate(r.value);
        else expectClearRefusal(r.error);
      }),
      { numRuns: RUNS },
    );
  });

  it("relative dates far in the future or the past are refused, not turned into year 102026", async () => {
    for (const input of ["+99999y", "-2000y", "+9000y", "in 99999 years", "99999 days ago", "9999-12-31T23:59:60", "0999-01-01", "10000-01-01"]) {
      const r = await parseWhen(input, NOW, "--due date").then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
      if ("value" in r) soundDate(r.value.date);
      else expectClearRefusal(r.error);
    }
    await expect(parseWhen("+99999y", NOW, "--due date")).rejects.toMatchObject({ exitCode: 2 });
  });

  it("a 10,000-character value is answered at once", async () => {
    for (const input of ["next friday ".repeat(900), "1".repeat(10_000), "in 3 days".padEnd(10_000, " x"), "+".repeat(10_000), "🙂".repeat(5000)]) {
      const started = Date.now();
      const r = await parseWhen(input, NOW, "--due date").then(
        () => undefined,
        (error) => error,
      );
      if (r !== undefined) expectClearRefusal(r);
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  it("intervals: a positive count of days, weeks, months or years, or exit 2", () => {
    fc.assert(
      fc.property(anyText(["d", "w", "m", "y", "days", "weeks", " ", "0", "30", "99999", "-1"]), (input) => {
        const r = outcome(() => parseInterval(input, "--every"));
        if ("value" in r) {
          expect(Number.isSafeInteger(r.value.count) && r.value.count > 0).toBe(true);
          expect(["day", "week", "month", "year"]).toContain(r.value.unit);
          expect(tryParseInterval(input)).toEqual(r.value);
        } else expectClearRefusal(r.error);
      }),
      { numRuns: RUNS },
    );
  });

  it("import dates: an ISO instant in the years 1000–9999, or an invalid row with a one-line reason", () => {
    fc.assert(
      fc.property(anyText(["2026", "-", "/", "03", "1", "T", "10:00", "Z", "+01:00", "20260305", ".123", " "]), (input) => {
        const r = outcome(() => parseImportDate(input));
        if ("value" in r) {
          expect(r.value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          soundDate(new Date(r.value));
        } else {
          expect(r.error).toBeInstanceOf(InvalidRow);
          expect((r.error as Error).message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

const AMOUNT_WORDS = [
  "€",
  "$",
  "£",
  "¥",
  "EUR",
  "usd",
  "JPY",
  "BHD",
  "XYZ",
  "1",
  "0",
  "12",
  "1,200",
  ".",
  ",",
  "50",
  "-",
  "+",
  "−",
  " ",
  "e5",
  "999999999999999999",
];

describe(`amounts (${RUNS} inputs per property)`, () => {
  it("parseAmount: integer minor units of a real currency, or exit 2 naming the value", () => {
    fc.assert(
      fc.property(anyText(AMOUNT_WORDS), (input) => {
        const r = outcome(() => parseAmount(input, "EUR", "amount"));
        if ("value" in r) {
          expect(Number.isSafeInteger(r.value.minor) && r.value.minor >= 0).toBe(true);
          expect(r.value.currency).toMatch(/^[A-Z]{3}$/);
          // What was read prints back as a decimal that reads as the same amount.
          expect(parseAmount(`${formatMinor(r.value.minor, r.value.currency)} ${r.value.currency}`, "EUR")).toEqual(r.value);
        } else {
          expectClearRefusal(r.error);
          expect((r.error as CrmError).message).toContain(`amount ${quote(input)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("every amount up to 2^53 − 1 minor units survives formatting and parsing exactly", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
        fc.constantFrom("EUR", "USD", "JPY", "BHD", "GBP", "CHF"),
        (minor, currency) => {
          const m = Number(minor);
          expect(parseAmount(formatMinor(m, currency), currency)).toEqual({ minor: m, currency });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("parseMoney with a hostile --currency: a code it knows, or exit 2", () => {
    fc.assert(
      fc.property(anyText(AMOUNT_WORDS), anyText(["EUR", "usd", "X", "€"]), (amount, currency) => {
        const r = outcome(() => parseMoney(amount, { currency, defaultCurrency: "EUR", flag: "--amount" }));
        if ("value" in r) expect(Number.isSafeInteger(r.value.minor)).toBe(true);
        else expectClearRefusal(r.error);
      }),
      { numRuns: RUNS },
    );
  });
});

describe(`contact fields (${RUNS} inputs per property)`, () => {
  it("emails, tags and --field pairs: normalised, or exit 2", () => {
    fc.assert(
      fc.property(anyText(["@", ".", "example", "com", "a", "+", "-"]), (input) => {
        for (const fn of [() => normaliseEmail(input), () => normaliseTag(input), () => parseFieldPair(input)] as (() => unknown)[]) {
          const r = outcome(fn);
          if ("error" in r) expectClearRefusal(r.error);
        }
        const email = outcome(() => normaliseEmail(input));
        if ("value" in email) expect(email.value).toBe(email.value.trim().toLowerCase());
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// vCards and CSV helpers

const PROPS = [
  "FN",
  "N",
  "EMAIL",
  "TEL",
  "ORG",
  "TITLE",
  "NOTE",
  "CATEGORIES",
  "BDAY",
  "ANNIVERSARY",
  "NICKNAME",
  "URL",
  "ADR",
  "ROLE",
  "X-CRM-FIELD",
  "X-CRM-CADENCE",
  "UID",
  "REV",
  "PHOTO",
  "item1.EMAIL",
  "BEGIN",
  "END",
  "VERSION",
];
const PARAMS = [
  "",
  ";TYPE=work",
  ";TYPE=pref",
  ";PREF=1",
  ";PREF=x",
  ";VALUE=uri",
  ";VALUE=date",
  ";CHARSET=UTF-8",
  ";ENCODING=b",
  ";ENCODING=QUOTED-PRINTABLE",
  ";;",
  ";=",
  ';TYPE="a,b"',
  ";X-Y",
];
const vcardLine = fc
  .tuple(
    fc.oneof(fc.constantFrom(...PROPS), fc.string({ maxLength: 6 })),
    fc.constantFrom(...PARAMS),
    anyText(["a;b;c", "\\n", "\\,", "1985-04-12", "--0412", "tel:+1", ":", ";;;;"]),
  )
  .map(([name, params, value]) => `${name}${params}:${value}`);
/** Card-shaped text: a BEGIN/VERSION/END frame around random properties, lines folded anywhere. */
const vcardText = fc
  .tuple(fc.constantFrom("3.0", "4.0", "2.1", "", "5"), fc.array(vcardLine, { maxLength: 8 }), fc.boolean(), fc.nat({ max: 80 }))
  .map(([version, lines, closed, fold]) => {
    const all = ["BEGIN:VCARD", ...(version ? [`VERSION:${version}`] : []), ...lines, ...(closed ? ["END:VCARD"] : [])];
    return all.map((l) => (fold > 0 && l.length > fold ? `${l.slice(0, fold)}\r\n ${l.slice(fold)}` : l)).join("\r\n") + "\r\n";
  });

describe(`vCards (${RUNS} inputs per property)`, () => {
  it("parseVcard: a contact of plain strings, or an Error with a one-line reason", () => {
    fc.assert(
      fc.property(fc.oneof(vcardText, anyText(["BEGIN:VCARD", "END:VCARD", "\r\n", "FN:", " "])), (text) => {
        for (const card of splitVcards(text)) {
          const r = outcome(() => parseVcard(card.text));
          if ("value" in r) {
            const c = r.value;
            for (const v of [c.name, c.first, c.last, c.company, c.title, c.note, c.cadence, c.source]) if (v !== undefined) expect(typeof v).toBe("string");
            for (const v of [...c.emails, ...c.phones]) expect([typeof v.value, typeof (v.label ?? "")]).toEqual(["string", "string"]);
            for (const v of c.tags) expect(typeof v).toBe("string");
            for (const [k, v] of c.fields) expect(typeof k === "string" && typeof v === "string").toBe(true);
          } else {
            expect(r.error).toBeInstanceOf(Error);
            expect((r.error as Error).message).not.toMatch(/[\r\n]/);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("splitVcards: every card starts on the line it says", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(vcardText, anyText()), { maxLength: 4 }).map((parts) => parts.join("\n")),
        (text) => {
          const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
          for (const card of splitVcards(text)) expect(lines[card.line - 1]!.trim().toUpperCase()).toBe("BEGIN:VCARD");
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe(`CSV helpers (${RUNS} inputs per property)`, () => {
  it("delimiter detection, header keys and --map specs never fail unexpectedly", () => {
    fc.assert(
      fc.property(anyText(["a,b", "x;y", "\t", '"', "\n", "=", "Order Total=amount"]), (text) => {
        expect([",", ";", "\t", "|"]).toContain(detectDelimiter(text));
        expect(headerKey(text)).toMatch(/^[\p{L}\p{N}]*$/u);
        const r = outcome(() => parseColumnMap(text));
        if ("value" in r) for (const [k, v] of r.value) expect(k.length > 0 && v.length > 0).toBe(true);
        else expectClearRefusal(r.error);
      }),
      { numRuns: RUNS },
    );
  });
});

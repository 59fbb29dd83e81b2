// crm writes CSV itself (so that printing a table loads no CSV library): byte for byte what
// csv-stringify writes with its default options, on awkward cells.
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { csvLines, csvTableBytes, neutraliseCsvCell, toCsv } from "../../src/io/csv.js";

const ALPHABET = ["a", "Z", " ", ",", '"', "\n", "\r", "\r\n", ";", "'", "=", "\t", "é", "😀", ""];

function randomRows(seed: number, count: number): string[][] {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(rnd() * 5) }, () =>
      Array.from({ length: Math.floor(rnd() * 6) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join(""),
    ),
  );
}

describe("CSV writing", () => {
  it("matches csv-stringify's default output on random cells with quotes, commas and line breaks", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rows = randomRows(seed, 40);
      expect(csvLines(rows)).toBe(stringify(rows));
    }
  });

  it("writes a header from the field list and nothing for no rows", () => {
    expect(toCsv([{ a: 'say "hi"', b: 1, c: null }], ["a", "b", "c"])).toBe('a,b,c\n"say ""hi""",1,\n');
    expect(csvLines([])).toBe("");
    expect(csvLines([[""]])).toBe(stringify([[""]]));
  });
});

describe("CSV of rows read as arrays (exports)", () => {
  const VALUES: unknown[] = [null, undefined, 0, -3, 12.5, 1e21, true, ["a", "=b"], { k: "v,w" }, "+44 20 7946 0000", "+1+1", "-12.50", "@x", "\tx", "é😀"];

  /** The documented rule for one value, quoted by csv-stringify below. */
  const expectedCell = (v: unknown): string =>
    v === null || v === undefined
      ? ""
      : typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : neutraliseCsvCell(Array.isArray(v) ? v.join(";") : typeof v === "object" ? JSON.stringify(v) : String(v));

  it("writes byte for byte what csv-stringify writes of the neutralised cells, across chunk boundaries", () => {
    let s = 7;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const header = ["a", "b,c", 'd"e', "f"];
    const rows = Array.from({ length: 3000 }, (_, i) =>
      header.map(() =>
        rnd() < 0.4
          ? VALUES[Math.floor(rnd() * VALUES.length)]
          : Array.from({ length: Math.floor(rnd() * (i % 97 === 0 ? 4000 : 12)) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join(""),
      ),
    );
    const expected = stringify([header, ...rows.map((row) => row.map(expectedCell))]);
    const chunks = [...csvTableBytes(header, rows)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
    // Records (reports' CSV) go through the same cells.
    expect(
      toCsv(
        rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]]))),
        header,
      ),
    ).toBe(expected);
  });

  it("writes the header alone for no rows", () => {
    expect(Buffer.concat([...csvTableBytes(["id", "name"], [])]).toString()).toBe("id,name\n");
  });
});

describe("the formula guard", () => {
  it("leaves phone numbers as they are and still neutralises every formula", () => {
    for (const phone of ["+44 20 7946 0000", "+1 (555) 123-4567", "+33.1.23.45.67.89", "+4915112345678"]) expect(neutraliseCsvCell(phone)).toBe(phone);
    for (const formula of [
      "+1+1",
      "+1-1",
      "=1+2",
      "-2+3",
      "@SUM(A1:A2)",
      "+SUM(1)",
      "+44 20 7946 0000+HYPERLINK(1)",
      "+44*20*7946*0000",
      "+",
      "+ 12345678",
      "\t+44 20 7946 0000",
    ])
      expect(neutraliseCsvCell(formula)).toBe(`'${formula}`);
  });
});

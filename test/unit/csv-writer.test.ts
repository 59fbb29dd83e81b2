// crm writes CSV itself (so that printing a table loads no CSV library): byte for byte what
// csv-stringify writes with its default options, on awkward cells.
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { csvLines, neutraliseCsvCell, toCsv } from "../../src/io/csv.js";

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

// Large outputs are written in chunks as they are made: the text must be exactly what the one-string
// renderers give (JSON.stringify with two spaces, the plain table, CSV).
import { describe, expect, it } from "vitest";
import { plainTable, plainTableChunks, type Column } from "../../src/cli/render/table.js";
import { toJson, toJsonChunks } from "../../src/cli/render/json.js";

const join = (chunks: Iterable<string>) => [...chunks].join("");

function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: i,
    name: i % 7 === 0 ? `Zoë "the" ${i}\nnext` : `name ${i}`,
    score: i % 3 ? i / 7 : null,
    tags: i % 5 ? ["a", `b${i}`] : [],
    nested: { when: new Date(Date.UTC(2026, 0, 1 + (i % 30))), list: i % 11 ? [1, { x: [] }] : [], empty: {} },
    skip: undefined,
    fn: () => 1,
  }));
}

describe("toJsonChunks", () => {
  it.each([0, 1, 256, 257, 3000])("writes what toJson writes for %d rows, alone and inside an object", (n) => {
    const data = rows(n);
    expect(join(toJsonChunks(data))).toBe(toJson(data));
    const report = { model: "bgnbd", asOf: "2026-01-02", nothing: undefined, params: { r: 0.5, list: [1, 2] }, rows: data, total: 12.5 };
    expect(join(toJsonChunks(report))).toBe(toJson(report));
    expect(join(toJsonChunks({ outer: { rows: data } }))).toBe(toJson({ outer: { rows: data } }));
  });

  it("writes a generator as the array it yields, empty or not, alone and inside an object", () => {
    function* gen<T>(items: T[]) {
      yield* items;
    }
    for (const n of [0, 1, 300]) {
      const data = rows(n);
      expect(join(toJsonChunks(gen(data)))).toBe(toJson(data));
      expect(join(toJsonChunks({ at: "x", rows: gen(data), after: [1] }))).toBe(toJson({ at: "x", rows: data, after: [1] }));
    }
  });

  it("writes big outputs in several chunks", () => {
    expect([...toJsonChunks(rows(3000))].length).toBeGreaterThan(5);
  });
});

/** The one-string plain table as it was written before chunking, as the reference. */
function referencePlainTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const oneLine = (v: unknown) => (v === null || v === undefined ? "" : String(v).replace(/[\t\r\n]+/g, " "));
  const cells = rows.map((r) => columns.map((c) => oneLine(c.cell(r))));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => cells.reduce((w, row) => Math.max(w, [...row[i]!].length), h.length));
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(widths[i]! - [...cell].length);
        return columns[i]!.align === "right" ? pad + cell : i === row.length - 1 ? cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(headers), ...cells.map(line)].join("\n") + "\n";
}

describe("plainTableChunks", () => {
  it("gives the plain table's text", () => {
    const columns: Column<{ id: number; name: string }>[] = [
      { header: "id", cell: (r) => r.id, align: "right" },
      { header: "name", cell: (r) => r.name },
    ];
    const data = rows(5000).map((r) => ({ id: r.id, name: r.name + (r.id % 13 ? "" : " 😀") }));
    const text = join(plainTableChunks(columns, data));
    expect(text).toBe(referencePlainTable(columns, data));
    expect(plainTable(columns, data)).toBe(text);
    expect(text.split("\n")).toHaveLength(5002);
  });
});

describe("plainTableChunks, line by line", () => {
  interface Row {
    id: number;
    name: string;
    company: string | null;
    amount: number | null;
    note: string;
  }
  const columns: Column<Row>[] = [
    { header: "id", cell: (r) => r.id, align: "right" },
    { header: "name", cell: (r) => r.name },
    { header: "company", cell: (r) => r.company },
    { header: "amount", cell: (r) => r.amount, align: "right" },
    { header: "note", cell: (r) => r.note },
  ];
  const companies = [null, "Société Générale", "", "Acme  ", "Zoë\u00a0"];
  const notes = ["", "  ", "call back ", "x\ty", "\u00a0"];

  it("pads and trims as the one-string table did: blank cells at the end, spaces and no-break spaces ending a cell, accents", () => {
    const data: Row[] = Array.from({ length: 400 }, (_, i) => ({
      id: i * 37,
      name: i % 9 ? `Ada ${i}` : "",
      company: companies[i % companies.length]!,
      amount: i % 4 ? i * 1.5 : null,
      note: notes[i % notes.length]!,
    }));
    expect(join(plainTableChunks(columns, data))).toBe(referencePlainTable(columns, data));
  });

  it("keeps lines whole across chunks, however long a cell", () => {
    const data: Row[] = Array.from({ length: 30 }, (_, i) => ({ id: i, name: "é".repeat(i * 4000), company: "c", amount: i, note: "n" }));
    const chunks = [...plainTableChunks(columns, data)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join("")).toBe(referencePlainTable(columns, data));
    for (const chunk of chunks) expect(chunk.endsWith("\n")).toBe(true);
  });
});

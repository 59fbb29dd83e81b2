// The streaming CSV reader: records numbered by the line they start on (blank lines, CRLF and quoted
// line breaks counted), blank rows skipped, in batches and one by one alike.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openCsv } from "../../src/io/csv.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-csv-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  const f = path.join(dir, `f${++n}.csv`);
  fs.writeFileSync(f, content);
  return f;
}

async function all(f: string) {
  const csv = await openCsv(f);
  const records = [];
  for await (const r of csv.records()) records.push(r);
  return { header: csv.header, records };
}

describe("openCsv", () => {
  it("numbers records by their first line across blank lines, CRLF and quoted line breaks", async () => {
    const { header, records } = await all(file('\r\n\r\nname,note\r\nAda,"two\r\nlines"\r\n\r\n,\r\nBob,x\r\n"Cy","a\nb\nc"\r\nDee,\r\n'));
    expect(header).toEqual(["name", "note"]);
    expect(records).toEqual([
      { line: 4, cells: ["Ada", "two\r\nlines"] },
      { line: 8, cells: ["Bob", "x"] },
      { line: 9, cells: ["Cy", "a\nb\nc"] },
      { line: 12, cells: ["Dee", ""] },
    ]);
  });

  it("pads short rows, strips a BOM, detects ';' and restores neutralised cells", async () => {
    const { header, records } = await all(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a;b;c\n1\n'=SUM(A1);'+44 20;x\n")])));
    expect(header).toEqual(["a", "b", "c"]);
    expect(records).toEqual([
      { line: 2, cells: ["1", "", ""] },
      { line: 3, cells: ["=SUM(A1)", "+44 20", "x"] },
    ]);
  });

  it("gives the same records in batches as one by one, over many chunks", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? "" : `${i},"v ${i}\n${i}"`));
    const f = file(`id,value\n${rows.join("\n")}\n`);
    const { records } = await all(f);
    const csv = await openCsv(f);
    const batched = [];
    for await (const batch of csv.batches(333)) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(333);
      batched.push(...batch);
    }
    expect(batched).toEqual(records);
    expect(records.length).toBe(rows.filter((r) => r).length);
    expect(records[1]).toEqual({ line: 5, cells: ["2", "v 2\n2"] });
  });

  it("refuses an empty file and reports broken quoting with the line", async () => {
    await expect(openCsv(file("\n\n"))).rejects.toThrow(/is empty/);
    const csv = await openCsv(file('a,b\n1,2\n3,"unterminated\n'));
    await expect(all(csv.file)).rejects.toThrow(/as CSV/);
  });
});

// The responses importer on the shared engine, in-process: typed results, idempotent re-imports, contacts
// created once and named from their email, progress through the callback, an abort that writes nothing.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { importResponses } from "../../src/core/import/responses.js";
import { createSurvey, type Survey } from "../../src/core/surveys/surveys.js";
import { tempDir } from "../helpers.js";

const NOW = new Date("2026-03-15T12:00:00Z");

function setup(): { dir: string; store: Store; survey: Survey } {
  const dir = tempDir();
  const store = openStore(path.join(dir, "crm.db"));
  return { dir, store, survey: createSurvey(store, { name: "NPS" }, NOW) };
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const count = (store: Store, table: string) => store.sqlite.prepare(`select count(*) from ${table}`).pluck().get() as number;

describe("importResponses", () => {
  it("creates each new respondent once, named from the email, and a second run adds nothing", async () => {
    const { dir, store, survey } = setup();
    const file = write(
      dir,
      "a.csv",
      "email,score,date\ngrace.hopper@example.com,9,2026-03-01\ngrace.hopper@example.com,7,2026-03-02\ngrace.hopper@example.com,7,2026-03-02\n",
    );
    const first = await importResponses(store, survey, file, NOW, { createContacts: true });
    expect(first.report).toMatchObject({ committed: true, rows: 3, added: 2, skipped: 1, createdContacts: 1, invalid: [] });
    expect(first).toMatchObject({ header: ["email", "score", "date"], ignoredColumns: [], datedNow: false });
    expect(store.sqlite.prepare("select name, source from contacts").all()).toEqual([{ name: "Grace Hopper", source: "survey import: NPS" }]);
    const again = await importResponses(store, survey, file, NOW, { createContacts: true });
    expect(again.report).toMatchObject({ added: 0, skipped: 3, createdContacts: 0 });
    expect(count(store, "responses")).toBe(2);
  });

  it("imports a fixed rejects file without its line and reason columns (reason is no comment)", async () => {
    const { dir, store, survey } = setup();
    const file = write(dir, "a.csv", 'line,reason,email,score,date\n3,"score ""12"" is out of range",ada@example.com,10,2026-03-01\n');
    const { report, ignoredColumns } = await importResponses(store, survey, file, NOW, { createContacts: true });
    expect(report).toMatchObject({ added: 1, invalid: [] });
    expect(ignoredColumns).toEqual([]);
    expect(store.sqlite.prepare("select score, comment from responses").all()).toEqual([{ score: 10, comment: null }]);
  });

  it("reports progress through the callback, never on stderr", async () => {
    const { dir, store, survey } = setup();
    store.sqlite
      .prepare("insert into contacts(name, email, created_at, updated_at) values ('Ada', 'ada@example.com', ?, ?)")
      .run(NOW.toISOString(), NOW.toISOString());
    const rows = Array.from({ length: 5000 }, (_, i) => `ada@example.com,${i % 11},2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z,note ${i}`);
    const file = write(dir, "big.csv", ["email,score,date,comment", ...rows].join("\n") + "\n");
    const calls: [number, number][] = [];
    const stderr = process.stderr.write;
    let written = "";
    process.stderr.write = ((chunk: string) => ((written += chunk), true)) as typeof process.stderr.write;
    try {
      await importResponses(store, survey, file, NOW, { onProgress: (done, total) => calls.push([done, total]) });
    } finally {
      process.stderr.write = stderr;
    }
    const size = fs.statSync(file).size;
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([size, size]);
    expect(written).toBe("");
  });

  it("an aborted signal stops the import with nothing written", async () => {
    const { dir, store, survey } = setup();
    const file = write(dir, "a.csv", "email,score\nnew@example.com,9\n");
    const controller = new AbortController();
    controller.abort("SIGINT");
    await expect(importResponses(store, survey, file, NOW, { createContacts: true, signal: controller.signal })).rejects.toThrow("nothing was imported");
    expect(count(store, "contacts") + count(store, "responses")).toBe(0);
  });
});

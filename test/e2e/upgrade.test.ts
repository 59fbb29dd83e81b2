// Two crm processes opening a database of an older schema at the same moment: it is migrated once,
// with one copy of the old file and one message, and both commands succeed. Only real processes race.
// (Upgrades one at a time: test/cli/upgrade.test.ts.)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers.js";
import { CURRENT, copyOf, dump, inOldColumns, older, pragmas } from "../fixtures/schemas.js";

describe.each(older)("a database of schema %i", (version) => {
  it("is migrated once when two crm processes open it at the same moment", async () => {
    const { dir, db } = copyOf(version);
    const before = dump(db);
    const run = (name: string) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, "add", name], { env: { ...process.env, CRM_DB: db, TZ: "UTC" }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
      });
    const results = await Promise.all([run("First Racer"), run("Second Racer")]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(pragmas(db)).toMatchObject({ version: CURRENT, integrity: "ok" });
    const after = dump(db);
    expect(after.contacts).toHaveLength(before.contacts!.length + 2);
    for (const [table, rows] of Object.entries(before)) if (table !== "contacts") expect(inOldColumns(after[table], rows), table).toEqual(rows);
    // One copy, of the old schema, and one message about it.
    const copies = fs.readdirSync(dir).filter((f) => f.endsWith(".bak"));
    expect(copies).toHaveLength(1);
    expect(pragmas(path.join(dir, copies[0]!)).version).toBe(version);
    expect(
      results
        .map((r) => r.stderr)
        .join("")
        .match(/upgrading the database/g),
    ).toHaveLength(1);
  });
});

// Where crm looks for the database, and what it does when nothing is there: a command that only reads
// never starts a database (exit 3, naming the path it looked at); a command refused for a bad argument
// (exit 2) neither creates a missing database and its folder nor upgrades an old one; `--db` must name a
// regular file; `crm config path` prints the database in use.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run, runOk, sha256, tempDir } from "../helpers.js";
import { copyOf, older } from "../fixtures/schemas.js";

describe("a command that only reads, where there is no database", () => {
  it.each([[["contact", "list"]], [["today"]], [["remind"]], [["report", "nps"]], [["export", "contacts"]], [["find", "ada"]], [["followup", "list"]]])(
    "crm %j exits 3 with one line naming the path and CRM_DB, and creates nothing",
    async (args) => {
      const dir = tempDir();
      const db = path.join(dir, "nested", "crm.db");
      const r = await run(db, args);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(`there is no crm database at "${db}"`);
      expect(r.stderr).toContain("CRM_DB");
      expect(fs.existsSync(path.join(dir, "nested"))).toBe(false);
    },
  );

  it("a command that writes still starts one, and so does the demo", async () => {
    const dir = tempDir();
    await runOk(path.join(dir, "crm.db"), ["add", "Ada"]);
    expect(fs.existsSync(path.join(dir, "crm.db"))).toBe(true);
    const demo = path.join(tempDir(), "demo.db");
    expect((await run(path.join(tempDir(), "crm.db"), ["--db", demo, "demo"])).code).toBe(0);
    expect(fs.existsSync(demo)).toBe(true);
  });

  it("crm config path prints the database in use, existing or not", async () => {
    const db = path.join(tempDir(), "x", "crm.db");
    expect(await runOk(db, ["config", "path"])).toBe(`${db}\n`);
    expect(fs.existsSync(path.dirname(db))).toBe(false);
    expect(await runOk(db, ["--db", "/tmp/other.db", "config", "path"])).toBe("/tmp/other.db\n");
  });
});

describe("a command refused with exit 2", () => {
  const refused: string[][] = [
    ["add", "Ada", "--email", "not-an-email"],
    ["add", "Ada", "--due", "someday maybe"],
    ["log", "ada@example.com", "hi", "--at", "not a date"],
    ["followup", "add", "ada@example.com", "--due", "not a date"],
    ["import", "contacts", "/no/such/file.csv"],
    ["import", "purchases", "/no/such/file.csv"],
    ["export", "nothing"],
    ["contact", "list", "--format", "xml"],
    ["config", "set", "no-such-key", "1"],
    ["backup", "/no/such/dir/b.db"],
    ["restore", "/no/such/backup.db", "--yes"],
    ["purchase", "add", "ada@example.com", "abc"],
    ["purchase", "add", "ada@example.com", "-5"],
    ["purchase", "add", "ada@example.com", "12 XYZ"],
    ["deal", "add", "ada@example.com", "Website", "--amount", "abc"],
  ];

  it.each(refused.map((a) => [a]))("crm %j does not create a missing database or its folder", async (args) => {
    const dir = tempDir();
    const db = path.join(dir, "nested", "crm.db");
    const r = await run(db, args);
    expect(r.code, r.stderr).toBe(2);
    expect(fs.existsSync(path.join(dir, "nested")), `crm ${args.join(" ")} created the folder`).toBe(false);
  });

  it.each(refused.map((a) => [a]))("crm %j does not upgrade an old database", async (args) => {
    const { dir, db } = copyOf(older[0]!);
    const before = sha256(db);
    const listing = fs.readdirSync(dir).sort();
    const r = await run(db, args);
    expect(r.code, r.stderr).toBe(2);
    expect(sha256(db)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
  });
});

describe("--db must be a regular file or absent", () => {
  it.each([["/dev/null"], ["/dev/zero"]])("--db %s is exit 2 and nothing is made beside it", async (dev) => {
    const r = await run(tempDir(), ["--db", dev, "add", "Ada"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("is not a regular file");
    expect(fs.existsSync(`${dev}-journal`)).toBe(false);
    expect(fs.existsSync(`${dev}-wal`)).toBe(false);
  });

  it("a FIFO as the database is exit 2", async () => {
    const fifo = path.join(tempDir(), "crm.db");
    const { spawnSync } = await import("node:child_process");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const r = await run(fifo, ["add", "Ada"]);
    expect(r.code, r.stderr).toBe(2);
  });
});

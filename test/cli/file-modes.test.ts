// The -wal and -shm files hold the same personal data as the database: owner-only (0600) even when the
// database itself is more open, which crm warns about once.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runOk } from "../helpers.js";

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("a database with mode 0644", () => {
  it("gets -wal and -shm files of mode 0600, and one warning about its own mode", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Ada"]);
    fs.chmodSync(db, 0o644);
    // Another connection keeps the -wal and -shm in place (SQLite makes them with the database's mode).
    const other = new Database(db);
    other.prepare("select count(*) from contacts").get();
    try {
      expect(mode(`${db}-wal`)).toBe(0o644);
      const first = await run(dir, ["add", "Bob"]);
      expect(first.code, first.stderr).toBe(0);
      expect(mode(`${db}-wal`)).toBe(0o600);
      expect(mode(`${db}-shm`)).toBe(0o600);
      expect(first.stderr).toContain(`warning: the database ${db} has mode 0644: other users can read it (chmod 600 ${db} makes it private)`);
      const second = await run(dir, ["contact", "list"]);
      expect(second.code).toBe(0);
      expect(second.stderr).not.toContain("warning");
      expect(mode(db)).toBe(0o644);
    } finally {
      other.close();
    }
  });

  it("says nothing about a private database", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["add", "Ada"]);
    expect(r.stderr).not.toContain("warning");
  });
});

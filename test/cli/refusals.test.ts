// Databases crm must refuse with exit 5, one clear line, and the file left byte-for-byte as it was,
// in-process (through runSeen, so an upgrade message that bypasses the Io counts as a line too): a
// truncated database, an immutable file, a database locked past CRM_BUSY_TIMEOUT_MS. (Read-only files
// and directories, which need crm to run as another user, and a lock released in time by another
// process: test/e2e/refusals.test.ts. Random bytes, a text file, another application's SQLite file
// and a newer schema: global.test.ts.)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ROOT, freshDbDir, runOk, runSeen as run, sha256, tempDir, type RunResult } from "../helpers.js";

const isRoot = process.getuid?.() === 0;

function expectRefused(r: RunResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(5);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/**
 * `chattr +i` makes a file that even root cannot write. Not every file system (or container) allows it:
 * these files go in the usual temp directory, on a disk, not in memory (tmpfs has no immutable flag).
 */
function chattrWorks(): boolean {
  if (!isRoot) return false;
  const probe = path.join(tempDir("crm-test-", true), "probe");
  fs.writeFileSync(probe, "");
  const ok = spawnSync("chattr", ["+i", probe]).status === 0;
  if (ok) spawnSync("chattr", ["-i", probe]);
  return ok;
}

describe("an immutable database file (chattr +i)", () => {
  it.skipIf(!chattrWorks())("is refused with exit 5 even for root, naming lsattr", async () => {
    const db = path.join(tempDir("crm-test-", true), "crm.db");
    await runOk(db, ["add", "Ada"]);
    expect(spawnSync("chattr", ["+i", db]).status).toBe(0);
    try {
      const before = sha256(db);
      expectRefused(await run(db, ["add", "Bob"]), /permission denied \(the file is read-only\) — .*lsattr/);
      expect(sha256(db)).toBe(before);
    } finally {
      spawnSync("chattr", ["-i", db]);
    }
  });
});

describe("a truncated database", () => {
  it.each([
    ["the current schema", 3],
    ["an older schema that would need an upgrade", 1],
  ])("of %s, cut in half, is refused by every kind of command and left as it was", async (_what, version) => {
    const dir = tempDir();
    const db = path.join(dir, "crm.db");
    const full = fs.readFileSync(path.join(ROOT, "test", "fixtures", "db", `schema-${version}.db`));
    fs.writeFileSync(db, full.subarray(0, Math.floor(full.length / 2)), { mode: 0o600 });
    const before = sha256(db);
    for (const args of [
      ["contact", "list"],
      ["add", "Bob"],
      ["find", "platypus"],
      ["report", "segments"],
      ["backup", path.join(dir, "copy.db")],
    ]) {
      expectRefused(await run(db, args), /^crm: ".*crm\.db" is corrupt or not a crm database — restore it from a backup/);
      expect(sha256(db), args.join(" ")).toBe(before);
    }
    // No upgrade copy or backup left behind, only SQLite's empty side files.
    expect(fs.readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f))).toEqual(["crm.db"]);
  });
});

describe("a database locked by another connection", () => {
  /** Holds the write lock (with an uncommitted write) on a connection of its own, as another program would. */
  function holdLock(db: string): () => void {
    const other = new Database(db);
    other.exec("BEGIN IMMEDIATE");
    other.prepare("insert into contacts(name, created_at, updated_at) values ('uncommitted', 'x', 'x')").run();
    return () => {
      other.exec("ROLLBACK");
      other.close();
    };
  }

  it("is refused after CRM_BUSY_TIMEOUT_MS with exit 5, nothing written", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(db, ["add", "Ada"]);
    const purchases = path.join(dir, "p.csv");
    fs.writeFileSync(purchases, "email,date,amount\nnew@example.com,2026-01-01,10\n");
    const before = sha256(db);
    const release = holdLock(db);
    try {
      for (const args of [
        ["add", "Bob"],
        ["import", "purchases", purchases, "--create-contacts"],
      ]) {
        const started = Date.now();
        const r = await run(db, args, { env: { CRM_BUSY_TIMEOUT_MS: "300" } });
        expectRefused(r, /^crm: the database ".*crm\.db" is locked by another process \(waited 300 ms\) — .*CRM_BUSY_TIMEOUT_MS/);
        expect(Date.now() - started).toBeLessThan(4000);
        expect(sha256(db)).toBe(before);
      }
      // Reading is not blocked by a writer (WAL).
      expect((await run(db, ["contact", "list"])).stdout).toContain("Ada");
    } finally {
      release();
    }
    expect((await run(db, ["contact", "list", "--format", "json"])).stdout).not.toContain("Bob");
  });

  it("rejects an unreadable CRM_BUSY_TIMEOUT_MS with exit 2", async () => {
    const r = await run(tempDir(), ["contact", "list"], { env: { CRM_BUSY_TIMEOUT_MS: "soon" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crm: invalid CRM_BUSY_TIMEOUT_MS "soon" — give a whole number of milliseconds, e.g. 5000\n');
  });
});

// Databases crm must refuse with exit 5, one clear line, and the file left byte-for-byte as it was,
// in-process (through runSeen, so an upgrade message that bypasses the Io counts as a line too): a
// truncated database, an immutable file. (Read-only files and directories, which need crm to run as
// another user, and a database locked by another process: test/e2e/refusals.test.ts. Random bytes, a
// text file, another application's SQLite file and a newer schema: global.test.ts.)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runOk, runSeen as run, sha256, tempDir, type RunResult } from "../helpers.js";

const isRoot = process.getuid?.() === 0;

function expectRefused(r: RunResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(5);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** `chattr +i` makes a file that even root cannot write. Not every file system (or container) allows it. */
function chattrWorks(): boolean {
  if (!isRoot) return false;
  const probe = path.join(tempDir(), "probe");
  fs.writeFileSync(probe, "");
  const ok = spawnSync("chattr", ["+i", probe]).status === 0;
  if (ok) spawnSync("chattr", ["-i", probe]);
  return ok;
}

describe("an immutable database file (chattr +i)", () => {
  it.skipIf(!chattrWorks())("is refused with exit 5 even for root, naming lsattr", async () => {
    const db = path.join(tempDir(), "crm.db");
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
    for (const args of [["contact", "list"], ["add", "Bob"], ["find", "platypus"], ["report", "segments"], ["backup", path.join(dir, "copy.db")]]) {
      expectRefused(await run(db, args), /^crm: ".*crm\.db" is corrupt or not a crm database — restore it from a backup/);
      expect(sha256(db), args.join(" ")).toBe(before);
    }
    // No upgrade copy or backup left behind, only SQLite's empty side files.
    expect(fs.readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f))).toEqual(["crm.db"]);
  });
});

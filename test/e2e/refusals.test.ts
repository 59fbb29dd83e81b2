// Databases crm must refuse with exit 5, one clear line, and the file left byte-for-byte as it was,
// where that needs a real process: read-only files and directories (crm runs as an unprivileged user),
// and a wait for a lock another process releases in time. The databases are built in-process. (A
// truncated database, an immutable file and a lock held past the timeout: test/cli/refusals.test.ts;
// random bytes, a text file, another application's SQLite file and a newer schema:
// test/cli/global.test.ts.)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, freshDbDir, run, runOk, sha256, waitUntil, waitingForLock, type RunResult } from "../helpers.js";

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;
/** As root, permissions do not stop writes: the binary runs as `nobody` (setpriv) for these tests. */
const canTestPermissions = !isRoot || hasSetpriv;

/** Runs crm as an unprivileged user (nobody when the tests run as root). */
function crmUnprivileged(db: string, args: string[]): RunResult {
  const env = { PATH: process.env.PATH, CRM_DB: db, TZ: "UTC", HOME: path.dirname(db) };
  const argv = isRoot
    ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, BIN, ...args]
    : [process.execPath, BIN, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: "utf8", input: "" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A database with a few records in a directory the unprivileged user owns. */
async function ownedDatabase(): Promise<{ dir: string; db: string }> {
  const dir = freshDbDir();
  const db = path.join(dir, "crm.db");
  await runOk(db, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
  if (isRoot) {
    for (const f of [dir, ...fs.readdirSync(dir).map((f) => path.join(dir, f))]) fs.chownSync(f, NOBODY, NOBODY);
  }
  return { dir, db };
}

function expectRefused(r: RunResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(5);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!canTestPermissions)("read-only databases (run as an unprivileged user)", () => {
  it("refuses a read-only file, for reading and writing commands, and leaves it as it was", async () => {
    const { dir, db } = await ownedDatabase();
    fs.chmodSync(db, 0o444);
    const before = sha256(db);
    const listing = fs.readdirSync(dir).sort();
    for (const args of [
      ["contact", "list"],
      ["add", "Bob"],
      ["import", "purchases", path.join(dir, "none.csv")],
    ]) {
      const r = crmUnprivileged(db, args);
      expectRefused(
        r,
        /^crm: cannot write the database ".*crm\.db": permission denied \(the file is read-only\) — crm needs to write the file and its directory/,
      );
    }
    expect(sha256(db)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
  });

  it("refuses a database in a read-only directory (where its -wal and -shm cannot be made)", async () => {
    const { dir, db } = await ownedDatabase();
    fs.chmodSync(dir, 0o555);
    try {
      const before = sha256(db);
      for (const args of [
        ["contact", "list"],
        ["add", "Bob"],
      ]) {
        expectRefused(crmUnprivileged(db, args), /permission denied \(its directory is read-only\)/);
      }
      expect(sha256(db)).toBe(before);
      expect(fs.readdirSync(dir)).toEqual(["crm.db"]);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });

  it("refuses to create a database in a read-only directory", async () => {
    const { dir } = await ownedDatabase();
    const sub = path.join(dir, "locked");
    fs.mkdirSync(sub, { mode: 0o555 });
    if (isRoot) fs.chownSync(sub, NOBODY, NOBODY);
    expectRefused(crmUnprivileged(path.join(sub, "crm.db"), ["add", "Bob"]), /cannot create the database .*permission denied/);
    expect(fs.readdirSync(sub)).toEqual([]);
  });
});

describe("a database locked by another process", () => {
  /** Holds the write lock (with an uncommitted write) from this process, as another program would. */
  function holdLock(db: string): () => void {
    const other = new Database(db);
    other.exec("BEGIN IMMEDIATE");
    other.prepare("insert into contacts(name, created_at, updated_at) values ('uncommitted', 'x', 'x')").run();
    return () => {
      other.exec("ROLLBACK");
      other.close();
    };
  }

  it("is waited for while the other process finishes within the timeout", async () => {
    const db = path.join(freshDbDir(), "crm.db");
    await runOk(db, ["add", "Ada"]);
    const release = holdLock(db);
    const child = spawn(process.execPath, [BIN, "add", "Bob"], {
      env: { ...process.env, CRM_DB: db, CRM_BUSY_TIMEOUT_MS: "10000" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    try {
      // Released only once crm is waiting for the lock, not after a guessed delay.
      await waitUntil(() => waitingForLock(child.pid!, db) || child.exitCode !== null);
    } finally {
      release();
    }
    expect(await done, stderr).toBe(0);
    expect((await run(db, ["contact", "list"])).stdout).toMatch(/Ada[\s\S]*Bob/);
  });
});

// Databases crm must refuse with exit 5, one clear line, and the file left byte-for-byte as it was,
// where that needs a real process: read-only files and directories (crm runs as an unprivileged user),
// and a wait for a lock another process releases in time. The databases are built in-process. (A
// truncated database, an immutable file and a lock held past the timeout: test/cli/refusals.test.ts;
// random bytes, a text file, another application's SQLite file and a newer schema:
// test/cli/global.test.ts.) And a full disk (a small tmpfs, mounted as root) while crm writes a file:
// exit 5 naming it, nothing partial left.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, crm, freshDbDir, run, runOk, sha256, tempDir, waitUntil, waitingForLock, type RunResult } from "../helpers.js";

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
    const csv = path.join(dir, "shop.csv");
    fs.writeFileSync(csv, "email,date,amount\nada@example.com,2026-01-02,10\n");
    const before = sha256(db);
    const listing = fs.readdirSync(dir).sort();
    for (const args of [
      ["contact", "list"],
      ["add", "Bob"],
      ["import", "purchases", csv],
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

/** Mounts a tmpfs of `kb` kilobytes at a new directory; undefined where mounting is not allowed. */
function smallDisk(kb: number): { dir: string; unmount(): void } | undefined {
  if (!isRoot) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-full-"));
  if (spawnSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k,mode=0700`, "tmpfs", dir]).status !== 0) {
    fs.rmdirSync(dir);
    return undefined;
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", [dir]);
      fs.rmdirSync(dir);
    },
  };
}

const canMount = (() => {
  const disk = smallDisk(16);
  disk?.unmount();
  return disk !== undefined;
})();

/** A database of ~600 kB: 300 contacts with a long note each. */
async function bigDatabase(): Promise<string> {
  const dir = freshDbDir();
  const db = path.join(dir, "crm.db");
  const csv = path.join(dir, "c.csv");
  const lines = ["name,email,note"];
  for (let i = 0; i < 1200; i++) lines.push(`Person ${i},p${i}@example.com,${"n".repeat(1500)}`);
  fs.writeFileSync(csv, lines.join("\n") + "\n");
  await runOk(db, ["import", "contacts", csv]);
  return db;
}

describe.skipIf(!canMount)("a full disk (a small tmpfs) while writing", () => {
  function expectFull(r: RunResult, file: string): void {
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`cannot write "${file}`);
    expect(r.stderr).toContain("the disk is full");
  }

  it("an export, export all, a backup: exit 5 naming the file, nothing partial left", async () => {
    const db = await bigDatabase();
    const disk = smallDisk(256)!;
    try {
      const csv = path.join(disk.dir, "contacts.csv");
      expectFull(crm(db, ["export", "contacts", "-o", csv]), csv);
      const json = path.join(disk.dir, "all.json");
      expectFull(crm(db, ["export", "all", "-o", json]), json);
      const backup = path.join(disk.dir, "backup.db");
      expectFull(crm(db, ["backup", backup]), backup);
      const folder = path.join(disk.dir, "all");
      const r = crm(db, ["export", "all", "--format", "csv", "-o", folder]);
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain("the disk is full");
      expect(fs.readdirSync(folder)).toEqual([]);
      expect(fs.readdirSync(disk.dir).sort()).toEqual(["all"]);
    } finally {
      disk.unmount();
    }
  });

  it("a restore into a database on the full disk: exit 5, the database as it was, nothing left beside it", async () => {
    const big = await bigDatabase();
    const backup = path.join(tempDir(), "big-backup.db");
    await runOk(big, ["backup", backup]);
    const disk = smallDisk(1024)!;
    try {
      const db = path.join(disk.dir, "crm.db");
      await runOk(db, ["add", "Ada"]);
      const before = sha256(db);
      const listing = fs.readdirSync(disk.dir).sort();
      const r = crm(db, ["restore", backup, "--yes"]);
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain("the disk is full");
      expect(sha256(db)).toBe(before);
      expect(fs.readdirSync(disk.dir).sort()).toEqual(listing);
    } finally {
      disk.unmount();
    }
  });
});

// The built binary compares a database with the schema the build derived once (dist/expected-schema.json)
// instead of deriving it on every open: it must still see what crm did not create.
describe("the installed binary's schema check", () => {
  it("the build's snapshot is the newest schema, and a hidden trigger is still refused with exit 5", async () => {
    const snapshot = JSON.parse(fs.readFileSync(path.join(path.dirname(BIN), "..", "dist", "expected-schema.json"), "utf8"));
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(db, ["add", "Ada"]);
    const sqlite = new Database(db);
    expect(snapshot.version).toBe(sqlite.pragma("user_version", { simple: true }));
    sqlite.exec("create trigger sneaky after insert on purchases begin delete from purchases where id = new.id; end");
    sqlite.close();
    const r = crm(db, ["contact", "list"]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('a trigger "sneaky" that crm does not create');
  });
});

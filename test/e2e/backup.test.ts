// `crm backup` while another process writes to the same database: one consistent snapshot. `crm restore`
// while another process holds the lock (it waits, then exit 5 with nothing restored) or keeps writing
// (its writes land in the restored database: the file is never swapped under it). What restores leave
// beside the database. The writers are real processes; the databases and backups are made in-process.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, freshDbDir, run, runOk, tempDir, waitUntil, waitingForLock } from "../helpers.js";

function readonly<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * Another process adding contacts two at a time, one transaction each, until its stdin closes. It
 * prints "ready" once its first pair is committed, and the number of pairs when it stops.
 */
function startWriter(db: string): { ready: Promise<void>; stop(): Promise<number> } {
  const writer = spawn(
    process.execPath,
    [
      "-e",
      `const D = require(${JSON.stringify(path.join(ROOT, "node_modules", "better-sqlite3"))});
       const db = new D(${JSON.stringify(db)}); db.pragma("busy_timeout = 5000");
       const ins = db.prepare("insert into contacts(name, note, created_at, updated_at) values (?, ?, 'x', 'x')");
       const pair = db.transaction((i) => { ins.run("A" + i, "x".repeat(2000)); ins.run("B" + i, "y".repeat(2000)); });
       let i = 0, stop = false;
       process.stdin.on("end", () => (stop = true)).resume();
       pair(i++);
       process.stdout.write("ready\\n");
       // Write in bursts, yielding between them so the end of stdin is noticed.
       (function burst() {
         if (stop) return process.stdout.write(i + "\\n");
         const end = Date.now() + 20;
         while (Date.now() < end) pair(i++);
         setImmediate(burst);
       })();`,
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: writer.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the writer ended early");
    return value as string;
  };
  const ready = next().then((line) => expect(line).toBe("ready"));
  return {
    ready,
    async stop() {
      writer.stdin.end();
      return Number(await next());
    },
  };
}

describe("crm backup", () => {
  it("is one consistent snapshot while another process keeps writing", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Seed"]);
    // The writer adds contacts two at a time, in one transaction each: a consistent copy has an odd count.
    const writer = startWriter(db);
    await writer.ready;
    const counts: number[] = [];
    let pairs = 0;
    try {
      for (let k = 0; k < 3; k++) {
        const file = path.join(dir, `snap${k}.db`);
        const r = await run(dir, ["backup", file]);
        expect(r.code, r.stderr).toBe(0);
        counts.push(
          readonly(file, (b) => {
            expect(b.pragma("integrity_check", { simple: true })).toBe("ok");
            return (b.prepare("select count(*) n from contacts").get() as { n: number }).n;
          }),
        );
      }
    } finally {
      pairs = await writer.stop();
    }
    expect(pairs).toBeGreaterThan(0);
    for (const n of counts) expect(n % 2).toBe(1);
    expect(counts.some((n) => n > 1)).toBe(true);
  });
});

/** A backup of a database holding one contact, "From Backup", with `pageSize`-byte pages. */
async function backupFile(pageSize = 4096): Promise<string> {
  const dir = freshDbDir();
  await runOk(dir, ["add", "From Backup", "--email", "backup@example.com"]);
  const file = path.join(tempDir(), "backup.db");
  await runOk(dir, ["backup", file]);
  if (pageSize !== 4096) {
    const db = new Database(file);
    db.pragma(`page_size = ${pageSize}`);
    db.exec("VACUUM");
    expect(db.pragma("page_size", { simple: true })).toBe(pageSize);
    db.close();
  }
  return file;
}

function names(db: string): string[] {
  return readonly(db, (b) => b.prepare("select name from contacts order by id").pluck().all() as string[]);
}

/** `crm restore` as a real process; resolves with its exit code and stderr. */
function spawnRestore(db: string, file: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, "restore", file, "--yes"], {
    env: { ...process.env, CRM_DB: db, TZ: "UTC", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stderr })));
  return { child, done };
}

describe("crm restore while another process has the database", () => {
  /** Holds the write lock (with an uncommitted write), as another program in a long transaction would. */
  function holdLock(db: string): () => void {
    const other = new Database(db);
    other.exec("BEGIN IMMEDIATE");
    other.prepare("insert into contacts(name, created_at, updated_at) values ('uncommitted', 'x', 'x')").run();
    return () => {
      other.exec("ROLLBACK");
      other.close();
    };
  }

  it("locked past the busy timeout: exit 5, nothing restored, no copy left behind", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Current One"]);
    const file = await backupFile();
    const release = holdLock(db);
    let result: { code: number; stderr: string };
    try {
      result = await spawnRestore(db, file, { CRM_BUSY_TIMEOUT_MS: "300" }).done;
    } finally {
      release();
    }
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(/locked by another process/);
    expect(result.stderr).not.toMatch(/restored/);
    expect(names(db)).toEqual(["Current One"]);
    expect(fs.readdirSync(dir).filter((f) => f.includes("restor"))).toEqual([]);
  });

  it("locked for a moment: waits for the lock, then restores", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Current One"]);
    const file = await backupFile();
    const release = holdLock(db);
    const { child, done } = spawnRestore(db, file, { CRM_BUSY_TIMEOUT_MS: "10000" });
    try {
      await waitUntil(() => waitingForLock(child.pid!, db) || child.exitCode !== null);
    } finally {
      release();
    }
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("restored");
    expect(names(db)).toEqual(["From Backup"]);
  });

  it("a backup with another page size: a writer that has the database open keeps writing into the restored one", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Seed"]);
    const file = await backupFile(8192);
    const writer = startWriter(db);
    await writer.ready;
    let pairs = 0;
    let r: { code: number; stderr: string };
    try {
      r = await spawnRestore(db, file).done;
    } finally {
      pairs = await writer.stop();
    }
    expect(r.code, r.stderr).toBe(0);
    const after = names(db);
    expect(after).toContain("From Backup");
    expect(after).not.toContain("Seed");
    // The writer's last commit came after the restore and is in the file: it was never swapped.
    expect(after).toContain(`A${pairs - 1}`);
    expect(readonly(db, (b) => b.pragma("integrity_check", { simple: true }))).toBe("ok");
  });
});

describe("what restores leave beside the database", () => {
  it("keeps only the newest three before-restore copies", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["add", "Current One"]);
    const file = await backupFile();
    for (let i = 0; i < 5; i++) expect((await run(dir, ["restore", file, "--yes"])).code).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("crm-before-restore-"))).toHaveLength(3);
  });

  it("the checked copy of a killed restore (crm.db.restoring-<pid>) is deleted by the next command", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["add", "Current One"]);
    const file = await backupFile();
    // A process that has ended: its pid is free (until reused) — a restore killed mid-way.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    for (const f of [`crm.db.restoring-${dead}`, `crm.db.restoring-${dead}-wal`, `export.csv.partial-${dead}`]) fs.copyFileSync(file, path.join(dir, f));
    // And one of a process still running (this one): not a leftover.
    fs.copyFileSync(file, path.join(dir, `crm.db.restoring-${process.pid}`));
    await runOk(dir, ["contact", "list"]);
    expect(fs.readdirSync(dir).filter((f) => /restoring|partial/.test(f))).toEqual([`crm.db.restoring-${process.pid}`]);
  });
});

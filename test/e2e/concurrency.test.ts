// Several crm processes writing one database at once (cron's `crm remind` while you type `crm add`,
// an import while you log a call): no "database is locked" reaches the user and every write is kept,
// exactly once. Writers queue on SQLite's write lock (BEGIN IMMEDIATE, busy timeout); an import holds
// it from its first row to its commit, so what it checks (duplicates, known contacts) is read inside it.
// The writers are real processes (each running a lane of commands, ./lane.mjs); the databases they
// start from are built in-process.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, fixtureDir, freshDbDir, runJson, runOk, tempDir, waitUntil, waitingForLock } from "../helpers.js";

/** Spawns `crm <args>`; its pid, and its exit code and stderr once it has ended. */
function start(db: string, args: string[]): { pid: number; exited: () => boolean; done: Promise<{ code: number; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CRM_DB: db }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stderr })));
  return { pid: child.pid!, exited: () => child.exitCode !== null || child.signalCode !== null, done };
}

const LANE = path.join(path.dirname(BIN), "..", "test", "e2e", "lane.mjs");

/** Runs `crm` commands one after another in one process (./lane.mjs): one process per lane. */
function lane(db: string, jobs: string[][]): Promise<{ code: number; stderr: string }[]> {
  const child = spawn(process.execPath, [LANE, JSON.stringify(jobs)], { env: { ...process.env, CRM_DB: db }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`lane exited ${code}: ${stderr}`)))),
  );
}

describe("concurrent writers", () => {
  it("4 processes × 10 contacts with an interaction each (one command after another in each), starting on a database that does not exist yet", async () => {
    const db = path.join(tempDir(), "crm.db");
    const workers = Array.from({ length: 4 }, async (_, w) => {
      const jobs = Array.from({ length: 10 }, (_, i) => [
        ["add", `Worker ${w} person ${i}`, "--email", `w${w}.p${i}@example.com`],
        ["log", `w${w}.p${i}@example.com`, `call ${w}/${i}`, "--type", "call"],
      ]).flat();
      return (await lane(db, jobs)).filter((r) => r.code !== 0).map((r) => r.stderr);
    });
    const failures = (await Promise.all(workers)).flat();
    expect(failures).toEqual([]);
    expect(await runJson(db, ["contact", "list"])).toHaveLength(40);
    expect(await runJson(db, ["log", "list"])).toHaveLength(40);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Adds, logs and imports of every kind at once

interface Job {
  args: string[];
  /** Expected to fail? Never: every job must succeed. */
  label: string;
}

async function runAll(db: string, lanes: Job[][]): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    lanes.map(async (jobs) => {
      const results = await lane(
        db,
        jobs.map((job) => job.args),
      );
      results.forEach((r, i) => {
        const label = jobs[i]!.label;
        if (r.code !== 0) failures.push(`${label} exited ${r.code}: ${r.stderr.trim()}`);
        else if (/locked|SQLITE_BUSY|busy/i.test(r.stderr)) failures.push(`${label}: ${r.stderr.trim()}`);
      });
    }),
  );
  return failures;
}

function writeCsv(file: string, header: string, rows: string[]): string {
  fs.writeFileSync(file, [header, ...rows].join("\n") + "\n");
  return file;
}

const count = (db: string, sql: string) => {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).pluck().get() as number;
  } finally {
    conn.close();
  }
};

describe("adds, logs and imports at once", () => {
  it("7 processes: 2 × 8 adds, 8 logs, 3 purchase imports of 1,000 rows, 3 contact imports of 300, 3 interaction imports of 200, and a reader — every write kept", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    // 20 customers the logs and imports refer to.
    const seed = writeCsv(
      path.join(dir, "seed.csv"),
      "name,email",
      Array.from({ length: 20 }, (_, i) => `Customer ${i},c${i}@example.com`),
    );
    await runOk(db, ["import", "contacts", seed]);

    const purchaseFiles = [0, 1, 2].map((f) =>
      writeCsv(
        path.join(dir, `purchases-${f}.csv`),
        "email,date,amount,order id",
        Array.from({ length: 1000 }, (_, i) => `c${(i + f) % 20}@example.com,2025-0${1 + (i % 9)}-1${i % 10},${10 + (i % 90)}.00,f${f}-o${i}`),
      ),
    );
    const contactFiles = [0, 1, 2].map((f) =>
      writeCsv(
        path.join(dir, `contacts-${f}.csv`),
        "First Name,Last Name,E-mail 1 - Value,Labels",
        Array.from({ length: 300 }, (_, i) => `Imported${f},Person ${i},imp${f}.${i}@example.com,* myContacts ::: batch${f}`),
      ),
    );
    const interactionFiles = [0, 1, 2].map((f) =>
      writeCsv(
        path.join(dir, `interactions-${f}.csv`),
        "email,date,type,summary",
        Array.from({ length: 200 }, (_, i) => `c${i % 20}@example.com,2026-01-${String(1 + (i % 28)).padStart(2, "0")},call,batch ${f} call ${i}`),
      ),
    );
    const lanes: Job[][] = [
      ...[0, 1].map((w) =>
        Array.from({ length: 8 }, (_, i) => ({
          label: `add ${w}/${i}`,
          args: ["add", `Adder ${w} ${i}`, "--email", `add${w}.${i}@example.com`, "--tag", "added"],
        })),
      ),
      Array.from({ length: 8 }, (_, i) => ({ label: `log ${i}`, args: ["log", `c${i}@example.com`, `live call ${i}`, "--type", "call"] })),
      purchaseFiles.map((f) => ({ label: `import ${path.basename(f)}`, args: ["import", "purchases", f] })),
      contactFiles.map((f) => ({ label: `import ${path.basename(f)}`, args: ["import", "contacts", f] })),
      interactionFiles.map((f) => ({ label: `import ${path.basename(f)}`, args: ["import", "interactions", f] })),
      [["contact", "list"], ["remind"], ["report", "segments"], ["find", "call"], ["today"]].map((args) => ({ label: args.join(" "), args })),
    ];
    expect(await runAll(db, lanes)).toEqual([]);

    expect(count(db, "select count(*) from contacts")).toBe(20 + 16 + 900);
    expect(count(db, "select count(distinct lower(email)) from contacts")).toBe(20 + 16 + 900);
    expect(count(db, "select count(*) from contact_tags")).toBe(16 + 900);
    expect(count(db, "select count(*) from purchases")).toBe(3000);
    expect(count(db, "select count(*) from interactions")).toBe(8 + 600);
    expect(count(db, "select count(*) from search_index where kind = 'interaction'")).toBe(8 + 600);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// The same file imported by two processes at once: the second sees what the first wrote

describe("the same file imported by two processes at once", () => {
  /** Five customers (c0…c4@example.com) and an NPS survey, built once. */
  const fiveCustomersAndASurvey = fixtureDir(async (dir) => {
    const seed = writeCsv(
      path.join(dir, "seed.csv"),
      "name,email",
      Array.from({ length: 5 }, (_, i) => `Customer ${i},c${i}@example.com`),
    );
    await runOk(dir, ["import", "contacts", seed]);
    await runOk(dir, ["survey", "create", "NPS", "--type", "nps"]);
  });

  /** Holds the write lock from this process until released, so both imports queue up behind it. */
  function holdLock(db: string): () => void {
    const other = new Database(db);
    other.exec("BEGIN IMMEDIATE");
    return () => {
      other.exec("COMMIT");
      other.close();
    };
  }

  async function twiceAtOnce(db: string, args: string[]): Promise<string[]> {
    const release = holdLock(db);
    const both = [start(db, args), start(db, args)];
    try {
      // Both processes start, read what they need and wait for the lock: released once both sleep in
      // SQLite's busy handler (or one has given up), not after a guessed delay.
      await waitUntil(() => both.every((p) => waitingForLock(p.pid, db) || p.exited()));
    } finally {
      release();
    }
    return (await Promise.all(both.map((p) => p.done))).filter((r) => r.code !== 0).map((r) => r.stderr);
  }

  it.each([
    ["contacts", "name,email", (i: number) => `Twin ${i},twin${i}@example.com`, "select count(*) from contacts where email like 'twin%'", []],
    [
      "purchases",
      "email,date,amount",
      (i: number) => `c${i % 5}@example.com,2025-03-${String(1 + (i % 28)).padStart(2, "0")},${i + 1}.00`,
      "select count(*) from purchases",
      [],
    ],
    ["interactions", "email,date,type,summary", (i: number) => `c${i % 5}@example.com,2026-01-02,note,twin note ${i}`, "select count(*) from interactions", []],
    [
      "responses",
      "email,score,date",
      (i: number) => `c${i % 5}@example.com,${i % 11},2026-01-${String(1 + (i % 28)).padStart(2, "0")}`,
      "select count(*) from responses",
      ["NPS"],
    ],
  ] as const)(
    "%s: every row once",
    async (what, header, row, sql, extra) => {
      const dir = await fiveCustomersAndASurvey();
      const db = path.join(dir, "crm.db");
      const file = writeCsv(
        path.join(dir, `${what}.csv`),
        header,
        Array.from({ length: 200 }, (_, i) => row(i)),
      );
      expect(await twiceAtOnce(db, ["import", what, ...extra, file])).toEqual([]);
      expect(count(db, sql)).toBe(200);
    },
    60_000,
  );
});

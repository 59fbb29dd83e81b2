// Crash safety: a 200,000-row `crm import purchases` killed part-way — SIGKILL (power cut, OOM killer),
// Ctrl-C (SIGINT), SIGTERM — leaves a sound database holding none or all of the import, never a part.
// "Part-way" is measured, not guessed: the kill comes when the importing process has read a given share
// of the CSV file (its file position in /proc), and the test checks it was the signal that ended it.
// The import is a real process (only a process can be killed); the database it starts from is built
// in-process.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, fixtureDir, runOk, tempDir } from "../helpers.js";

const ROWS = 200_000;
const CUSTOMERS = 2_000;
let csv = "";

beforeAll(() => {
  csv = path.join(tempDir(), "purchases.csv");
  const lines = ["email,date,amount,order id"];
  for (let i = 0; i < ROWS; i++) {
    const day = `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    lines.push(`customer${i % CUSTOMERS}@example.com,${day},${(i % 997) + 1}.${String(i % 100).padStart(2, "0")},order-${i}`);
  }
  fs.writeFileSync(csv, lines.join("\n") + "\n");
});

/** A database with one contact and one purchase of its own, which every outcome must keep. */
const seededDir = fixtureDir(async (dir) => {
  await runOk(dir, ["add", "Seed Customer", "--email", "seed@example.com"]);
  await runOk(dir, ["purchase", "add", "seed@example.com", "12.50", "--at", "2025-06-01"]);
});
const seeded = async () => path.join(await seededDir(), "crm.db");

/** How far the process has read `file` (its position in /proc/<pid>/fdinfo), or undefined. */
function readPosition(pid: number, file: string): number | undefined {
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== file) continue;
      const pos = /^pos:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"));
      if (pos) return Number(pos[1]);
    }
  } catch {
    // the process is gone, or /proc is not there
  }
  return undefined;
}

const hasProc = fs.existsSync(`/proc/${process.pid}/fdinfo`);

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Share of the CSV file the process had read when the signal was sent. */
  readShare: number;
}

/** Starts the import and sends `signal` once the process has read `share` of the file. */
function importAndSignal(db: string, share: number, signal: NodeJS.Signals): Promise<Outcome> {
  const child = spawn(process.execPath, [BIN, "import", "purchases", csv, "--create-contacts"], {
    env: { ...process.env, CRM_DB: db, TZ: "UTC" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const size = fs.statSync(csv).size;
  const started = Date.now();
  let readShare = -1;
  const timer = setInterval(() => {
    const pos = readPosition(child.pid!, csv);
    const due = hasProc ? pos !== undefined && pos >= share * size : Date.now() - started >= share * 4000;
    if (due && readShare < 0) {
      readShare = (pos ?? 0) / size;
      child.kill(signal);
    }
  }, 10);
  return new Promise((resolve) =>
    child.on("close", (code, sig) => {
      clearInterval(timer);
      resolve({ code, signal: sig, stderr, readShare });
    }),
  );
}

/** What the database holds, after SQLite has recovered it on open. */
function inspect(db: string) {
  const conn = new Database(db, { fileMustExist: true });
  try {
    return {
      integrity: conn.pragma("integrity_check", { simple: true }),
      foreignKeyProblems: (conn.pragma("foreign_key_check") as unknown[]).length,
      contacts: conn.prepare("select count(*) from contacts").pluck().get() as number,
      purchases: conn.prepare("select count(*) from purchases").pluck().get() as number,
    };
  } finally {
    conn.close();
  }
}

const NONE = { integrity: "ok", foreignKeyProblems: 0, contacts: 1, purchases: 1 };
const ALL = { integrity: "ok", foreignKeyProblems: 0, contacts: 1 + CUSTOMERS, purchases: 1 + ROWS };

describe(`a ${ROWS.toLocaleString("en")}-row import killed part-way`, () => {
  it("SIGKILL at 30%, 60% and 90% of the file, one crash after another: each time a sound database with none of the import", async () => {
    const db = await seeded();
    for (const share of [0.3, 0.6, 0.9]) {
      const r = await importAndSignal(db, share, "SIGKILL");
      expect(r.signal, `the import finished before the kill at ${share}: ${r.stderr}`).toBe("SIGKILL");
      expect(r.readShare).toBeGreaterThanOrEqual(share);
      const state = inspect(db);
      // Killed before its commit, so none; the only other sound answer would be all of it.
      expect([NONE, ALL]).toContainEqual(state);
      expect(state, `after SIGKILL at ${Math.round(r.readShare * 100)}% read`).toEqual(NONE);
    }
    // Still a working database.
    await runOk(db, ["add", "After The Crashes"]);
  }, 120_000);

  it("Ctrl-C (SIGINT) rolls the import back and says so in one line, exit 130", async () => {
    const db = await seeded();
    const r = await importAndSignal(db, 0.4, "SIGINT");
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toBe("crm: interrupted: nothing was imported\n");
    expect(inspect(db)).toEqual(NONE);
  }, 60_000);

  it("SIGTERM does the same, exit 143", async () => {
    const db = await seeded();
    const r = await importAndSignal(db, 0.2, "SIGTERM");
    expect(r.code).toBe(143);
    expect(r.stderr).toBe("crm: terminated (SIGTERM): nothing was imported\n");
    expect(inspect(db)).toEqual(NONE);
  }, 60_000);
});

// What an import does when the user presses Ctrl-C: only a real process receives the signal, so the
// built binary is spawned here; the database it works on is built in-process. (A 200,000-row purchases
// import killed part-way, by SIGKILL, SIGINT and SIGTERM, is in crash.test.ts.)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, fixtureDir, ok, run, runJson } from "../helpers.js";

const NOW = { CRM_NOW: "2026-03-15T12:00" };

/** A database with Ada and an NPS survey. */
const withAda = fixtureDir(async (dir) => {
  ok(await run(dir, ["add", "Ada", "--email", "ada@example.com"], { env: NOW }));
  ok(await run(dir, ["survey", "create", "NPS"], { env: NOW }));
});

const responses = async (dir: string) => (await runJson(dir, ["survey", "list"], { env: NOW }))[0].responses;

const hasProc = fs.existsSync(`/proc/${process.pid}/fd`);
/** True once process `pid` has `file` open. */
const hasOpen = (pid: number, file: string) => {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
};

describe("crm import responses interrupted", () => {
  it.skipIf(!hasProc)("Ctrl-C rolls the import back: exit 130, one line, nothing imported", async () => {
    const dir = await withAda();
    const db = path.join(dir, "crm.db");
    const rows = Array.from(
      { length: 10_000 },
      (_, i) => `ada@example.com,${i % 11},2026-02-${String(1 + (i % 28)).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z`,
    );
    const file = path.join(dir, "big.csv");
    fs.writeFileSync(file, ["email,score,date", ...rows].join("\n") + "\n");
    // The write lock is held here, so the import waits for it with the file open: that is when Ctrl-C
    // comes. The poll watches for that state of the child (its open file), not for time to pass.
    const holder = new Database(db);
    holder.exec("BEGIN IMMEDIATE");
    const child = spawn(process.execPath, [BIN, "import", "responses", "NPS", file], {
      env: { ...process.env, CRM_DB: db, ...NOW },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!hasOpen(child.pid!, file)) return;
        clearInterval(poll);
        child.kill("SIGINT");
        resolve();
      }, 5);
    });
    holder.exec("COMMIT");
    holder.close();
    expect(await exit).toBe(130);
    expect(stderr).toBe("crm: interrupted: nothing was imported\n");
    expect(await responses(dir)).toBe(0);
  });
});

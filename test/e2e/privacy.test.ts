// stderr ends up in logs and cron mail: what the real crm process writes there for the commands cron
// runs names nobody, whatever route the text takes inside the process. (Every command, and forget,
// in-process: test/cli/privacy.test.ts.) The database is built in-process. And `crm forget` killed with
// SIGKILL at random moments leaves no trace of the person once its erasure has committed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { BIN, crm, fixtureDir, run } from "../helpers.js";
import { CONTENT, NAME_PARTS, PERSON as SECRET_PERSON, privacyFixture } from "../fixtures/person-with-secrets.js";
import { PERSON, personToForget, traces } from "../fixtures/person-to-forget.js";

const populated = fixtureDir(privacyFixture);

describe("the stderr of a real crm process", () => {
  it("carries no personal data for the commands cron runs: import, export, backup, remind", async () => {
    const dir = await populated();
    const db = path.join(dir, "crm.db");
    const purchases = path.join(dir, "shop.csv");
    fs.writeFileSync(purchases, `email,date,amount,order\n${SECRET_PERSON.email},2026-01-20,30,A-1\n`);
    for (const args of [["import", "purchases", purchases], ["export", "all", "-o", path.join(dir, "all.json")], ["backup"], ["remind"]]) {
      const r = crm(db, args, { env: { CRM_NOW: "2026-03-02T10:00:00Z" } });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      for (const secret of [...CONTENT, ...NAME_PARTS])
        expect(r.stderr, `crm ${args.join(" ")} printed ${JSON.stringify(secret)} to stderr`).not.toContain(secret);
    }
  });
});

/** The person's traces in every file of `dir` crm made (all but the fixture's CSV), in any case. */
function tracesLeft(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (name === "p.csv") continue;
    const bytes = fs.readFileSync(path.join(dir, name));
    const lower = bytes.toString("latin1").toLowerCase();
    for (const t of traces()) if (bytes.includes(Buffer.from(t)) || lower.includes(t.toLowerCase())) found.push(`${t} in ${name}`);
  }
  return found;
}

/** True once process `pid` has `file` open. */
function hasOpen(pid: number, file: string): boolean {
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
}

const hasProc = fs.existsSync(`/proc/${process.pid}/fd`);

/**
 * Runs `crm forget` on the database in `dir` and SIGKILLs it `delay` ms after it has opened the
 * database (never, for Infinity). Resolves with whether the kill landed (false: it had already
 * finished) and how long it ran after opening the database.
 */
async function killedForget(dir: string, delay: number): Promise<{ killed: boolean; ranMs: number }> {
  const db = path.join(dir, "crm.db");
  const child = spawn(process.execPath, [BIN, "forget", PERSON.email, "--yes"], {
    env: { ...process.env, CRM_DB: db, TZ: "UTC" },
    stdio: "ignore",
  });
  const exited = new Promise<boolean>((resolve) => child.on("exit", (_code, signal) => resolve(signal === "SIGKILL")));
  const started = Date.now();
  while (child.exitCode === null && !(hasProc ? hasOpen(child.pid!, db) : Date.now() - started > 150)) await new Promise((r) => setTimeout(r, 1));
  const opened = Date.now();
  if (Number.isFinite(delay)) {
    await new Promise((r) => setTimeout(r, delay));
    child.kill("SIGKILL");
  }
  const killed = await exited;
  return { killed, ranMs: Date.now() - opened };
}

describe("crm forget killed at random points", () => {
  it("leaves no byte of the person in the database, its WAL or any file beside it once the erasure has committed", async () => {
    const KILLS = 50;
    const LANES = 4;
    let killed = 0;
    let afterCommit = 0;
    let beforeCommit = 0;
    const lane = async () => {
      // How long a forget runs once it has opened the database, on this machine at this moment: the
      // kills are spread over that time (and a little past it), and it is measured again whenever a
      // forget outruns its kill.
      let window = (await killedForget(await personToForget(), Infinity)).ranMs;
      let dir = await personToForget();
      while (killed < KILLS) {
        const delay = Math.floor(Math.random() * window * 1.1);
        const attempt = await killedForget(dir, delay);
        if (!attempt.killed) {
          window = attempt.ranMs;
          dir = await personToForget();
          continue;
        }
        killed++;
        // The next command that opens the database finishes what the killed one owed the file.
        const r = await run(dir, ["contact", "list", "--format", "json"]);
        expect(r.code, r.stderr).toBe(0);
        const present = (JSON.parse(r.stdout) as { email: string }[]).some((c) => c.email === PERSON.email);
        if (present) {
          // Killed before its commit: nothing of the erasure happened (one transaction); kill again.
          beforeCommit++;
          const conn = new Database(path.join(dir, "crm.db"), { readonly: true });
          try {
            expect(
              conn
                .prepare("select (select count(*) from interactions where contact_id = 1) + (select count(*) from purchases where contact_id = 1)")
                .pluck()
                .get(),
            ).toBe(2);
          } finally {
            conn.close();
          }
          continue;
        }
        afterCommit++;
        expect(tracesLeft(dir), `killed ${delay} ms after opening the database`).toEqual([]);
        dir = await personToForget();
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    expect(killed).toBeGreaterThanOrEqual(KILLS);
    // The kills must have hit both sides of the commit for the test to prove anything.
    expect(afterCommit, `${beforeCommit} kills before the commit`).toBeGreaterThan(0);
    expect(beforeCommit, `${afterCommit} kills after the commit`).toBeGreaterThan(0);
  }, 180_000);
});

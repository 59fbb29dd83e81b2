// stderr ends up in logs and cron mail: what the real crm process writes there for the commands cron
// runs names nobody, whatever route the text takes inside the process. (Every command, and forget,
// in-process: test/cli/privacy.test.ts.) The database is built in-process. And `crm forget` killed with
// SIGKILL at each step of its write leaves all of the person before its commit and no trace after it.
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

const KILL_AT = path.join(path.dirname(BIN), "..", "test", "e2e", "kill-at.mjs");

/**
 * Runs `crm forget` as a real process on the database in `dir`, with ./kill-at.mjs loaded: it SIGKILLs
 * itself just before its `killBefore`th SQLite step (never, for 0), and lists its steps in `steps` when
 * given. Resolves with whether it was killed.
 */
async function forgetKilledBefore(dir: string, killBefore: number, steps?: string): Promise<boolean> {
  const child = spawn(process.execPath, ["--import", KILL_AT, BIN, "forget", PERSON.email, "--yes"], {
    env: { ...process.env, CRM_DB: path.join(dir, "crm.db"), TZ: "UTC", CRM_TEST_KILL_BEFORE: String(killBefore), CRM_TEST_STEPS: steps ?? "" },
    stdio: "ignore",
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (...end) => resolve(end)));
  if (signal !== "SIGKILL") expect(code, `crm forget ended with ${signal ?? `exit ${code}`}`).toBe(0);
  return signal === "SIGKILL";
}

/** The person's interactions and purchases still linked to them (2 in the fixture). */
function linkedToPerson(dir: string): number {
  const conn = new Database(path.join(dir, "crm.db"), { readonly: true });
  try {
    return conn
      .prepare("select (select count(*) from interactions where contact_id = 1) + (select count(*) from purchases where contact_id = 1)")
      .pluck()
      .get() as number;
  } finally {
    conn.close();
  }
}

describe("crm forget killed at every step of its write", () => {
  // A SIGKILL stops crm between two of its SQLite steps (statements, the closing of the database) or
  // inside one. Between steps, the files are exactly as the steps before left them, so a kill just
  // before a step stands for every kill that lands in the gap before it. The points: before the erasing
  // transaction begins, right after it began, just before its COMMIT (inside the transaction the files
  // do not change until the commit: the other gaps in it leave what these leave), and then before every
  // step after the commit to the closing of the database — before and after the VACUUM, between the
  // checkpoints, with the clean-up still recorded or already done. A kill inside a step leaves what
  // SQLite's atomic commit makes of it: the state before that step or, for a commit that reached the
  // log, the state after it — again one of these.
  it("leaves all of the person before its commit, and no byte of them in the database, its WAL or any file beside it after", async () => {
    // The steps of a forget that is not killed, listed by the process itself.
    const listed = await personToForget();
    const stepsFile = path.join(listed, "steps.txt");
    expect(await forgetKilledBefore(listed, 0, stepsFile)).toBe(false);
    const steps = fs.readFileSync(stepsFile, "utf8").trimEnd().split("\n");
    const begin = steps.indexOf("BEGIN IMMEDIATE") + 1;
    const commit = steps.indexOf("COMMIT", begin) + 1;
    expect(begin, steps.join("\n")).toBeGreaterThan(0);
    expect(commit, steps.join("\n")).toBeGreaterThan(begin);
    expect(steps.at(-1)).toBe("close");
    expect(tracesLeft(listed)).toEqual([]);

    const outcomes: Record<number, string> = {};
    const killAt = async (step: number) => {
      const dir = await personToForget();
      expect(await forgetKilledBefore(dir, step), `the forget ended before its step ${step}`).toBe(true);
      // The next command that opens the database finishes what the killed one owed the file.
      const r = await run(dir, ["contact", "list", "--format", "json"]);
      expect(r.code, r.stderr).toBe(0);
      const present = (JSON.parse(r.stdout) as { email: string }[]).some((c) => c.email === PERSON.email);
      outcomes[step] = present ? "kept" : "erased";
      if (present) {
        // Killed before its commit: nothing of the erasure happened (one transaction)…
        expect(linkedToPerson(dir), `killed before ${steps[step - 1]}`).toBe(2);
        // …and whatever the killed transaction left in the files, a forget that finishes erases it all.
        expect((await run(dir, ["forget", PERSON.email, "--yes"])).code).toBe(0);
      }
      expect(tracesLeft(dir), `killed before step ${step}: ${steps[step - 1]}`).toEqual([]);
    };
    const points = [begin, begin + 1, commit, ...Array.from({ length: steps.length - commit }, (_, i) => commit + 1 + i)];
    const expected = points.map((step) => (step <= commit ? "kept" : "erased"));
    // Two kills at a time: each waits on its process most of the time.
    const queue = [...points];
    const lane = async () => {
      for (let step = queue.shift(); step !== undefined; step = queue.shift()) await killAt(step);
    };
    await Promise.all([lane(), lane()]);
    // Killed up to its COMMIT, the person is all there; killed after it, they are gone.
    expect(
      points.map((step) => outcomes[step]),
      points.map((step) => `before ${step} ${steps[step - 1]}`).join("\n"),
    ).toEqual(expected);
    // A dozen processes, two at a time: room for a slow or busy machine.
  }, 120_000);
});

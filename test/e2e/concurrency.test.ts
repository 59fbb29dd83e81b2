// Several crm processes writing one database at once (cron's `crm remind` while you type `crm add`):
// no "database is locked" reaches the user and every write is kept.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, crmJson, tempDir } from "../helpers.js";

function run(db: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CRM_DB: db }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe("concurrent writers", () => {
  it("4 processes × 10 contacts with an interaction each, starting on a database that does not exist yet", async () => {
    const db = path.join(tempDir(), "crm.db");
    const workers = Array.from({ length: 4 }, async (_, w) => {
      const failures: string[] = [];
      for (let i = 0; i < 10; i++) {
        const add = await run(db, ["add", `Worker ${w} person ${i}`, "--email", `w${w}.p${i}@example.com`]);
        if (add.code !== 0) failures.push(add.stderr);
        const log = await run(db, ["log", `w${w}.p${i}@example.com`, `call ${w}/${i}`, "--type", "call"]);
        if (log.code !== 0) failures.push(log.stderr);
      }
      return failures;
    });
    const failures = (await Promise.all(workers)).flat();
    expect(failures).toEqual([]);
    expect(crmJson(db, ["contact", "list"])).toHaveLength(40);
    expect(crmJson(db, ["log", "list"])).toHaveLength(40);
  }, 120_000);
});

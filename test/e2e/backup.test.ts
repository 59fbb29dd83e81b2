// `crm backup` while another process writes to the same database: one consistent snapshot. The
// writer is a real process; the database and the backups are made in-process.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ROOT, freshDbDir, run, runOk } from "../helpers.js";

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

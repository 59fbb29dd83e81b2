// The interactive `crm add`: run in a real pseudo-terminal (util-linux `script`), answering each prompt
// as a person would, then check what was stored (in-process).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runJson, runOk, tempDir } from "../helpers.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Runs `crm <args>` on a pseudo-terminal; `answers` are typed when their prompt text appears. */
function runOnTty(db: string, args: string[], answers: [RegExp, string][]): Promise<{ code: number; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { ...process.env, CRM_DB: db, TERM: "xterm", NO_COLOR: "1" },
    });
    let screen = "";
    let next = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out waiting for ${answers[next]?.[0]}; screen so far:\n${screen}`));
    }, 20_000);
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString("utf8");
      while (next < answers.length && answers[next]![0].test(screen)) {
        const [, keys] = answers[next]!;
        next++;
        child.stdin.write(keys);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen });
    });
  });
}

describe.skipIf(!hasScript)("interactive crm add", () => {
  it("asks for name, email, phone, company and tags on a terminal and stores the answers", async () => {
    const dir = tempDir();
    const db = path.join(dir, "crm.db");
    const { code, screen } = await runOnTty(
      db,
      ["add"],
      [
        [/Name/, "Ada Lovelace\r"],
        [/Email/, "not-an-email\r"],
        [/not an email address/, "\x15ADA@Example.com\r"],
        [/Phone/, "+44 20 7946 0000\r"],
        [/Company/, "Analytical Engines\r"],
        [/Tags/, "client, vip\r"],
      ],
    );
    expect(code, screen).toBe(0);
    const [ada] = await runJson(db, ["contact", "list"]);
    expect(ada).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: "+44 20 7946 0000",
      company: "Analytical Engines",
      tags: ["client", "vip"],
    });
  });

  it("checks each answer as it is given: an email another contact has is refused at its prompt, and nothing typed is lost", async () => {
    const dir = tempDir();
    const db = path.join(dir, "crm.db");
    await runOk(db, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const { code, screen } = await runOnTty(
      db,
      ["add"],
      [
        [/Name/, "Ada King\r"],
        [/Email/, "ADA@example.com\r"],
        [/#1 Ada Lovelace already has ada@example\.com/, "\x15ada.king@example.com\r"],
        [/Phone/, "\r"],
        [/Company/, "\r"],
        [/Tags/, `${"x".repeat(65)}, ok\r`],
        [/invalid tag/, "\x15client\r"],
      ],
    );
    expect(code, screen).toBe(0);
    const people = await runJson(db, ["contact", "list", "--sort", "created"]);
    expect(people.map((c: { name: string; email: string; tags: string[] }) => [c.name, c.email, c.tags])).toEqual([
      ["Ada Lovelace", "ada@example.com", []],
      ["Ada King", "ada.king@example.com", ["client"]],
    ]);
  });

  it("Ctrl-C at a prompt ends with exit 130 and one quiet line, and adds nobody", async () => {
    const dir = tempDir();
    const db = path.join(dir, "crm.db");
    const { code, screen } = await runOnTty(db, ["add"], [[/Name/, "Ada\x03"]]);
    expect(code, screen).toBe(130);
    expect(screen).not.toMatch(/unexpected error|force closed/);
    expect(screen).toMatch(/crm: cancelled, nothing changed/);
    // Not even a database was started.
    expect(fs.existsSync(db)).toBe(false);
  });

  it("Ctrl-C at the confirmation of contact rm ends with exit 130 and keeps the contact", async () => {
    const dir = tempDir();
    const db = path.join(dir, "crm.db");
    await runOk(db, ["add", "Grace Hopper"]);
    const { code, screen } = await runOnTty(db, ["contact", "rm", "grace"], [[/Delete/i, "\x03"]]);
    expect(code, screen).toBe(130);
    expect(screen).not.toMatch(/unexpected error|force closed/);
    expect(await runJson(db, ["contact", "list"])).toHaveLength(1);
  });
});

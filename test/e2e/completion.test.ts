// Shell completion as a shell runs it: bash sources `crm completion bash` and completes through the
// binary (`crm __complete`), with commands and options from the command tree and values from the
// database (stages, survey names, tags).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, fixtureDir, run, runOk, tempDir } from "../helpers.js";

const hasBash = spawnSync("bash", ["--version"]).status === 0;

const withData = fixtureDir(async (dir) => {
  await runOk(dir, ["add", "Ada Lovelace", "--tag", "client", "--tag", "vip"]);
  await runOk(dir, ["survey", "create", "Customer NPS"]);
});

/** A `crm` on PATH that runs this build. */
function crmOnPath(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "crm"), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
  return dir;
}

let completionScript: string | undefined;

/** `crm completion bash` as this build prints it, in a file: made once, sourced by every completion below. */
function completionFile(): string {
  if (!completionScript) {
    const r = spawnSync(process.execPath, [BIN, "completion", "bash"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    completionScript = path.join(tempDir(), "crm.bash");
    fs.writeFileSync(completionScript, r.stdout);
  }
  return completionScript;
}

/** What bash offers after `crm <words>` (the last word being completed), through the sourced script. */
function bashComplete(db: string, words: string[]): string[] {
  const script = `source '${completionFile()}' || exit 9
COMP_WORDS=(crm ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}
_crm_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { ...process.env, PATH: `${crmOnPath()}:${process.env.PATH}`, CRM_DB: db } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

describe.skipIf(!hasBash)("crm completion bash", () => {
  it("is a script bash sources, registering the completion of crm", () => {
    const r = spawnSync("bash", ["-c", "source <(crm completion bash); complete -p crm"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${crmOnPath()}:${process.env.PATH}` },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/complete .*-F _crm_complete crm/);
  });

  it("completes commands, subcommands and options from the command tree", async () => {
    const db = path.join(await withData(), "crm.db");
    expect(bashComplete(db, ["con"])).toEqual(["contact", "config"]);
    expect(bashComplete(db, ["contact", ""])).toEqual(expect.arrayContaining(["add", "list", "show", "edit", "rm", "merge"]));
    expect(bashComplete(db, ["contact", "list", "--s"])).toEqual(expect.arrayContaining(["--search", "--sort"]));
    expect(bashComplete(db, ["report", "nps", "--format", ""])).toEqual(["table", "json", "csv"]);
    expect(bashComplete(db, [""])).not.toContain("__complete");
  });

  it("completes stage names, survey names and tags from the database", async () => {
    const db = path.join(await withData(), "crm.db");
    expect(bashComplete(db, ["deal", "move", "1", ""])).toEqual(["lead", "qualified", "proposal", "negotiation", "won", "lost"]);
    expect(bashComplete(db, ["deal", "list", "--stage", "ne"])).toEqual(["negotiation"]);
    expect(bashComplete(db, ["contact", "list", "--tag", ""])).toEqual(expect.arrayContaining(["client", "vip"]));
    expect(bashComplete(db, ["survey", "results", "Cu"])).toEqual(["Customer\\ NPS"]);
  });
});

describe("crm completion", () => {
  it.each(["zsh", "fish"])("prints a %s script that asks crm __complete", async (shell) => {
    const r = await run(tempDir(), ["completion", shell]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("crm __complete --");
  });

  it("an unknown shell is exit 2", async () => {
    const r = await run(tempDir(), ["completion", "tcsh"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bash, zsh, fish/);
  });

  it("__complete never creates a database", async () => {
    const dir = tempDir();
    const r = await run(dir, ["__complete", "--", "contact", "list", "--tag", ""]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(fs.existsSync(path.join(dir, "crm.db"))).toBe(false);
  });
});

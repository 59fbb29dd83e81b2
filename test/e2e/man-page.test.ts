// The manual page crm(1): written by the build from the command definitions (man/crm.1, shipped through
// package.json's `man`), valid roff, and rendered by man(1) where it is installed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { ROOT, run, tempDir, testIo } from "../helpers.js";

const PAGE = path.join(ROOT, "man", "crm.1");
const hasMan = spawnSync("man", ["--version"]).status === 0;
const hasGroff = spawnSync("groff", ["--version"]).status === 0;

/** Every command a person can type, as "crm report segments". */
function commandsOf(cmd: Command, prefix = "crm"): string[] {
  return cmd.commands
    .filter((c) => !c.name().startsWith("__") && c.name() !== "help")
    .flatMap((c) => (c.commands.length ? commandsOf(c, `${prefix} ${c.name()}`) : [`${prefix} ${c.name()}`]));
}

describe("crm(1)", () => {
  it("is built from the command definitions and shipped in the package", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.man).toBe("./man/crm.1");
    expect(pkg.files).toContain("man");
    const now = await run(tempDir(), ["__man"]);
    expect(now.code).toBe(0);
    expect(fs.readFileSync(PAGE, "utf8")).toBe(now.stdout);
  });

  it("is roff that names every command and option, in ASCII with escapes", () => {
    const page = fs.readFileSync(PAGE, "utf8");
    expect(page).toMatch(/^\.TH CRM 1 /);
    for (const section of ["NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "ENVIRONMENT", "EXIT STATUS"])
      expect(page).toContain(`.SH ${section}`);
    const roffName = (text: string) => text.replaceAll("-", "\\-");
    for (const command of commandsOf(buildProgram(testIo().io))) expect(page).toContain(`.SS "${roffName(command)}`);
    for (const option of ["--wide", "--no-pager", "--bom", "--alarm", "--format"]) expect(page).toContain(roffName(option));
    expect(page).not.toMatch(/[^\x20-\x7e\n]/);
    // A line starting with a dot is a macro, never text.
    for (const line of page.split("\n").filter((l) => l.startsWith("."))) expect(line).toMatch(/^\.(TH|SH|SS|TP|br|nf|fi)\b/);
  });

  it.skipIf(!hasGroff)("groff reads it without a warning", () => {
    const r = spawnSync("groff", ["-man", "-ww", "-z", PAGE], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });

  it.skipIf(!hasMan)("man -l renders it", () => {
    const r = spawnSync("man", ["-l", PAGE], { encoding: "utf8", env: { ...process.env, MANPAGER: "cat", PAGER: "cat", MANWIDTH: "80" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CRM\(1\)/);
    expect(r.stdout).toContain("crm report segments");
    expect(r.stdout).toContain("--no-pager");
  });
});

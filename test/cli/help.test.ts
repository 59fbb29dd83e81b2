// Help as a person asks for it: `crm help <group> <command>`, an unknown topic, a typo's suggestion.
import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/program.js";
import { run, tempDir, testIo } from "../helpers.js";

describe("crm help", () => {
  it("crm help report segments shows that command's help, as --help does", async () => {
    const dir = tempDir();
    const viaHelp = await run(dir, ["help", "report", "segments"]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toMatch(/^Usage: crm report segments/);
    expect(viaHelp.stdout).toBe((await run(dir, ["report", "segments", "--help"])).stdout);
    expect((await run(dir, ["help", "contact", "ls"])).stdout).toMatch(/^Usage: crm contact list/);
    expect((await run(dir, ["help"])).stdout).toMatch(/^Usage: crm \[options\] \[command\]/);
  });

  it("an unknown help topic is exit 2 with one line", async () => {
    const r = await run(tempDir(), ["help", "report", "nosuch"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('crm: no help topic "report nosuch" — see crm report --help for the commands there\n');
  });

  it.each([
    [["contct", "list"], "unknown command 'contct' — did you mean contact?"],
    [["contact", "list", "--tga", "x"], "unknown option '--tga' — did you mean --tag?"],
  ])("a typo (crm %j) gets its suggestion on the same line", async (args, line) => {
    const r = await run(tempDir(), args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`crm: ${line} (see --help)\n`);
  });
});

/** The help of `cmd` and of every command under it, by path. */
function helpTree(cmd: Command, path = ""): Map<string, string> {
  const found = new Map([[path, cmd.helpInformation()]]);
  for (const sub of cmd.commands) for (const [p, help] of helpTree(sub, `${path} ${sub.name()}`)) found.set(p, help);
  return found;
}

describe("a command line naming a noun declares that noun alone", () => {
  it("declares, for each word of the whole tree, the same commands, options and help", () => {
    const { io } = testIo();
    const full = buildProgram(io);
    for (const cmd of full.commands) {
      for (const word of [cmd.name(), ...cmd.aliases()]) {
        const partial = buildProgram(io, ["--db", "x.db", word, "--help"]);
        const same = partial.commands.find((c) => c.name() === cmd.name());
        expect(same, word).toBeDefined();
        expect(helpTree(same!), word).toEqual(helpTree(cmd));
      }
    }
    // The nouns alone, and the whole tree for help, completion and the manual page.
    expect(buildProgram(io, ["contact", "list"]).commands.length).toBeLessThan(10);
    expect(buildProgram(io, ["--version"]).commands.map((c) => c.name())).toEqual(["help"]);
    for (const argv of [["help", "contact"], ["completion", "bash"], ["__complete", "crm", "con"], ["__man"], ["--help"], ["--wide", "--bogus", "contact"], []])
      expect(
        buildProgram(io, argv).commands.map((c) => c.name()),
        argv.join(" "),
      ).toEqual(full.commands.map((c) => c.name()));
  });
});

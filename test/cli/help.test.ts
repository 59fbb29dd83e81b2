// Help as a person asks for it: `crm help <group> <command>`, an unknown topic, a typo's suggestion.
import { describe, expect, it } from "vitest";
import { run, tempDir } from "../helpers.js";

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

// The views on a real terminal with colour on: crm's own styling reaches the terminal as escape codes,
// never as the visible text "\u001b[…m", while control characters in the data are still shown escaped.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir, run, runOk, tempDir } from "../helpers.js";

const NOW = { CRM_NOW: "2026-03-02T09:00" };
const ON_A_TERMINAL = { tty: true, columns: 200, env: NOW };
/** What a terminal would show as text if crm escaped its own styling. */
const ESCAPED_STYLE = /\\u001b\[\d+(;\d+)*m/;
const REAL_STYLE = /\u001b\[\d+(;\d+)*m/;

/** Two contacts (one with a hostile name), an overdue follow-up, deals in two stages, purchases. */
const business = fixtureDir(async (dir) => {
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"], { env: NOW });
  await runOk(dir, ["add", "Evil \u001b[2J\u0007Name", "--email", "evil@example.com"], { env: NOW });
  await runOk(dir, ["followup", "add", "ada", "--due", "2026-02-20", "--note", "Send the proposal"], { env: NOW });
  await runOk(dir, ["deal", "add", "ada", "Website", "--amount", "5000", "--stage", "proposal", "--close", "2026-02-25"], { env: NOW });
  await runOk(dir, ["deal", "add", "evil@example.com", "Logo", "--amount", "800", "--stage", "lead", "--close", "2026-03-10"], { env: NOW });
  const csv = path.join(tempDir(), "p.csv");
  const rows = ["email,date,amount"];
  for (let i = 0; i < 12; i++)
    rows.push(`ada@example.com,2025-${String(1 + i).padStart(2, "0")}-10,${100 + i}.00`, `evil@example.com,2025-0${1 + (i % 3)}-0${1 + (i % 9)},20.00`);
  (await import("node:fs")).writeFileSync(csv, rows.join("\n") + "\n");
  await runOk(dir, ["import", "purchases", csv], { env: NOW });
});

describe("crm's own colours in bordered tables", () => {
  it.each([[["pipeline"]], [["report", "pipeline"]], [["report", "segments"]], [["report", "retention"]], [["followup", "list"]]])(
    "crm %j prints real escape codes, not their text",
    async (args) => {
      const r = await run(await business(), args, ON_A_TERMINAL);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(REAL_STYLE);
      expect(r.stdout).not.toMatch(ESCAPED_STYLE);
    },
  );

  it("crm find highlights the match with real escape codes", async () => {
    const r = await run(await business(), ["find", "proposal"], ON_A_TERMINAL);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("\u001b[1m\u001b[33mproposal\u001b[39m\u001b[22m");
    expect(r.stdout).not.toMatch(ESCAPED_STYLE);
  });

  it("still shows the data's own control characters escaped, in a coloured table", async () => {
    const r = await run(await business(), ["pipeline"], ON_A_TERMINAL);
    expect(r.stdout).toContain("Evil \\u001b[2J\\u0007Name");
    expect(r.stdout).not.toContain("\u001b[2J");
    expect(r.stdout).not.toContain("\u0007");
  });
});

describe("--color always on a pipe", () => {
  it("colours the plain table without moving a column: stripped of colour, it is the uncoloured table", async () => {
    const dir = await business();
    const coloured = await run(dir, ["pipeline", "--color", "always"], { env: NOW });
    const plain = await run(dir, ["pipeline", "--color", "never"], { env: NOW });
    expect(coloured.stdout).toMatch(REAL_STYLE);
    expect(plain.stdout).not.toMatch(REAL_STYLE);
    expect(coloured.stdout.replace(/\u001b\[\d+(;\d+)*m/g, "")).toBe(plain.stdout);
  });
});

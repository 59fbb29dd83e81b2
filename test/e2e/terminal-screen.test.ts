// The views on a real pseudo-terminal (util-linux `script`) with colour on, as a person sees them: tables
// fit $COLUMNS, CJK names, emoji and accents line up, the pager starts for output taller than the screen
// and never when piped.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import stringWidth from "string-width";
import { BIN, crm, fixtureDir, runOk, tempDir } from "../helpers.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;
const NOW = "2026-03-02T09:00";
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Runs `crm <args>` on a pseudo-terminal of `columns` × `lines`; the screen as it was printed. */
function onTerminal(db: string, args: string[], env: Record<string, string> = {}, columns = 60, lines = 40): Promise<{ code: number; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      CRM_DB: db,
      CRM_NOW: NOW,
      TERM: "xterm-256color",
      COLUMNS: String(columns),
      LINES: String(lines),
      CRM_PAGER: "",
      NO_COLOR: undefined,
      FORCE_COLOR: undefined,
      ...env,
    };
    for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env: childEnv as NodeJS.ProcessEnv });
    let screen = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out; screen so far:\n${screen}`));
    }, 20_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (screen += chunk));
    child.stdin.end();
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen: screen.replaceAll("\r\n", "\n") });
    });
  });
}

/** The lines a person sees: escape codes acted on (here: dropped), trailing line ends removed. */
const seen = (screen: string) => screen.replace(ESCAPES, "").replace(/\n+$/, "").split("\n");

/** People whose names take two columns a character, or none for an accent, and long companies. */
const people = fixtureDir(async (dir) => {
  const env = { env: { CRM_NOW: NOW } };
  await runOk(dir, ["add", "李小龍", "--email", "bruce@example.com", "--company", "功夫電影有限公司 Hong Kong Film Productions Limited"], env);
  await runOk(dir, ["add", "Zoe\u0301 Mu\u0308ller", "--email", "zoe@example.com", "--company", "Café Crème et Compagnie Société Anonyme"], env);
  await runOk(
    dir,
    ["add", "Sam 👨‍👩‍👧 Family", "--email", "sam.family.with.a.rather.long.address@example.com", "--tag", "client", "--tag", "friends-and-family"],
    env,
  );
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--phone", "+44 20 7946 0000", "--company", "Analytical Engines"], env);
  for (const who of ["李小龍", "ada", "Sam"])
    await runOk(dir, ["followup", "add", who, "--due", "2026-02-20", "--note", `Send ${who} the proposal we talked about last week at the fair`], env);
  await runOk(dir, ["deal", "add", "ada", "Website rebuild for the analytical engine department", "--amount", "12500", "--stage", "proposal"], env);
  await runOk(dir, ["deal", "add", "李小龍", "功夫 poster series", "--amount", "800", "--stage", "lead"], env);
});

/** The display column of every border character on a line. */
const borders = (line: string) => {
  const at: number[] = [];
  let column = 0;
  for (const ch of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(line)) {
    if (/[│┌┐└┘┬┴┼]/.test(ch.segment)) at.push(column);
    column += stringWidth(ch.segment);
  }
  return at;
};

describe.skipIf(!hasScript)("tables on a real terminal, colour on", () => {
  it.each([[["contact", "list"]], [["followup", "list"]], [["deal", "list"]], [["pipeline"]], [["today"]]])(
    "crm %j fits 60 columns, shows no escaped colour, and its borders line up",
    async (args) => {
      const db = path.join(await people(), "crm.db");
      const { code, screen } = await onTerminal(db, args);
      expect(code, screen).toBe(0);
      expect(screen).toMatch(/\u001b\[\d+m/); // colour is on
      expect(screen).not.toContain("\\u001b");
      for (const line of seen(screen)) expect(stringWidth(line), line).toBeLessThanOrEqual(60);
      const rows = seen(screen).filter((l) => l.startsWith("│"));
      if (args[0] !== "today" && args[0] !== "pipeline") {
        expect(rows.length).toBeGreaterThan(1);
        // No line between rows: every row of the body follows the one before.
        expect(seen(screen).filter((l) => l.startsWith("├"))).toEqual([]);
        for (const row of rows) expect(borders(row), row).toEqual(borders(rows[0]!));
      }
    },
  );

  it("shortens with … on a terminal, keeps the names whole, and --wide or a pipe shows everything", async () => {
    const db = path.join(await people(), "crm.db");
    const narrow = seen((await onTerminal(db, ["contact", "list"])).screen).join("\n");
    expect(narrow).toContain("…");
    for (const name of ["李小龍", "Zoe\u0301 Mu\u0308ller", "Ada Lovelace"]) expect(narrow).toContain(name);
    const wide = seen((await onTerminal(db, ["contact", "list", "--wide"])).screen).join("\n");
    expect(wide).toContain("功夫電影有限公司 Hong Kong Film Productions Limited");
    const piped = crm(db, ["contact", "list"], { env: { COLUMNS: "60" } }).stdout;
    expect(piped).toContain("sam.family.with.a.rather.long.address@example.com");
    expect(piped).not.toContain("…");
  });

  it("the plain table (piped) aligns CJK, combining accents and emoji by display width", () => {
    return people().then((dir) => {
      const lines = crm(path.join(dir, "crm.db"), ["contact", "list"]).stdout.trimEnd().split("\n");
      const emailAt = lines.map((l) => {
        const i = l.indexOf("@") < 0 ? l.indexOf("EMAIL") : l.lastIndexOf(" ", l.indexOf("@")) + 1;
        return stringWidth(l.slice(0, i));
      });
      expect(new Set(emailAt).size, lines.join("\n")).toBe(1);
    });
  });

  it("the agenda aligns CJK names with the others", async () => {
    const db = path.join(await people(), "crm.db");
    const lines = seen((await onTerminal(db, ["today"], {}, 100)).screen).filter((l) => l.includes("Send "));
    expect(lines.length).toBe(3);
    expect(new Set(lines.map((l) => stringWidth(l.slice(0, l.indexOf("Send "))))).size, lines.join("\n")).toBe(1);
  });
});

describe.skipIf(!hasScript)("the pager", () => {
  /** A pager that records what it was given, and says on the terminal that it ran. */
  function fakePager() {
    const dir = tempDir();
    const record = path.join(dir, "paged.txt");
    const pager = path.join(dir, "pager.sh");
    fs.writeFileSync(pager, `#!/bin/sh\necho PAGER-STARTED\ncat > '${record}'\n`, { mode: 0o755 });
    return { pager, record };
  }

  it("starts for output taller than the screen, with the whole output; not for short output", async () => {
    const db = path.join(await people(), "crm.db");
    const { pager, record } = fakePager();
    const tall = await onTerminal(db, ["contact", "list"], { CRM_PAGER: pager }, 60, 5);
    expect(tall.code, tall.screen).toBe(0);
    expect(tall.screen).toContain("PAGER-STARTED");
    const paged = fs.readFileSync(record, "utf8");
    for (const name of ["李小龍", "Ada Lovelace"]) expect(paged).toContain(name);
    expect(paged).toMatch(/\u001b\[\d+m/); // colour is kept for the pager (less -R shows it)
    fs.rmSync(record);
    const short = await onTerminal(db, ["contact", "list"], { CRM_PAGER: pager }, 60, 40);
    expect(short.screen).not.toContain("PAGER-STARTED");
    expect(short.screen).toContain("Ada Lovelace");
    expect(fs.existsSync(record)).toBe(false);
  });

  it("PAGER is used when CRM_PAGER is unset; --no-pager prints directly", async () => {
    const db = path.join(await people(), "crm.db");
    const { pager, record } = fakePager();
    const viaPager = await onTerminal(db, ["contact", "list"], { CRM_PAGER: undefined as unknown as string, PAGER: pager }, 60, 5);
    expect(viaPager.screen).toContain("PAGER-STARTED");
    fs.rmSync(record);
    const direct = await onTerminal(db, ["contact", "list", "--no-pager"], { CRM_PAGER: pager }, 60, 5);
    expect(direct.screen).not.toContain("PAGER-STARTED");
    expect(direct.screen).toContain("Ada Lovelace");
    expect(fs.existsSync(record)).toBe(false);
  });

  it("is never started when the output is piped", async () => {
    const db = path.join(await people(), "crm.db");
    const { pager, record } = fakePager();
    const r = crm(db, ["contact", "list"], { env: { CRM_PAGER: pager, LINES: "5" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Ada Lovelace");
    expect(fs.existsSync(record)).toBe(false);
  });

  it("a pager that cannot start means the output is printed directly", async () => {
    const db = path.join(await people(), "crm.db");
    const r = await onTerminal(db, ["contact", "list"], { CRM_PAGER: "/nonexistent/pager -x" }, 60, 5);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain("Ada Lovelace");
  });
});

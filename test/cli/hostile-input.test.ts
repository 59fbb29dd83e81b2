// Hostile input, in-process through main(argv, io): names with quotes, emoji, right-to-left text and 10,000 characters,
// NUL bytes and terminal escapes from an imported file, SQL metacharacters in every field. Stored
// verbatim, printed safely (table escapes what a terminal would obey; JSON and CSV are exact), and
// hostile arguments end in a one-line error with exit 2, 3 or 4 — never a crash or a stack trace.
// (Property-based tests of the same parsers: test/unit and test/integration hostile-*; a reader that goes
// away, `crm … | head`: test/e2e/pipes.test.ts.)
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDbDir, run, runJson } from "../helpers.js";

const NAMES = [
  `O'Brien "Bob" Smith`,
  "👩‍👩‍👧 Family Smiley 🙂",
  "שלום עולם",
  "مرحبا بالعالم",
  "Zoë Ñúñez-Ærøskøbing",
  '=HYPERLINK("http://evil","click")',
  "x".repeat(10_000),
];

/** Bytes a terminal would act on; tables and messages must not contain them. */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function expectNoCrash(r: { code: number; stderr: string }): void {
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected error|TypeError|RangeError/);
}

describe("names with quotes, emoji, right-to-left text and 10,000 characters", () => {
  it("are stored and printed intact as a table, JSON and CSV", async () => {
    const dir = freshDbDir();
    const ids: number[] = [];
    for (const name of NAMES) {
      const r = await run(dir, ["add", name]);
      expect(r.code, r.stderr).toBe(0);
      ids.push(Number(r.stdout.trim()));
    }
    const json = await runJson(dir, ["contact", "list", "--sort", "created"]);
    expect(json.map((c: { name: string }) => c.name)).toEqual(NAMES);

    const csv = await run(dir, ["contact", "list", "--sort", "created", "--format", "csv"]);
    const rows = parse(csv.stdout, { columns: true }) as { name: string }[];
    // A cell a spreadsheet would run as a formula is neutralised with a leading quote, nothing else changes.
    expect(rows.map((r) => r.name)).toEqual(NAMES.map((n) => (n.startsWith("=") ? `'${n}` : n)));

    const table = await run(dir, ["contact", "list", "--sort", "created"]);
    expect(table.code).toBe(0);
    for (const name of NAMES) expect(table.stdout).toContain(name);
    expect(table.stdout).not.toMatch(TERMINAL_CONTROLS);

    const long = await runJson(dir, ["contact", "show", String(ids[6])]);
    expect(long.contact.name).toHaveLength(10_000);
    expect((await run(dir, ["contact", "show", String(ids[6])])).stdout).toContain("x".repeat(10_000));
    // A name that long is still refused one character later, with exit 2.
    const tooLong = await run(dir, ["add", "y".repeat(10_001)]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toBe("crm: the name is longer than 10,000 characters\n");
  });
});

describe("NUL bytes and terminal escapes in an imported file", () => {
  const NAME = "Evil\u001b[2J\u001b]0;pwned\u0007 Name\u0000with NUL";
  const NOTE = "rtl \u202eesrever\u202c back \r overwrite";

  it("are stored verbatim, exported exactly, and printed escaped on a terminal", async () => {
    const dir = freshDbDir();
    const file = path.join(dir, "in.csv");
    fs.writeFileSync(file, `name,email,note\n"${NAME}",evil@example.com,"${NOTE}"\n`);
    const r = await run(dir, ["import", "contacts", file]);
    expect(r.code, r.stderr).toBe(0);

    const [stored] = await runJson(dir, ["contact", "list"]);
    expect(stored.name).toBe(NAME);
    expect(stored.note).toBe(NOTE.replace("\r", "\n"));

    for (const args of [
      ["contact", "list"],
      ["contact", "show", "1"],
      ["find", "evil"],
    ]) {
      const out = await run(dir, args);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout, args.join(" ")).not.toMatch(TERMINAL_CONTROLS);
      expect(out.stdout).toContain("Evil\\u001b[2J\\u001b]0;pwned\\u0007 Name\\u0000with NUL");
    }
    const logged = await run(dir, ["log", "1", "met them"]);
    expect(logged.code).toBe(0);
    expect(logged.stderr).not.toMatch(TERMINAL_CONTROLS);

    // Export then import into a fresh database: the same bytes come back.
    const exported = path.join(dir, "contacts.csv");
    expect((await run(dir, ["export", "contacts", "--format", "csv", "-o", exported])).code).toBe(0);
    const fresh = freshDbDir();
    expect((await run(fresh, ["import", "contacts", exported])).code).toBe(0);
    const [back] = await runJson(fresh, ["contact", "list"]);
    expect([back.name, back.note]).toEqual([stored.name, stored.note]);
  });
});

describe("SQL metacharacters", () => {
  const EVIL = `'; DROP TABLE contacts; -- "%_\\ OR 1=1 /* */ \`x\``;
  /** A --field key ends at its first "=" (key=value), so the key gets the rest. */
  const KEY = `key '; DROP TABLE contact_fields; -- "%_\\`;

  it("in every field of every kind of record are stored and read back verbatim", async () => {
    const dir = freshDbDir();
    const email = "o'brien%_x@example.com";
    const add = await run(dir, [
      "add",
      `Name ${EVIL}`,
      "--email",
      email,
      "--phone",
      `+1 ${EVIL}`,
      "--company",
      `Co ${EVIL}`,
      "--title",
      `T ${EVIL}`,
      "--note",
      `Note ${EVIL}`,
      "--source",
      `Src ${EVIL}`,
      "--tag",
      `tag '%_"`,
      "--field",
      `${KEY}=value ${EVIL}`,
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect((await run(dir, ["add", "Innocent Bystander"])).code).toBe(0);
    const id = add.stdout.trim();

    expect((await run(dir, ["log", email, `Summary ${EVIL}`])).code).toBe(0);
    expect((await run(dir, ["followup", "add", id, "--due", "2026-05-01", "--note", `Follow ${EVIL}`])).code).toBe(0);
    expect((await run(dir, ["deal", "add", id, `Deal ${EVIL}`, "--amount", "10"])).code).toBe(0);
    expect((await run(dir, ["purchase", "add", id, "5", "--note", `Bought ${EVIL}`, "--ref", `ref ${EVIL}`])).code).toBe(0);
    expect((await run(dir, ["survey", "create", `Survey ${EVIL}`, "--type", "nps"])).code).toBe(0);
    expect((await run(dir, ["survey", "respond", `Survey ${EVIL}`, id, "9", "--comment", `Comment ${EVIL}`])).code).toBe(0);

    const profile = await runJson(dir, ["contact", "show", id]);
    expect(profile.contact).toMatchObject({
      name: `Name ${EVIL}`,
      email,
      phone: `+1 ${EVIL}`,
      company: `Co ${EVIL}`,
      title: `T ${EVIL}`,
      note: `Note ${EVIL}`,
      source: `Src ${EVIL}`,
      tags: [`tag '%_"`],
      fields: { [KEY]: `value ${EVIL}` },
    });
    expect((await runJson(dir, ["log", "list"]))[0].summary).toBe(`Summary ${EVIL}`);
    expect((await runJson(dir, ["followup", "list"]))[0].note).toBe(`Follow ${EVIL}`);
    expect((await runJson(dir, ["deal", "show", "1"])).title).toBe(`Deal ${EVIL}`);
    const [purchase] = await runJson(dir, ["purchase", "list"]);
    expect([purchase.note, purchase.externalRef ?? purchase.ref]).toEqual([`Bought ${EVIL}`, `ref ${EVIL}`]);
    expect((await runJson(dir, ["survey", "results", `Survey ${EVIL}`])).comments[0].comment).toBe(`Comment ${EVIL}`);

    // Nothing was dropped, and LIKE wildcards match only themselves.
    expect(await runJson(dir, ["contact", "list"])).toHaveLength(2);
    expect((await runJson(dir, ["contact", "list", "--search", "%_"])).map((c: { id: number }) => String(c.id))).toEqual([id]);
    expect((await runJson(dir, ["contact", "show", "%"])).contact.name).toBe(`Name ${EVIL}`);
    expect((await runJson(dir, ["find", "DROP TABLE"])).length).toBeGreaterThan(0);
  });
});

describe("hostile arguments", () => {
  const LONG = "x".repeat(10_000);
  let dir = "";
  beforeAll(async () => {
    dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"]);
    await run(dir, ["survey", "create", "nps"]);
  });

  it.each([
    { what: "an empty name", args: ["add", ""], code: 2 },
    { what: "an email with two @", args: ["add", "x", "--email", "a@b@c"], code: 2 },
    { what: "a negative cadence", args: ["add", "x", "--cadence", "-1d"], code: 2 },
    { what: "SQL as a reference", args: ["contact", "show", "'; DROP TABLE contacts;--"], code: 3 },
    { what: "a LIKE wildcard as a reference", args: ["log", "%", "summary"], code: 3 },
    { what: "a 10,000-character date", args: ["followup", "add", "1", "--due", LONG], code: 2 },
    { what: "a date 99,999 years away", args: ["followup", "add", "1", "--due", "+99999y"], code: 2 },
    { what: "an amount in exponent form", args: ["purchase", "add", "1", "1e999"], code: 2 },
    { what: "an amount beyond 2^53 minor units", args: ["purchase", "add", "1", "99999999999999999999"], code: 2 },
    { what: "a negative amount with a symbol", args: ["deal", "add", "1", "t", "--amount", "€-5"], code: 2 },
    { what: "NaN as a probability", args: ["deal", "add", "1", "t", "--probability", "NaN"], code: 2 },
    { what: "an id in exponent form", args: ["deal", "show", "1e3"], code: 2 },
    { what: "a fractional score", args: ["survey", "respond", "nps", "1", "10.5"], code: 2 },
    { what: "a negative limit", args: ["contact", "list", "--limit", "-1"], code: 2 },
    { what: "an emoji interval", args: ["remind", "--within", "🙂"], code: 2 },
    { what: "an infinite horizon", args: ["report", "clv", "--horizon", "Infinity"], code: 2 },
    { what: "a right-to-left override in --as-of", args: ["contact", "list", "--as-of", "\u202e2026-01-01"], code: 2 },
  ] as const)("$what exits $code with one clear line", async ({ args, code }) => {
    const r = await run(dir, [...args]);
    expectNoCrash(r);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^crm: /);
    expect(r.stderr).not.toMatch(TERMINAL_CONTROLS);
  });
});

describe("invisible characters and escapes in what crm prints", () => {
  // Direction marks, line and paragraph separators and zero-width characters: invisible, or a line
  // break a table does not expect.
  const INVISIBLE = ["\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\u200b", "\u2060", "\ufeff"];

  it("are escaped in tables, while joiners inside emoji and words stay", async () => {
    const dir = freshDbDir();
    for (const [i, ch] of INVISIBLE.entries()) expect((await run(dir, ["add", `Name${i}${ch}End`])).code).toBe(0);
    expect((await run(dir, ["add", "👩‍👩‍👧 Family \u200d"])).code).toBe(0);
    const table = await run(dir, ["contact", "list", "--sort", "created"]);
    for (const [i, ch] of INVISIBLE.entries()) expect(table.stdout).toContain(`Name${i}\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}End`);
    expect(table.stdout).toContain("👩‍👩‍👧 Family \\u200d");
    // JSON keeps the data exact.
    expect((await runJson(dir, ["contact", "list", "--sort", "created"]))[0].name).toBe("Name0\u200eEnd");
  });

  it("unknown commands and options are quoted with their escapes shown, not obeyed", async () => {
    const dir = freshDbDir();
    for (const args of [["\u001b]0;pwned\u0007nope"], ["contact", "list", "--\u001b[2Jwipe"], ["\u202enope\u200f"]]) {
      const r = await run(dir, args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^crm: .*\\u(001b|202e)/);
      expect(r.stderr).not.toMatch(/[\u001b\u0007\u202e\u200f]/);
    }
  });
});

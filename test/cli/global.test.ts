// Global behaviour, in-process through main(argv, io): output formats, colour, exit codes, database
// location and refusal of files that are not crm databases.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fixtureDir, freshDbDir, run, runOk, sha256, tempDir } from "../helpers.js";

/** A database holding Ada Lovelace (ada@example.com). */
const withAda = fixtureDir(async (dir) => {
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
});

const ESC = "\x1b[";

describe("output", () => {
  it("prints a borderless, uncoloured table when stdout is not a terminal", async () => {
    const r = await run(await withAda(), ["contact", "list"]);
    expect(r.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+EMAIL/);
    expect(r.stdout).not.toMatch(/[│┌─]/);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).not.toContain("\t");
  });

  it("prints a box table when stdout is a terminal", async () => {
    const r = await run(await withAda(), ["contact", "list"], { tty: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^(\x1b\[\d+m)?┌/);
    expect(r.stdout).toMatch(/│.*Ada Lovelace.*│/);
  });

  it("writes CSV with a header and neutralises formula cells", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["add", '=HYPERLINK("http://x","y")']);
    const r = await run(dir, ["contact", "list", "--format", "csv"]);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trim().split("\n");
    expect(header).toMatch(/^id,name,email/);
    expect(row).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it("writes to -o instead of stdout", async () => {
    const dir = await withAda();
    const out = path.join(dir, "contacts.json");
    const r = await run(dir, ["contact", "list", "--format", "json", "-o", out]);
    expect(r.stdout).toBe("");
    expect(JSON.parse(fs.readFileSync(out, "utf8"))[0].name).toBe("Ada Lovelace");
  });

  it("rejects an unknown format and an unknown option with exit 2", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["contact", "list", "--format", "xml"])).code).toBe(2);
    const r = await run(dir, ["contact", "list", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");
  });
});

describe("colour", () => {
  it("is on when stdout is a terminal", async () => {
    const r = await run(await withAda(), ["contact", "show", "ada"], { tty: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(ESC);
  });

  it("is off on a terminal when NO_COLOR is set", async () => {
    const r = await run(await withAda(), ["contact", "show", "ada"], { tty: true, env: { NO_COLOR: "1" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Ada Lovelace");
    expect(r.stdout).not.toContain(ESC);
  });

  it("is off on a terminal with --no-color", async () => {
    const r = await run(await withAda(), ["contact", "show", "ada", "--no-color"], { tty: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Ada Lovelace");
    expect(r.stdout).not.toContain(ESC);
  });

  it("is off when stdout is not a terminal, even with NO_COLOR unset", async () => {
    const r = await run(await withAda(), ["contact", "show", "ada"]);
    expect(r.stdout).toContain("Ada Lovelace");
    expect(r.stdout).not.toContain(ESC);
  });
});

describe("exit codes and version", () => {
  it("--version prints the version and exits 0; no results is exit 0", async () => {
    const dir = freshDbDir();
    const v = await run(dir, ["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const r = await run(dir, ["contact", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("rejects an unreadable --as-of with exit 2", async () => {
    const r = await run(freshDbDir(), ["contact", "list", "--as-of", "the day after never"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--as-of");
  });
});

describe("database", () => {
  it("is created at the XDG data path with a 0700 directory and a 0600 file", async () => {
    const dir = tempDir();
    const r = await run(dir, ["add", "Ada"], { env: { CRM_DB: undefined, XDG_DATA_HOME: path.join(dir, "data") } });
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(dir, "data", "crm", "crm.db");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it("--db wins over CRM_DB", async () => {
    const dir = tempDir();
    const other = path.join(dir, "other.db");
    await runOk(dir, ["--db", other, "add", "Ada"]);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.existsSync(path.join(dir, "crm.db"))).toBe(false);
  });

  it("uses WAL mode and foreign keys", async () => {
    const dir = tempDir();
    await runOk(dir, ["add", "Ada"]);
    const db = new Database(path.join(dir, "crm.db"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it.each([
    ["random bytes", (f: string) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
    ["a text file", (f: string) => fs.writeFileSync(f, "name,email\nAda,ada@example.com\n")],
  ])("refuses %s with exit 5 and leaves it byte-for-byte untouched", async (_name, make) => {
    const dir = tempDir();
    const file = path.join(dir, "crm.db");
    make(file);
    const before = sha256(file);
    const r = await run(dir, ["contact", "list"]);
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(sha256(file)).toBe(before);
  });

  it("refuses an SQLite database that is not a crm database", async () => {
    const foreign = path.join(tempDir(), "foreign.db");
    const db = new Database(foreign);
    db.exec("create table notes(x)");
    db.close();
    const before = sha256(foreign);
    const r = await run(foreign, ["contact", "list"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("not a crm database");
    expect(sha256(foreign)).toBe(before);
  });

  it("refuses a crm database made by a newer crm", async () => {
    const dir = await withAda();
    const ours = path.join(dir, "crm.db");
    const w = new Database(ours);
    w.pragma("user_version = 999");
    w.close();
    const hash = sha256(ours);
    const newer = await run(dir, ["contact", "list"]);
    expect(newer.code).toBe(5);
    expect(newer.stderr).toContain("newer version");
    expect(sha256(ours)).toBe(hash);
  });
});

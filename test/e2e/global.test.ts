// Global behaviour through the built binary: output formats, colour, exit codes, database location
// and refusal of files that are not crm databases.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { crm, tempDir, sha256 } from "../helpers.js";

describe("output", () => {
  it("prints a borderless, uncoloured table when stdout is not a terminal", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const r = crm(dir, ["contact", "list"]);
    expect(r.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+EMAIL/);
    expect(r.stdout).not.toMatch(/[│┌─]/);
    expect(r.stdout).not.toContain("\x1b[");
    expect(r.stdout).not.toContain("\t");
  });

  it("writes CSV with a header and neutralises formula cells", () => {
    const dir = tempDir();
    crm(dir, ["add", '=HYPERLINK("http://x","y")']);
    const r = crm(dir, ["contact", "list", "--format", "csv"]);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trim().split("\n");
    expect(header).toMatch(/^id,name,email/);
    expect(row).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it("writes to -o instead of stdout", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const out = path.join(dir, "contacts.json");
    const r = crm(dir, ["contact", "list", "--format", "json", "-o", out]);
    expect(r.stdout).toBe("");
    expect(JSON.parse(fs.readFileSync(out, "utf8"))[0].name).toBe("Ada");
  });

  it("rejects an unknown format and an unknown option with exit 2", () => {
    const dir = tempDir();
    expect(crm(dir, ["contact", "list", "--format", "xml"]).code).toBe(2);
    const r = crm(dir, ["contact", "list", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");
  });

  it("uses no colour with NO_COLOR even when forced, and colour only on a TTY otherwise", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const r = crm(dir, ["contact", "show", "ada"], { env: { NO_COLOR: "1" } });
    expect(r.stdout).not.toContain("\x1b[");
  });
});

describe("exit codes and version", () => {
  it("--version prints the version and exits 0; no results is exit 0", () => {
    const dir = tempDir();
    const v = crm(dir, ["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const r = crm(dir, ["contact", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("rejects an unreadable --as-of with exit 2", () => {
    const dir = tempDir();
    const r = crm(dir, ["contact", "list", "--as-of", "the day after never"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--as-of");
  });
});

describe("database", () => {
  it("is created at the XDG data path with a 0700 directory and a 0600 file", () => {
    const dir = tempDir();
    const r = crm(dir, ["add", "Ada"], { env: { CRM_DB: undefined, XDG_DATA_HOME: path.join(dir, "data") } });
    expect(r.code).toBe(0);
    const file = path.join(dir, "data", "crm", "crm.db");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it("--db wins over CRM_DB", () => {
    const dir = tempDir();
    const other = path.join(dir, "other.db");
    crm(dir, ["--db", other, "add", "Ada"]);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.existsSync(path.join(dir, "crm.db"))).toBe(false);
  });

  it("uses WAL mode and foreign keys", async () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(path.join(dir, "crm.db"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it.each([
    ["random bytes", (f: string) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
    ["a text file", (f: string) => fs.writeFileSync(f, "name,email\nAda,ada@example.com\n")],
  ])("refuses %s with exit 5 and leaves it byte-for-byte untouched", (_name, make) => {
    const dir = tempDir();
    const file = path.join(dir, "crm.db");
    make(file);
    const before = sha256(file);
    const r = crm(dir, ["contact", "list"]);
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(sha256(file)).toBe(before);
  });

  it("refuses an SQLite database that is not a crm database, and one made by a newer crm", async () => {
    const { default: Database } = await import("better-sqlite3");
    const dir = tempDir();
    const foreign = path.join(dir, "foreign.db");
    const db = new Database(foreign);
    db.exec("create table notes(x)");
    db.close();
    const before = sha256(foreign);
    const r = crm(foreign, ["contact", "list"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("not a crm database");
    expect(sha256(foreign)).toBe(before);

    crm(dir, ["add", "Ada"]);
    const ours = path.join(dir, "crm.db");
    const w = new Database(ours);
    w.pragma("user_version = 999");
    w.close();
    const hash = sha256(ours);
    const newer = crm(dir, ["contact", "list"]);
    expect(newer.code).toBe(5);
    expect(newer.stderr).toContain("newer version");
    expect(sha256(ours)).toBe(hash);
  });
});

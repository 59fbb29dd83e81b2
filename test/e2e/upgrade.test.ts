// Upgrades: a database written by an older crm (one fixture per schema version in test/fixtures/db/)
// opens with the current binary, is migrated automatically after a copy of the old file is written
// beside it, and keeps every record; search finds the records that existed before the upgrade.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, crm, crmJson, tempDir } from "../helpers.js";
import journal from "../../drizzle/meta/_journal.json" with { type: "json" };

const FIXTURES = path.join(ROOT, "test", "fixtures", "db");
const CURRENT = journal.entries.length;
const APPLICATION_ID = 0x43524d31;
const fixtureVersions = fs
  .readdirSync(FIXTURES)
  .map((f) => /^schema-(\d+)\.db$/.exec(f)?.[1])
  .filter((v): v is string => v !== undefined)
  .map(Number)
  .sort((a, b) => a - b);
const older = fixtureVersions.filter((v) => v < CURRENT);

/** Every row of every table except the full-text index (which migrations may rebuild), as plain data. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'search_index%' order by name")
      .pluck()
      .all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`select * from "${t}" order by rowid`).all()]));
  } finally {
    db.close();
  }
}

function pragmas(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      version: db.pragma("user_version", { simple: true }) as number,
      applicationId: db.pragma("application_id", { simple: true }) as number,
      integrity: db.pragma("integrity_check", { simple: true }) as string,
      foreignKeyProblems: (db.pragma("foreign_key_check") as unknown[]).length,
      triggers: db.prepare("select count(*) n from sqlite_master where type = 'trigger'").pluck().get() as number,
      searchRows: (db.prepare("select count(*) from sqlite_master where name = 'search_index'").pluck().get() as number)
        ? (db.prepare("select count(*) from search_index").pluck().get() as number)
        : -1,
    };
  } finally {
    db.close();
  }
}

/** The full-text index's rows, or undefined when the database has none (schema 1). */
function searchRows(file: string): unknown[] | undefined {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (!db.prepare("select count(*) from sqlite_master where name = 'search_index'").pluck().get()) return undefined;
    return db.prepare("select rowid, kind, ref_id, contact_id, title, body from search_index order by rowid").all();
  } finally {
    db.close();
  }
}

/** A private copy of a fixture, as the user's database. */
function copyOf(version: number): { dir: string; db: string } {
  const dir = tempDir();
  const db = path.join(dir, "crm.db");
  fs.copyFileSync(path.join(FIXTURES, `schema-${version}.db`), db);
  fs.chmodSync(db, 0o600);
  return { dir, db };
}

/** Words that only one record of each searchable kind holds in the fixtures. */
const SEARCHABLE: [string, string][] = [
  ["nocturnal", "contact"],
  ["blueprint", "interaction"],
  ["narwhal", "deal"],
  ["axolotl", "deal"],
  ["quokka", "followup"],
  ["platypus", "response"],
];

describe("fixtures", () => {
  it(`exist for every schema version from 1 to the current one (${CURRENT}) — each new migration must add one`, () => {
    expect(fixtureVersions).toEqual(Array.from({ length: CURRENT }, (_, i) => i + 1));
    for (const v of fixtureVersions) expect(pragmas(path.join(FIXTURES, `schema-${v}.db`)).version).toBe(v);
  });
});

describe.each(older)("a database of schema %i", (version) => {
  it("is migrated on first use after a private copy of the old file is written beside it, keeping every record", () => {
    const { dir, db } = copyOf(version);
    const before = dump(db);
    const indexBefore = searchRows(db);
    expect(Object.values(before).some((rows) => rows.length > 0)).toBe(true);

    const r = crm(dir, ["contact", "list", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const backup = `${db}.schema-${version}.bak`;
    expect(r.stderr).toBe(`crm: upgrading the database schema ${version} → ${CURRENT}; a copy of the old one is at ${backup}\n`);
    expect(JSON.parse(r.stdout).map((c: { name: string }) => c.name).sort()).toEqual(["Ada Lovelace", "Grace Hopper", "Émile Zola"]);

    // The copy is the old database as it was, owner-only.
    expect((fs.statSync(backup).mode & 0o777).toString(8)).toBe("600");
    expect(pragmas(backup)).toMatchObject({ version, applicationId: APPLICATION_ID, integrity: "ok" });
    expect(dump(backup)).toEqual(before);

    // The database itself: current schema, sound, and every record of every table kept as it was.
    const after = pragmas(db);
    expect(after).toMatchObject({ version: CURRENT, applicationId: APPLICATION_ID, integrity: "ok", foreignKeyProblems: 0 });
    expect(after.triggers).toBeGreaterThanOrEqual(15);
    const now = dump(db);
    for (const [table, rows] of Object.entries(before)) expect(now[table], table).toEqual(rows);
    // An index the old database had is rebuilt to exactly what its triggers wrote.
    if (indexBefore) expect(searchRows(db)).toEqual(indexBefore);
    else expect(searchRows(db)!.length).toBeGreaterThan(0);

    // Opened again: nothing more to do, no second copy.
    const again = crm(dir, ["contact", "list"]);
    expect(again.stderr).toBe("");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".bak"))).toEqual([path.basename(backup)]);
  });

  it("finds the records that existed before the upgrade, and those added after", () => {
    const { dir } = copyOf(version);
    for (const [word, kind] of SEARCHABLE) {
      const hits = crmJson(dir, ["find", word]);
      expect(hits.map((h: { kind: string }) => h.kind), word).toEqual([kind]);
    }
    expect(crm(dir, ["add", "Zed Newcomer", "--note", "met at the wombat fair"]).code).toBe(0);
    expect(crmJson(dir, ["find", "wombat"]).map((h: { contactName: string }) => h.contactName)).toEqual(["Zed Newcomer"]);
    // The old records still read as a whole: a contact's profile and a deal's stage history.
    expect(crmJson(dir, ["contact", "show", "ada"]).contact.tags).toEqual(["client", "vip"]);
    expect(crmJson(dir, ["deal", "show", "1"]).history.map((h: { toStage: string }) => h.toStage)).toEqual(["lead", "proposal", "negotiation"]);
  });

  it("never overwrites the copy of an earlier upgrade: a second copy gets its own name", () => {
    const { dir, db } = copyOf(version);
    const earlier = `${db}.schema-${version}.bak`;
    fs.writeFileSync(earlier, "an earlier copy the user kept", { mode: 0o600 });
    const r = crm(dir, ["contact", "list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(earlier, "utf8")).toBe("an earlier copy the user kept");
    const copies = fs.readdirSync(dir).filter((f) => f.endsWith(".bak")).sort();
    expect(copies).toHaveLength(2);
    const second = path.join(dir, copies.find((f) => f !== path.basename(earlier))!);
    expect(r.stderr).toContain(`a copy of the old one is at ${second}`);
    expect(pragmas(second).version).toBe(version);
  });

  it("is migrated once when two crm processes open it at the same moment", async () => {
    const { dir, db } = copyOf(version);
    const before = dump(db);
    const run = (name: string) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, "add", name], { env: { ...process.env, CRM_DB: db, TZ: "UTC" }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
      });
    const results = await Promise.all([run("First Racer"), run("Second Racer")]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(pragmas(db)).toMatchObject({ version: CURRENT, integrity: "ok" });
    const after = dump(db);
    expect(after.contacts).toHaveLength(before.contacts!.length + 2);
    for (const [table, rows] of Object.entries(before)) if (table !== "contacts") expect(after[table], table).toEqual(rows);
    // One copy, of the old schema, and one message about it.
    const copies = fs.readdirSync(dir).filter((f) => f.endsWith(".bak"));
    expect(copies).toHaveLength(1);
    expect(pragmas(path.join(dir, copies[0]!)).version).toBe(version);
    expect(results.map((r) => r.stderr).join("").match(/upgrading the database/g)).toHaveLength(1);
  });
});

describe(`a database of the current schema (${CURRENT})`, () => {
  it("opens without a migration or a copy", () => {
    const { dir, db } = copyOf(CURRENT);
    const before = dump(db);
    const r = crm(dir, ["find", "platypus", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".bak"))).toEqual([]);
    expect(dump(db)).toEqual(before);
  });
});

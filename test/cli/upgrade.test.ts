// Upgrades: a database written by an older crm (one fixture per schema version in test/fixtures/db/)
// opens with the current binary, is migrated automatically after a copy of the old file is written
// beside it, and keeps every record; search finds the records that existed before the upgrade.
// In-process: the upgrade message must reach the Io's stderr.
// (Two processes upgrading at the same moment: test/e2e/upgrade.test.ts.)
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run, runJson } from "../helpers.js";
import { APPLICATION_ID, CURRENT, FIXTURES, copyOf, dump, fixtureVersions, inOldColumns, older, pragmas, searchRows } from "../fixtures/schemas.js";

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
  it(`exist for every schema version from 1 to the current one (${CURRENT}) — each new migration must add one`, async () => {
    expect(fixtureVersions).toEqual(Array.from({ length: CURRENT }, (_, i) => i + 1));
    for (const v of fixtureVersions) expect(pragmas(path.join(FIXTURES, `schema-${v}.db`)).version).toBe(v);
  });
});

describe.each(older)("a database of schema %i", (version) => {
  it("is migrated on first use after a private copy of the old file is written beside it, keeping every record", async () => {
    const { dir, db } = copyOf(version);
    const before = dump(db);
    const indexBefore = searchRows(db);
    expect(Object.values(before).some((rows) => rows.length > 0)).toBe(true);

    const r = await run(dir, ["contact", "list", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const backup = `${db}.schema-${version}.bak`;
    expect(r.stderr).toBe(`crm: upgrading the database schema ${version} → ${CURRENT}; a copy of the old one is at ${backup}\n`);
    expect(
      JSON.parse(r.stdout)
        .map((c: { name: string }) => c.name)
        .sort(),
    ).toEqual(["Ada Lovelace", "Grace Hopper", "Émile Zola"]);

    // The copy is the old database as it was, owner-only.
    expect((fs.statSync(backup).mode & 0o777).toString(8)).toBe("600");
    expect(pragmas(backup)).toMatchObject({ version, applicationId: APPLICATION_ID, integrity: "ok" });
    expect(dump(backup)).toEqual(before);

    // The database itself: current schema, sound, and every record of every table kept as it was.
    const after = pragmas(db);
    expect(after).toMatchObject({ version: CURRENT, applicationId: APPLICATION_ID, integrity: "ok", foreignKeyProblems: 0 });
    expect(after.triggers).toBeGreaterThanOrEqual(15);
    const now = dump(db);
    for (const [table, rows] of Object.entries(before)) expect(inOldColumns(now[table], rows), table).toEqual(rows);
    // An index the old database had is rebuilt to exactly what its triggers wrote.
    if (indexBefore) expect(searchRows(db)).toEqual(indexBefore);
    else expect(searchRows(db)!.length).toBeGreaterThan(0);

    // Opened again: nothing more to do, no second copy.
    const again = await run(dir, ["contact", "list"]);
    expect(again.stderr).toBe("");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".bak"))).toEqual([path.basename(backup)]);
  });

  it("finds the records that existed before the upgrade, and those added after", async () => {
    const { dir } = copyOf(version);
    for (const [word, kind] of SEARCHABLE) {
      const hits = await runJson(dir, ["find", word]);
      expect(
        hits.map((h: { kind: string }) => h.kind),
        word,
      ).toEqual([kind]);
    }
    expect((await run(dir, ["add", "Zed Newcomer", "--note", "met at the wombat fair"])).code).toBe(0);
    expect((await runJson(dir, ["find", "wombat"])).map((h: { contactName: string }) => h.contactName)).toEqual(["Zed Newcomer"]);
    // The old records still read as a whole: a contact's profile and a deal's stage history.
    expect((await runJson(dir, ["contact", "show", "ada"])).contact.tags).toEqual(["client", "vip"]);
    expect((await runJson(dir, ["deal", "show", "1"])).history.map((h: { toStage: string }) => h.toStage)).toEqual(["lead", "proposal", "negotiation"]);
  });

  it("never overwrites the copy of an earlier upgrade: a second copy gets its own name", async () => {
    const { dir, db } = copyOf(version);
    const earlier = `${db}.schema-${version}.bak`;
    fs.writeFileSync(earlier, "an earlier copy the user kept", { mode: 0o600 });
    const r = await run(dir, ["contact", "list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(earlier, "utf8")).toBe("an earlier copy the user kept");
    const copies = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".bak"))
      .sort();
    expect(copies).toHaveLength(2);
    const second = path.join(
      dir,
      copies.find((f) => f !== path.basename(earlier))!,
    );
    expect(r.stderr).toContain(`a copy of the old one is at ${second}`);
    expect(pragmas(second).version).toBe(version);
  });
});

describe(`a database of the current schema (${CURRENT})`, () => {
  it("opens without a migration or a copy", async () => {
    const { dir, db } = copyOf(CURRENT);
    const before = dump(db);
    const r = await run(dir, ["find", "platypus", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".bak"))).toEqual([]);
    expect(dump(db)).toEqual(before);
  });
});

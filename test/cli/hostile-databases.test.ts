// Databases changed by another program, made with SQLite itself: a trigger, table, view or index crm's
// migrations do not create — or the right application id and version with the wrong tables — is refused
// (exit 5, naming the object) by every command and by `crm restore`, before anything runs on it; the
// file is left as it was. `crm doctor` names what is wrong and `--repair` rebuilds what can be rebuilt.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runOk, sha256, tempDir } from "../helpers.js";
import { APPLICATION_ID, CURRENT } from "../fixtures/schemas.js";

async function withAda(): Promise<{ dir: string; db: string }> {
  const dir = freshDbDir();
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
  return { dir, db: path.join(dir, "crm.db") };
}

function tamper(db: string, sql: string): void {
  const conn = new Database(db);
  // Off better-sqlite3's defensive mode, as another program would be.
  conn.unsafeMode(true);
  conn.exec(sql);
  conn.pragma("wal_checkpoint(TRUNCATE)");
  conn.close();
}

const HOSTILE: [string, string, RegExp][] = [
  [
    "a trigger that deletes what is recorded",
    "create trigger evil after insert on purchases begin delete from purchases where id = new.id; end;",
    /has a trigger "evil" that crm does not create/,
  ],
  ["a hidden table", "create table stash(name text)", /has a table "stash" that crm does not create/],
  ["a view", "create view everyone as select * from contacts", /has a view "everyone" that crm does not create/],
  ["an index", "create index sneaky on contacts(phone)", /has an index "sneaky" that crm does not create/],
  [
    "one of crm's triggers redefined",
    "drop trigger contacts_ai; create trigger contacts_ai after insert on contacts begin insert into stash_elsewhere values (new.name); end;",
    /has a trigger "contacts_ai" that differs from the one crm creates/,
  ],
  ["a trigger calling load_extension()", "create trigger ext after insert on contacts begin select load_extension('/tmp/x.so'); end;", /has a trigger "ext"/],
];

describe("a database holding an object crm did not create", () => {
  it.each(HOSTILE)("%s: every command exits 5 naming it, and the file is left as it was", async (_what, sql, message) => {
    const { db } = await withAda();
    tamper(db, sql.replace("stash_elsewhere", "contacts"));
    const before = sha256(db);
    for (const args of [
      ["contact", "list"],
      ["add", "Bob"],
      ["purchase", "add", "ada@example.com", "10"],
      ["forget", "ada@example.com", "--yes"],
    ]) {
      const r = await run(db, args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(5);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(sha256(db)).toBe(before);
  });

  it("crm restore refuses a backup with a hidden trigger, naming it, and changes nothing", async () => {
    const { dir, db } = await withAda();
    const backup = path.join(tempDir(), "b.db");
    await runOk(dir, ["backup", backup]);
    tamper(backup, "create trigger steal after delete on contacts begin insert into settings values ('stolen', old.email); end;");
    const before = sha256(db);
    const r = await run(dir, ["restore", backup, "--yes"]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/has a trigger "steal" that crm does not create/);
    expect(sha256(db)).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes("restor"))).toEqual([]);
  });

  it("the right application id and version with the wrong tables is exit 5 naming what is missing", async () => {
    const db = path.join(tempDir(), "crm.db");
    const conn = new Database(db);
    conn.pragma(`application_id = ${APPLICATION_ID}`);
    conn.pragma(`user_version = ${CURRENT}`);
    conn.exec("create table people(name text)");
    conn.close();
    const before = sha256(db);
    for (const args of [
      ["contact", "list"],
      ["add", "Bob"],
    ]) {
      const r = await run(db, args);
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/"people" that crm does not create|lacks the table "contacts"/);
    }
    expect(sha256(db)).toBe(before);
  });
});

describe("crm doctor", () => {
  it("says ok for each check of a sound database, exit 0", async () => {
    const { dir } = await withAda();
    const r = await run(dir, ["doctor"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("schema: ok\nintegrity: ok\nforeign keys: ok\nsearch index: ok\n");
  });

  it("exits 3 where there is no database, and creates none", async () => {
    const db = path.join(tempDir(), "none", "crm.db");
    expect((await run(db, ["doctor"])).code).toBe(3);
    expect(fs.existsSync(path.dirname(db))).toBe(false);
  });

  it("names an object crm did not create, exit 5, and --repair leaves it to you", async () => {
    const { dir, db } = await withAda();
    tamper(db, HOSTILE[0]![1]);
    for (const args of [["doctor"], ["doctor", "--repair"]]) {
      const r = await run(dir, args);
      expect(r.code).toBe(5);
      expect(r.stdout).toMatch(/^schema: has a trigger "evil" that crm does not create$/m);
      expect(r.stderr).toContain("schema (");
    }
  });

  it("finds a damaged index page (which `crm add` does not notice) and --repair rebuilds it", async () => {
    const { dir, db } = await withAda();
    // Change Ada's email inside the email index's page only: the table still says ada@example.com.
    const conn = new Database(db);
    const root = conn.prepare("select rootpage from sqlite_master where name = 'contacts_email_idx'").pluck().get() as number;
    const pageSize = conn.pragma("page_size", { simple: true }) as number;
    conn.close();
    const bytes = fs.readFileSync(db);
    const page = bytes.subarray((root - 1) * pageSize, root * pageSize);
    const at = page.indexOf("ada@example.com");
    expect(at).toBeGreaterThan(0);
    page[at] = "b".charCodeAt(0);
    fs.writeFileSync(db, bytes);

    expect((await run(dir, ["add", "Bob"])).code).toBe(0);
    const r = await run(dir, ["doctor"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^integrity: .*contacts_email_idx/m);
    expect(r.stderr).toContain("crm doctor --repair");

    const repaired = await run(dir, ["doctor", "--repair"]);
    expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
    expect(repaired.stderr).toContain("rebuilt: indexes");
    expect((await run(dir, ["doctor"])).code).toBe(0);
    expect(await runOk(dir, ["contact", "show", "ada@example.com", "--format", "json"])).toContain("Ada Lovelace");
  });

  it("finds a search index that no longer matches its content, and --repair rebuilds it", async () => {
    const { dir, db } = await withAda();
    tamper(db, "delete from search_index_data where id > 10");
    const r = await run(dir, ["doctor"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^search index: the search index does not match/m);
    expect((await run(dir, ["doctor", "--repair"])).code).toBe(0);
    expect(await runOk(dir, ["find", "lovelace", "--format", "json"])).toContain("Ada Lovelace");
  });
});

// Owning your data: `crm backup` (online backup, consistent while another process writes),
// `crm restore` (checks the file first, keeps the replaced database, handles -wal files) and
// `crm forget` (after which the database file's bytes hold nothing of the person), in-process. A backup
// while another process writes: test/e2e/backup.test.ts.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runJson, sha256, tempDir } from "../helpers.js";
import { PERSON, bytesOf, personToForget, traces } from "../fixtures/person-to-forget.js";

const names = async (db: string) => (await runJson(db, ["contact", "list"])).map((c: any) => c.name);

function readonly<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe("crm backup", () => {
  it("writes a timestamped, owner-only crm database beside the database and prints its path", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "client"]);
    const r = await run(dir, ["backup"]);
    expect(r.code, r.stderr).toBe(0);
    const file = r.stdout.trim();
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^crm-backup-\d{8}-\d{6}\.db$/);
    expect(r.stderr).toContain(`backed up 1 contact`);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    // A self-contained file: no -wal beside it, and crm opens it as a database of its own.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(readonly(file, (db) => db.pragma("application_id", { simple: true }))).toBe(0x43524d31);
    expect(await runJson(file, ["contact", "list"])).toEqual(await runJson(dir, ["contact", "list"]));
  });

  it("refuses to overwrite a file (exit 4) unless --force", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    const file = path.join(dir, "copy.db");
    expect((await run(dir, ["backup", file])).code).toBe(0);
    await run(dir, ["add", "Bob"]);
    const again = await run(dir, ["backup", file]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("already exists");
    expect(await names(file)).toEqual(["Ada"]);
    expect((await run(dir, ["backup", file, "--force"])).code).toBe(0);
    expect(await names(file)).toEqual(["Ada", "Bob"]);
    expect((await run(dir, ["backup", path.join(dir, "crm.db")])).code).toBe(2);
    expect((await run(dir, ["backup", path.join(dir, "no", "such", "dir.db")])).code).toBe(2);
  });
});

describe("crm restore", () => {
  it("replaces the database with a backup after --yes, keeping the replaced one", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    const backup = (await run(dir, ["backup"])).stdout.trim();
    await run(dir, ["add", "Bob"]);
    const refused = await run(dir, ["restore", backup]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Replace the database .* \(2 contacts\) with .* \(1 contact\).*pass --yes/);
    expect(await names(dir)).toEqual(["Ada", "Bob"]);

    const r = await run(dir, ["restore", backup, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await names(dir)).toEqual(["Ada"]);
    const kept = /kept at (.+)$/m.exec(r.stderr)![1]!;
    expect(path.basename(kept)).toMatch(/^crm-before-restore-\d{8}-\d{6}\.db$/);
    expect(await names(kept)).toEqual(["Ada", "Bob"]);
    expect((fs.statSync(kept).mode & 0o777).toString(8)).toBe("600");
    // Still a WAL database that crm writes to as before.
    expect(readonly(path.join(dir, "crm.db"), (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
    expect((await run(dir, ["add", "Cy"])).code).toBe(0);
    expect(await names(dir)).toEqual(["Ada", "Cy"]);
    expect(fs.readdirSync(dir).filter((f) => f.includes("restoring"))).toEqual([]);
  });

  it("checks the file first: not SQLite, another application's database, a newer schema, a missing file — and changes nothing", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const junk = path.join(dir, "junk.db");
    fs.writeFileSync(junk, "this is not a database\n".repeat(100));
    const other = path.join(dir, "other.db");
    new Database(other).exec("create table notes(x); insert into notes values (1)");
    const newer = path.join(dir, "newer.db");
    await run(newer, ["add", "Future"]);
    const n = new Database(newer);
    n.pragma("user_version = 999");
    n.close();
    for (const [file, code, message] of [
      [junk, 5, /not a crm database \(not an SQLite file\).*crm backup/],
      [other, 5, /an SQLite database but not a crm database/],
      [newer, 5, /made by a newer version of crm \(schema 999/],
      [path.join(dir, "missing.db"), 2, /no such file/],
    ] as const) {
      const r = await run(dir, ["restore", file, "--yes"]);
      expect(r.code, file).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(sha256(db)).toBe(before);
    }
    expect(fs.readdirSync(dir).filter((f) => f.includes("before-restore") || f.includes("restoring"))).toEqual([]);
  });

  it("takes a copy made with its -wal file (committed rows only in the WAL are restored)", async () => {
    const dir = freshDbDir();
    const live = path.join(dir, "live.db");
    await run(live, ["add", "In the main file"]);
    const writer = new Database(live);
    writer.pragma("wal_autocheckpoint = 0");
    writer.prepare("insert into contacts(name, created_at, updated_at) values ('Only in the WAL', 'x', 'x')").run();
    const copy = path.join(dir, "copy.db");
    fs.copyFileSync(live, copy);
    fs.copyFileSync(`${live}-wal`, `${copy}-wal`);
    writer.close();

    await run(dir, ["add", "Current"]);
    const r = await run(dir, ["restore", copy, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await names(dir)).toEqual(["In the main file", "Only in the WAL"]);
    // The source copy is left as it was.
    expect(fs.existsSync(`${copy}-wal`)).toBe(true);
  });

  it("restores into a database path that does not exist yet", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    const backup = (await run(dir, ["backup"])).stdout.trim();
    const fresh = path.join(tempDir(), "sub", "crm.db");
    const r = await run(fresh, ["restore", backup, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("kept at");
    expect(await names(fresh)).toEqual(["Ada"]);
  });
});

describe("crm forget", () => {
  it("needs --yes in a script", async () => {
    const dir = await personToForget();
    const r = await run(dir, ["forget", PERSON.email]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pass --yes");
    expect(await names(dir)).toContain(PERSON.name);
  });

  it("leaves no trace of the person in any table or in the database file's bytes; aggregates stay anonymous", async () => {
    const dir = await personToForget();
    // The test would prove nothing if the traces were not there to begin with.
    const before = bytesOf(dir);
    for (const t of traces()) expect(before.includes(Buffer.from(t)), t).toBe(true);

    const r = await run(dir, ["forget", PERSON.email, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`erased contact #1: 1 interaction, 1 follow-up, 1 deal; 1 purchase and 1 survey answer kept anonymously`);
    for (const t of traces()) expect(r.stderr, t).not.toContain(t);

    const after = bytesOf(dir);
    for (const t of traces()) expect(after.includes(Buffer.from(t)), `"${t}" is still in the database file`).toBe(false);
    // Nor in lower case (the full-text index stores folded tokens).
    const lower = after.toString("latin1").toLowerCase();
    for (const t of ["zebulon", "marchetti", "windmills", "quixotic", "donkey", "sancho"]) expect(lower.includes(t), t).toBe(false);

    const db = new Database(path.join(dir, "crm.db"), { readonly: true });
    try {
      expect(db.prepare("select count(*) n from contacts where id = 1").get()).toEqual({ n: 0 });
      for (const table of ["contact_fields", "contact_tags", "interactions", "followups", "deals"])
        expect(db.prepare(`select count(*) n from ${table} where contact_id = 1`).get(), table).toEqual({ n: 0 });
      expect(db.prepare("select count(*) n from deal_stage_changes").get()).toEqual({ n: 0 });
      expect(db.prepare("select contact_id, amount_minor, currency, note, external_ref, deal_id from purchases order by id").all()).toEqual([
        { contact_id: null, amount_minor: 12000, currency: "EUR", note: null, external_ref: null, deal_id: null },
        { contact_id: 2, amount_minor: 8000, currency: "EUR", note: "other purchase", external_ref: "o-2", deal_id: null },
      ]);
      expect(db.prepare("select contact_id, score, comment from responses order by id").all()).toEqual([
        { contact_id: null, score: 3, comment: null },
        { contact_id: 2, score: 10, comment: "great" },
      ]);
      expect(db.prepare("select name from tags order by name").pluck().all()).toEqual(["client"]);
      expect(db.prepare("select count(*) n from search_index where contact_id = 1").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    // Everyone else is untouched, and search finds nothing of the person.
    expect((await runJson(dir, ["contact", "list"])).map((c: any) => [c.name, c.note, c.tags])).toEqual([["Other Person", "keep me", ["client"]]]);
    expect(await runJson(dir, ["find", "zebulon"])).toEqual([]);
    expect(await runJson(dir, ["find", "windmills"])).toEqual([]);
    expect((await run(dir, ["contact", "show", PERSON.email])).code).toBe(3);
  });

  it("while another connection (another crm process, say) has the database open: warns, and leaves no trace once it has closed it", async () => {
    const dir = await personToForget();
    const file = path.join(dir, "crm.db");
    // Recent changes only in the WAL, and a reader holding a snapshot that keeps the WAL from being reset.
    expect((await run(dir, ["log", PERSON.email, `Second call ${PERSON.summary}`])).code).toBe(0);
    const reader = new Database(file);
    reader.exec("BEGIN");
    reader.prepare("select count(*) from contacts").get();
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(dir, ["forget", PERSON.email, "--yes"], { env: { CRM_BUSY_TIMEOUT_MS: "300" } });
    } finally {
      reader.exec("COMMIT");
      reader.close();
    }
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "warning: another crm process has the database open: the file's clean-up (its write-ahead log may still hold old pages) is finished by the next crm command once that process ends",
    );
    // The last connection to close checkpoints the WAL and removes it.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const after = bytesOf(dir);
    for (const t of traces()) expect(after.includes(Buffer.from(t)), `"${t}" is still in the database file`).toBe(false);
    expect(await runJson(dir, ["find", "quixotic"])).toEqual([]);
  });

  it("locked by another writer past the timeout: exit 5, and nothing of the person was erased", async () => {
    const dir = await personToForget();
    const other = new Database(path.join(dir, "crm.db"));
    other.exec("BEGIN IMMEDIATE");
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(dir, ["forget", PERSON.email, "--yes"], { env: { CRM_BUSY_TIMEOUT_MS: "200" } });
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain("locked by another process");
    const shown = await runJson(dir, ["contact", "show", PERSON.email]);
    expect(JSON.stringify(shown)).toContain(PERSON.summary);
  });

  it("warns that backups beside the database still hold the person", async () => {
    const dir = await personToForget();
    const backup = (await run(dir, ["backup"])).stdout.trim();
    const r = await run(dir, ["forget", PERSON.email, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: 1 copy beside the database may still hold their data (delete them with --purge-copies, or re-make them): ${backup}`);
  });

  it("--purge-copies deletes every copy crm made beside the database: backups, before-restore and pre-upgrade copies", async () => {
    const dir = await personToForget();
    const backup = (await run(dir, ["backup"])).stdout.trim();
    const before = path.join(dir, "crm-before-restore-20260101-000000.db");
    const upgrade = path.join(dir, "crm.db.schema-3.bak");
    fs.copyFileSync(backup, before);
    fs.copyFileSync(backup, upgrade);
    const mine = path.join(dir, "mine.db");
    fs.copyFileSync(backup, mine);
    const r = await run(dir, ["forget", PERSON.email, "--yes", "--purge-copies"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("deleted 3 copies beside the database");
    for (const f of [backup, before, upgrade]) expect(fs.existsSync(f), f).toBe(false);
    // A file crm did not make is not crm's to delete.
    expect(fs.existsSync(mine)).toBe(true);
  });
});

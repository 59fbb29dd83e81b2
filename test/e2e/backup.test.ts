// Owning your data: `crm backup` (online backup, consistent while another process writes),
// `crm restore` (checks the file first, keeps the replaced database, handles -wal files) and
// `crm forget` (after which the database file's bytes hold nothing of the person).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { crm, crmJson, tempDir, sha256, ROOT } from "../helpers.js";

const names = (db: string) => crmJson(db, ["contact", "list"]).map((c: any) => c.name);

function readonly<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe("crm backup", () => {
  it("writes a timestamped, owner-only crm database beside the database and prints its path", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "client"]);
    const r = crm(dir, ["backup"]);
    expect(r.code, r.stderr).toBe(0);
    const file = r.stdout.trim();
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^crm-backup-\d{8}-\d{6}\.db$/);
    expect(r.stderr).toContain(`backed up 1 contact`);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    // A self-contained file: no -wal beside it, and crm opens it as a database of its own.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(readonly(file, (db) => db.pragma("application_id", { simple: true }))).toBe(0x43524d31);
    expect(crmJson(file, ["contact", "list"])).toEqual(crmJson(dir, ["contact", "list"]));
  });

  it("refuses to overwrite a file (exit 4) unless --force", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const file = path.join(dir, "copy.db");
    expect(crm(dir, ["backup", file]).code).toBe(0);
    crm(dir, ["add", "Bob"]);
    const again = crm(dir, ["backup", file]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("already exists");
    expect(names(file)).toEqual(["Ada"]);
    expect(crm(dir, ["backup", file, "--force"]).code).toBe(0);
    expect(names(file)).toEqual(["Ada", "Bob"]);
    expect(crm(dir, ["backup", path.join(dir, "crm.db")]).code).toBe(2);
    expect(crm(dir, ["backup", path.join(dir, "no", "such", "dir.db")]).code).toBe(2);
  });

  it("is one consistent snapshot while another process keeps writing", async () => {
    const dir = tempDir();
    const db = path.join(dir, "crm.db");
    crm(dir, ["add", "Seed"]);
    // The writer adds contacts two at a time, in one transaction each: a consistent copy has an odd count.
    const writer = spawn(
      process.execPath,
      [
        "-e",
        `const D = require(${JSON.stringify(path.join(ROOT, "node_modules", "better-sqlite3"))});
         const db = new D(${JSON.stringify(db)}); db.pragma("busy_timeout = 5000");
         const ins = db.prepare("insert into contacts(name, note, created_at, updated_at) values (?, ?, 'x', 'x')");
         const pair = db.transaction((i) => { ins.run("A" + i, "x".repeat(2000)); ins.run("B" + i, "y".repeat(2000)); });
         const end = Date.now() + 2500; let i = 0; while (Date.now() < end) pair(i++);
         process.stdout.write(String(i));`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const done = new Promise<number>((resolve) => {
      let out = "";
      writer.stdout.on("data", (d) => (out += d));
      writer.on("close", () => resolve(Number(out)));
    });
    await new Promise((r) => setTimeout(r, 300));
    const counts: number[] = [];
    for (let k = 0; k < 3; k++) {
      const file = path.join(dir, `snap${k}.db`);
      const r = crm(dir, ["backup", file]);
      expect(r.code, r.stderr).toBe(0);
      counts.push(
        readonly(file, (b) => {
          expect(b.pragma("integrity_check", { simple: true })).toBe("ok");
          return (b.prepare("select count(*) n from contacts").get() as { n: number }).n;
        }),
      );
    }
    const pairs = await done;
    expect(pairs).toBeGreaterThan(0);
    for (const n of counts) expect(n % 2).toBe(1);
    expect(counts.some((n) => n > 1)).toBe(true);
  });
});

describe("crm restore", () => {
  it("replaces the database with a backup after --yes, keeping the replaced one", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const backup = crm(dir, ["backup"]).stdout.trim();
    crm(dir, ["add", "Bob"]);
    const refused = crm(dir, ["restore", backup]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Replace the database .* \(2 contacts\) with .* \(1 contact\).*pass --yes/);
    expect(names(dir)).toEqual(["Ada", "Bob"]);

    const r = crm(dir, ["restore", backup, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(names(dir)).toEqual(["Ada"]);
    const kept = /kept at (.+)$/m.exec(r.stderr)![1]!;
    expect(path.basename(kept)).toMatch(/^crm-before-restore-\d{8}-\d{6}\.db$/);
    expect(names(kept)).toEqual(["Ada", "Bob"]);
    expect((fs.statSync(kept).mode & 0o777).toString(8)).toBe("600");
    // Still a WAL database that crm writes to as before.
    expect(readonly(path.join(dir, "crm.db"), (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
    expect(crm(dir, ["add", "Cy"]).code).toBe(0);
    expect(names(dir)).toEqual(["Ada", "Cy"]);
    expect(fs.readdirSync(dir).filter((f) => f.includes("restoring"))).toEqual([]);
  });

  it("checks the file first: not SQLite, another application's database, a newer schema, a missing file — and changes nothing", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const junk = path.join(dir, "junk.db");
    fs.writeFileSync(junk, "this is not a database\n".repeat(100));
    const other = path.join(dir, "other.db");
    new Database(other).exec("create table notes(x); insert into notes values (1)");
    const newer = path.join(dir, "newer.db");
    crm(newer, ["add", "Future"]);
    const n = new Database(newer);
    n.pragma("user_version = 999");
    n.close();
    for (const [file, code, message] of [
      [junk, 5, /not a crm database \(not an SQLite file\).*crm backup/],
      [other, 5, /an SQLite database but not a crm database/],
      [newer, 5, /made by a newer version of crm \(schema 999/],
      [path.join(dir, "missing.db"), 2, /no such file/],
    ] as const) {
      const r = crm(dir, ["restore", file, "--yes"]);
      expect(r.code, file).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(sha256(db)).toBe(before);
    }
    expect(fs.readdirSync(dir).filter((f) => f.includes("before-restore") || f.includes("restoring"))).toEqual([]);
  });

  it("takes a copy made with its -wal file (committed rows only in the WAL are restored)", () => {
    const dir = tempDir();
    const live = path.join(dir, "live.db");
    crm(live, ["add", "In the main file"]);
    const writer = new Database(live);
    writer.pragma("wal_autocheckpoint = 0");
    writer.prepare("insert into contacts(name, created_at, updated_at) values ('Only in the WAL', 'x', 'x')").run();
    const copy = path.join(dir, "copy.db");
    fs.copyFileSync(live, copy);
    fs.copyFileSync(`${live}-wal`, `${copy}-wal`);
    writer.close();

    crm(dir, ["add", "Current"]);
    const r = crm(dir, ["restore", copy, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(names(dir)).toEqual(["In the main file", "Only in the WAL"]);
    // The source copy is left as it was.
    expect(fs.existsSync(`${copy}-wal`)).toBe(true);
  });

  it("restores into a database path that does not exist yet", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    const backup = crm(dir, ["backup"]).stdout.trim();
    const fresh = path.join(tempDir(), "sub", "crm.db");
    const r = crm(fresh, ["restore", backup, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("kept at");
    expect(names(fresh)).toEqual(["Ada"]);
  });
});

describe("crm forget", () => {
  const PERSON = {
    name: "Zebulon Quixote-Marchetti",
    email: "zebulon.q@quixote.example",
    phone: "+1 555 867 5309",
    note: "Allergic to windmills zq-note",
    summary: "Discussed the quixotic tilting zq-summary",
    deal: "Windmill repair zq-deal",
    followup: "Ask about the donkey zq-followup",
    purchaseNote: "Lance polish zq-purchase",
    comment: "Sancho was rude zq-comment",
    tag: "zq-family",
    field: "zq-secret-field",
  };

  function populated(): string {
    const dir = tempDir();
    expect(crm(dir, ["add", PERSON.name, "--email", PERSON.email, "--phone", PERSON.phone, "--note", PERSON.note, "--tag", PERSON.tag, "--tag", "client", "--field", `code=${PERSON.field}`]).code).toBe(0);
    crm(dir, ["add", "Other Person", "--email", "other@example.com", "--tag", "client", "--note", "keep me"]);
    crm(dir, ["log", PERSON.email, PERSON.summary, "--type", "call"]);
    crm(dir, ["log", "other@example.com", "Other summary"]);
    const purchases = path.join(dir, "p.csv");
    fs.writeFileSync(purchases, `email,date,amount,note,order\n${PERSON.email},2026-01-05,120.00,${PERSON.purchaseNote},zq-order-1\nother@example.com,2026-01-06,80.00,other purchase,o-2\n`);
    expect(crm(dir, ["import", "purchases", purchases, "--map", "order=external_id"]).code).toBe(0);
    const db = new Database(path.join(dir, "crm.db"));
    db.exec(`
      insert into deals(contact_id, title, amount_minor, currency, stage, created_at, updated_at) values (1, '${PERSON.deal}', 500000, 'EUR', 'proposal', 'x', 'x');
      insert into deal_stage_changes(deal_id, from_stage, to_stage, at) values (1, null, 'proposal', 'x');
      insert into followups(contact_id, deal_id, due_at, note, status, created_at, updated_at) values (1, 1, '2026-03-01', '${PERSON.followup}', 'open', 'x', 'x');
      insert into surveys(name, type, created_at) values ('NPS', 'nps', 'x');
      insert into responses(survey_id, contact_id, score, comment, at, created_at) values (1, 1, 3, '${PERSON.comment}', '2026-02-01T00:00:00.000Z', 'x');
      insert into responses(survey_id, contact_id, score, comment, at, created_at) values (1, 2, 10, 'great', '2026-02-02T00:00:00.000Z', 'x');
    `);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    return dir;
  }

  /** Everything that was typed about the person, as it could appear in the file's bytes. */
  const traces = () => [
    PERSON.name, "Zebulon", "Quixote-Marchetti", PERSON.email, "quixote.example", PERSON.phone, "867 5309", PERSON.note, "zq-note",
    PERSON.summary, "zq-summary", PERSON.deal, "zq-deal", PERSON.followup, "zq-followup", PERSON.purchaseNote, "zq-purchase", "zq-order-1",
    PERSON.comment, "zq-comment", PERSON.tag, PERSON.field,
  ];

  function bytesOf(dir: string): Buffer {
    const file = path.join(dir, "crm.db");
    const parts = [fs.readFileSync(file)];
    if (fs.existsSync(`${file}-wal`)) parts.push(fs.readFileSync(`${file}-wal`));
    return Buffer.concat(parts);
  }

  it("needs --yes in a script", () => {
    const dir = populated();
    const r = crm(dir, ["forget", PERSON.email]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pass --yes");
    expect(names(dir)).toContain(PERSON.name);
  });

  it("leaves no trace of the person in any table or in the database file's bytes; aggregates stay anonymous", () => {
    const dir = populated();
    // The test would prove nothing if the traces were not there to begin with.
    const before = bytesOf(dir);
    for (const t of traces()) expect(before.includes(Buffer.from(t)), t).toBe(true);

    const r = crm(dir, ["forget", PERSON.email, "--yes"]);
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
    expect(crmJson(dir, ["contact", "list"]).map((c: any) => [c.name, c.note, c.tags])).toEqual([["Other Person", "keep me", ["client"]]]);
    expect(crmJson(dir, ["find", "zebulon"])).toEqual([]);
    expect(crmJson(dir, ["find", "windmills"])).toEqual([]);
    expect(crm(dir, ["contact", "show", PERSON.email]).code).toBe(3);
  });

  it("while another process has the database open: warns, and leaves no trace once that process has closed it", () => {
    const dir = populated();
    const file = path.join(dir, "crm.db");
    // Recent changes only in the WAL, and a reader holding a snapshot that keeps the WAL from being reset.
    expect(crm(dir, ["log", PERSON.email, `Second call ${PERSON.summary}`]).code).toBe(0);
    const reader = new Database(file);
    reader.exec("BEGIN");
    reader.prepare("select count(*) from contacts").get();
    let r: ReturnType<typeof crm>;
    try {
      r = crm(dir, ["forget", PERSON.email, "--yes"], { env: { CRM_BUSY_TIMEOUT_MS: "300" } });
    } finally {
      reader.exec("COMMIT");
      reader.close();
    }
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: another crm process has the database open: its write-ahead log (which may still hold old pages) is emptied when that process ends");
    // The last connection to close checkpoints the WAL and removes it.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const after = bytesOf(dir);
    for (const t of traces()) expect(after.includes(Buffer.from(t)), `"${t}" is still in the database file`).toBe(false);
    expect(crmJson(dir, ["find", "quixotic"])).toEqual([]);
  });

  it("warns that backups beside the database still hold the person", () => {
    const dir = populated();
    const backup = crm(dir, ["backup"]).stdout.trim();
    const r = crm(dir, ["forget", PERSON.email, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: 1 copy beside the database may still hold their data (erase or re-make them): ${backup}`);
  });
});

// Privacy: every file crm writes holds personal data and is readable by its owner only (0600), even
// under a permissive umask and where an older, more open file stood; and stderr — which ends up in
// logs and cron mail — carries no personal data: commands for scripts and cron name nobody, commands
// that act on one contact name them at most (never their email, phone, notes or what was said), and
// `crm forget` says only the number. (`crm forget` leaving no trace: test/cli/backup.test.ts.)
// In-process through runSeen, which also sees whatever reaches the process's own stdout and stderr
// around the Io; test/e2e/privacy.test.ts checks the real process's stderr for the cron commands.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fixtureDir, runSeen } from "../helpers.js";
import { CONTENT, NAME_PARTS, PERSON, privacyFixture } from "../fixtures/person-with-secrets.js";

function mode(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8);
}

const populated = fixtureDir(privacyFixture);
const NOW = { CRM_NOW: "2026-03-02T10:00:00Z" };

describe("files crm writes are owner-only", () => {
  it("the database and its -wal/-shm, backups, exports of every format, -o reports, rejects files and demo databases: 0600", async () => {
    const previous = process.umask(0o022);
    try {
      const dir = await populated();
      const db = path.join(dir, "crm.db");
      const out = (name: string) => path.join(dir, name);
      // An older file with open permissions where a report goes: replaced by an owner-only one.
      fs.writeFileSync(out("report.csv"), "old", { mode: 0o644 });
      fs.writeFileSync(out("answer-rejects.csv"), "old", { mode: 0o644 });
      fs.writeFileSync(out("answers.csv"), `email,score,date\n${PERSON.email},8,2026-02-01\nnobody@example.com,3,2026-02-01\n`);
      fs.writeFileSync(out("bad.csv"), `email,date,amount\n${PERSON.email},2026-01-01,10\nnobody@example.com,2026-01-01,5\n`);
      const commands = [
        ["backup", out("backup.db")],
        ["export", "contacts", "--format", "csv", "-o", out("contacts.csv")],
        ["export", "contacts", "--format", "json", "-o", out("contacts.json")],
        ["export", "contacts", "--format", "vcf", "-o", out("contacts.vcf")],
        ["export", "followups", "--format", "ics", "-o", out("followups.ics")],
        ["export", "all", "--format", "json", "-o", out("all.json")],
        ["export", "all", "--format", "csv", "-o", out("all-csv")],
        ["export", "--contact", PERSON.email, "-o", out("person.json")],
        ["report", "segments", "--format", "csv", "-o", out("report.csv")],
        ["contact", "list", "--format", "json", "-o", out("list.json")],
        ["import", "purchases", out("bad.csv"), "--skip-invalid", "--rejects", out("rejects.csv")],
        ["import", "responses", "NPS", out("answers.csv"), "--skip-invalid", "--rejects", out("answer-rejects.csv")],
        ["--db", out("demo.db"), "demo"],
      ];
      // A reader keeps the -wal and -shm in place so their modes can be seen.
      const reader = new Database(db);
      reader.prepare("select count(*) from contacts").get();
      try {
        for (const args of commands) {
          const r = await runSeen(db, args);
          expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
        }
        for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(mode(f), f).toBe("600");
      } finally {
        reader.close();
      }
      const written = [
        "backup.db",
        "contacts.csv",
        "contacts.json",
        "contacts.vcf",
        "followups.ics",
        "all.json",
        "person.json",
        "report.csv",
        "list.json",
        "rejects.csv",
        "answer-rejects.csv",
        "demo.db",
      ];
      for (const f of written) expect(mode(out(f)), f).toBe("600");
      const csvDir = out("all-csv");
      expect(fs.readdirSync(csvDir).length).toBeGreaterThan(3);
      for (const f of fs.readdirSync(csvDir)) expect(mode(path.join(csvDir, f)), f).toBe("600");
      expect(mode(csvDir)).toMatch(/^7[05]0$/);
      // Nothing else was left behind (no half-written or temporary files).
      expect(fs.readdirSync(dir).filter((f) => /partial|tmp|restoring/.test(f))).toEqual([]);
    } finally {
      process.umask(previous);
    }
  }, 60_000);
});

describe("stderr carries no personal data", () => {
  it("commands for scripts and cron name nobody", async () => {
    const dir = await populated();
    const db = path.join(dir, "crm.db");
    const purchases = path.join(dir, "shop.csv");
    fs.writeFileSync(purchases, `email,date,amount,order\n${PERSON.email},2026-01-20,30,A-1\n`);
    const contacts = path.join(dir, "people.csv");
    fs.writeFileSync(contacts, `name,email,note\n${PERSON.name},${PERSON.email},${PERSON.note}\nNew Person,new@example.com,hello\n`);
    const commands = [
      ["import", "purchases", purchases],
      ["import", "contacts", contacts, "--on-duplicate", "update"],
      ["export", "all", "-o", path.join(dir, "all.json")],
      ["export", "followups", "--format", "ics", "-o", path.join(dir, "f.ics")],
      ["backup"],
      ["remind"],
      ["remind", "--quiet"],
      ["today"],
      ["followup", "list", "--overdue"],
      ["report", "segments"],
      ["report", "clv"],
      ["report", "churn"],
      ["report", "retention"],
      ["report", "nps"],
      ["report", "pipeline"],
      ["pipeline"],
      ["contact", "list"],
      ["find", "heron"],
    ];
    for (const args of commands) {
      const r = await runSeen(db, args, { env: NOW });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      for (const secret of [...CONTENT, ...NAME_PARTS])
        expect(r.stderr, `crm ${args.join(" ")} printed ${JSON.stringify(secret)} to stderr`).not.toContain(secret);
    }
  });

  it("commands on one contact name them at most — never their details or what was said — and forget only by number", async () => {
    const db = path.join(await populated(), "crm.db");
    const commands = [
      ["log", PERSON.email, "Another call", "--type", "call"],
      ["tag", PERSON.email, "vip"],
      ["untag", PERSON.email, "vip"],
      ["contact", "edit", PERSON.email, "--company", "Aviary Ltd"],
      ["followup", "done", "1"],
      ["followup", "add", PERSON.email, "--due", "2026-04-01", "--note", `${PERSON.followup} again`],
      ["followup", "snooze", "2", "--until", "2026-04-10"],
      ["followup", "rm", "2"],
      ["log", "resolve", "2"],
      ["deal", "move", "1", "negotiation"],
      ["deal", "won", "1"],
      ["purchase", "add", PERSON.email, "50"],
      ["survey", "respond", "NPS", PERSON.email, "10"],
    ];
    for (const args of commands) {
      const r = await runSeen(db, args, { env: NOW });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      // The email is in some of these command lines; it must not be echoed back either.
      for (const secret of CONTENT) expect(r.stderr, `crm ${args.join(" ")} printed ${JSON.stringify(secret)} to stderr`).not.toContain(secret);
    }
    const forget = await runSeen(db, ["forget", PERSON.email, "--yes"]);
    expect(forget.code, forget.stderr).toBe(0);
    expect(forget.stderr).toMatch(/^erased contact #1: /);
    for (const secret of [...CONTENT, ...NAME_PARTS]) expect(forget.stderr).not.toContain(secret);
  });
});

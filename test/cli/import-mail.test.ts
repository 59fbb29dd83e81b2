// `crm import mail` (an mbox from Gmail Takeout, a Maildir with a Sent folder) and `crm import calendar`
// (an .ics with a time zone, a weekly series with an excluded and a moved occurrence, a future, a
// cancelled and a stranger's event): what is logged, with which direction and thread, and that a
// second import adds nothing.
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { freshDbDir, ROOT, run, runJson, runOk, tempDir } from "../helpers.js";

const FIXTURES = path.join(ROOT, "test", "fixtures", "mail");
const NOW = { CRM_NOW: "2026-03-02T09:00:00Z" };

async function withContacts(): Promise<string> {
  const dir = freshDbDir();
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@lovelace.example"]);
  await runOk(dir, ["add", "Bob", "--email", "bob@builder.example"]);
  await runOk(dir, ["add", "Zoë Dupré", "--email", "zoe@example.net"]);
  return dir;
}

function rows(dir: string, type: string): string[][] {
  const db = new Database(path.join(dir, "crm.db"), { readonly: true });
  try {
    return (
      db
        .prepare(
          `select c.name, coalesce(i.direction, ''), i.summary, i.at, coalesce(i.thread_id, '') from interactions i join contacts c on c.id = i.contact_id
           where i.type = ? order by i.at, c.name`,
        )
        .raw()
        .all(type) as string[][]
    ).map((r) => r.map(String));
  } finally {
    db.close();
  }
}

describe("crm import mail", () => {
  it("reads a Gmail Takeout mbox: labels say what you sent, encoded names are decoded, bulk is ignored", async () => {
    const dir = await withContacts();
    const r = await run(dir, ["import", "mail", path.join(FIXTURES, "takeout.mbox")], { env: NOW });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("takeout.mbox (mbox): 5 messages seen, 3 logged, 1 ignored (bulk or automatic), 1 with no contact\n");
    expect(rows(dir, "email")).toEqual([
      ["Ada Lovelace", "in", "Engines and invoices", "2026-02-16T10:00:00.000Z", "engines@lovelace.example"],
      ["Ada Lovelace", "out", "Re: Engines and invoices", "2026-02-17T09:00:00.000Z", "engines@lovelace.example"],
      ["Zoë Dupré", "in", "Café crème", "2026-02-18T08:00:00.000Z", "creme@example.net"],
    ]);
    const again = await run(dir, ["import", "mail", path.join(FIXTURES, "takeout.mbox")], { env: NOW });
    expect(again.stderr).toBe("takeout.mbox (mbox): 5 messages seen, 0 logged, 3 already logged, 1 ignored (bulk or automatic), 1 with no contact\n");
    expect(rows(dir, "email")).toHaveLength(3);
  });

  it("keeps a snippet of the body only with --store snippet, without the quoted reply", async () => {
    const dir = await withContacts();
    await runOk(dir, ["import", "mail", path.join(FIXTURES, "takeout.mbox"), "--store", "snippet"], { env: NOW });
    expect(rows(dir, "email").map((r) => r[2])).toEqual([
      "Engines and invoices — Could you send the invoice for the analytical engine? From my side, nothing new.",
      "Re: Engines and invoices — Here it is.",
      "Café crème — Bonjour.",
    ]);
  });

  it("reads a Maildir and its Sent folder; people you wrote to are suggested, never created", async () => {
    const dir = await withContacts();
    const summary = JSON.parse(await runOk(dir, ["import", "mail", path.join(FIXTURES, "maildir"), "--json"], { env: NOW }));
    expect(summary).toMatchObject({ format: "maildir", seen: 4, logged: 2, ignored: 1, unknown: 1 });
    expect(rows(dir, "email")).toEqual([
      ["Ada Lovelace", "in", "Scaffolding quote", "2026-02-16T10:00:00.000Z", "scaffolding@builder.example"],
      ["Bob", "in", "Scaffolding quote", "2026-02-16T10:00:00.000Z", "scaffolding@builder.example"],
      ["Bob", "out", "Re: Scaffolding quote", "2026-02-18T10:00:00.000Z", "scaffolding@builder.example"],
    ]);
    // The Maildir's Sent folder wrote to Carol, who is not a contact: suggested, not created.
    expect((await runJson(dir, ["mail", "suggest"])).map((s: { address: string }) => s.address)).toEqual(["carol@prospect.example"]);
    expect((await runJson(dir, ["contact", "list"])).map((c: { name: string }) => c.name)).not.toContain("Carol");
  });

  it("threads a reply that names only its parent (In-Reply-To, no References) with the parent's thread", async () => {
    const dir = await withContacts();
    const mbox = path.join(tempDir(), "chain.mbox");
    const message = (from: string, id: string, parent: string | null, date: string) =>
      `From x ${date}\nFrom: ${from}\nTo: me@example.org\nSubject: Chain\nDate: ${date}\nMessage-ID: <${id}>\n${parent ? `In-Reply-To: <${parent}>\n` : ""}\nText.\n\n`;
    fs.writeFileSync(
      mbox,
      message("ada@lovelace.example", "c1@x", null, "Mon, 16 Feb 2026 10:00:00 +0000") +
        message("me@example.org", "c2@x", "c1@x", "Tue, 17 Feb 2026 10:00:00 +0000").replace("To: me@example.org", "To: ada@lovelace.example") +
        message("ada@lovelace.example", "c3@x", "c2@x", "Wed, 18 Feb 2026 10:00:00 +0000"),
    );
    await runOk(dir, ["import", "mail", mbox, "--me", "me@example.org"], { env: NOW });
    expect(rows(dir, "email").map((r) => [r[1], r[4]])).toEqual([
      ["in", "c1@x"],
      ["out", "c1@x"],
      ["in", "c1@x"],
    ]);
  });

  it("forgets the addresses you wrote to along with the person (crm forget)", async () => {
    const dir = await withContacts();
    await runOk(dir, ["import", "mail", path.join(FIXTURES, "maildir")], { env: NOW });
    await runOk(dir, ["add", "Carol", "--email", "carol@prospect.example"]);
    expect(await runJson(dir, ["mail", "suggest"])).toEqual([]);
    await runOk(dir, ["forget", "carol", "--yes"]);
    const db = new Database(path.join(dir, "crm.db"), { readonly: true });
    try {
      expect(db.prepare("select count(*) from mail_recipients where address = 'carol@prospect.example'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it("refuses what is neither an mbox nor a Maildir, writing nothing", async () => {
    const dir = await withContacts();
    const notMaildir = await run(dir, ["import", "mail", FIXTURES]);
    expect(notMaildir.code).toBe(2);
    expect(notMaildir.stderr).toMatch(/is a folder but not a Maildir/);
    const missing = await run(dir, ["import", "mail", path.join(FIXTURES, "nope.mbox")]);
    expect(missing.code).toBe(3);
    const notMbox = await run(dir, ["import", "mail", path.join(FIXTURES, "calendar.ics")]);
    expect(notMbox.code).toBe(2);
    expect(notMbox.stderr).toMatch(/holds no message/);
    expect(rows(dir, "email")).toEqual([]);
  });
});

describe("crm import calendar", () => {
  it("logs past meetings with contacts, recurring ones expanded up to now, and adds nothing on a second import", async () => {
    const dir = await withContacts();
    const r = await run(dir, ["import", "calendar", path.join(FIXTURES, "calendar.ics")], { env: NOW });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("calendar.ics: 10 past meetings read, 9 logged, 1 with no contact\n");
    expect(rows(dir, "meeting").map((m) => [m[0], m[2], m[3]])).toEqual([
      ["Bob", "Weekly site meeting", "2026-01-05T08:00:00.000Z"],
      ["Bob", "Weekly site meeting", "2026-01-12T08:00:00.000Z"],
      ["Bob", "Weekly site meeting", "2026-01-26T08:00:00.000Z"],
      ["Bob", "Weekly site meeting (moved to Tuesday)", "2026-02-03T13:00:00.000Z"],
      ["Bob", "Weekly site meeting", "2026-02-09T08:00:00.000Z"],
      ["Ada Lovelace", "Lunch with Ada", "2026-02-10T11:30:00.000Z"],
      ["Bob", "Weekly site meeting", "2026-02-16T08:00:00.000Z"],
      ["Bob", "Weekly site meeting", "2026-02-23T08:00:00.000Z"],
      ["Bob", "Weekly site meeting", "2026-03-02T08:00:00.000Z"],
    ]);
    const again = await run(dir, ["import", "calendar", path.join(FIXTURES, "calendar.ics")], { env: NOW });
    expect(again.stderr).toBe("calendar.ics: 10 past meetings read, 0 logged, 9 already logged, 1 with no contact\n");
  });

  it("resets the keep-in-touch clock", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@lovelace.example", "--cadence", "2w"], { env: { CRM_NOW: "2026-01-01T09:00:00Z" } });
    expect(await runOk(dir, ["remind"], { env: { CRM_NOW: "2026-02-12T09:00:00Z" } })).toContain("Ada Lovelace (#1) — keep in touch");
    await runOk(dir, ["import", "calendar", path.join(FIXTURES, "calendar.ics")], { env: { CRM_NOW: "2026-02-12T09:00:00Z" } });
    const r = await run(dir, ["remind"], { env: { CRM_NOW: "2026-02-12T09:00:00Z" } });
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("nothing due\n");
  });

  it("refuses a file that is not iCalendar (exit 2), writing nothing", async () => {
    const dir = await withContacts();
    const r = await run(dir, ["import", "calendar", path.join(FIXTURES, "takeout.mbox")], { env: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crm: "takeout.mbox" is not a valid iCalendar file/);
    expect(rows(dir, "meeting")).toEqual([]);
  });
});

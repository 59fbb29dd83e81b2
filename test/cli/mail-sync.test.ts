// `crm mail sync` against a real IMAP server (Dovecot, started by the test with TLS from a certificate
// made by the test): what is logged per contact with its direction and thread, incremental syncs, a
// message arriving between syncs, a folder renumbered by the server (UIDVALIDITY), refused logins and
// untrusted certificates (exit 6, no password anywhere), "Awaiting your reply" and keep-in-touch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import path from "node:path";
import { freshDbDir, run, runJson, runOk } from "../helpers.js";
import { haveDovecot, startDovecot, type MailServer } from "../mail-server.js";
import { LATE_REPLY, MAILBOX, ME, NOW } from "../fixtures/mail/inbox.js";

interface Row {
  contact: string;
  direction: string;
  summary: string;
  messageId: string;
  threadId: string;
}

function logged(dir: string): Row[] {
  const db = new Database(path.join(dir, "crm.db"), { readonly: true });
  try {
    return db
      .prepare(
        `select c.name as contact, i.direction, i.summary, i.message_id as messageId, i.thread_id as threadId from interactions i
         join contacts c on c.id = i.contact_id where i.type = 'email' order by i.at, c.name`,
      )
      .all() as Row[];
  } finally {
    db.close();
  }
}

describe.skipIf(!haveDovecot)("crm mail sync against Dovecot", () => {
  let server: MailServer;
  const env = () => ({ CRM_NOW: NOW, CRM_MAIL_PASSWORD: server.password });

  beforeAll(async () => {
    server = await startDovecot();
    for (const m of MAILBOX) server.deliver(m.folder, m.raw);
  });
  afterAll(() => server?.stop());

  async function account(opts: { password?: string; ca?: boolean } = {}): Promise<string> {
    const dir = freshDbDir();
    const e = { CRM_NOW: "2026-01-01T09:00:00Z" };
    await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@lovelace.example", "--cadence", "2w"], { env: e });
    await runOk(dir, ["add", "Bob", "--email", "bob@builder.example"], { env: e });
    await runOk(dir, ["add", "Zoë Dupré", "--email", "zoe@example.net"], { env: e });
    const args = ["mail", "add", "work", "--host", server.host, "--port", String(server.port), "--user", server.user];
    await runOk(dir, opts.ca === false ? args : [...args, "--ca-file", server.caFile]);
    return dir;
  }

  it("logs what concerns contacts, with direction and thread, and ignores bulk mail and strangers", async () => {
    const dir = await account();
    const r = await run(dir, ["mail", "sync"], { env: env() });
    expect(r.stderr).toBe("work: 13 messages seen, 7 logged, 3 ignored (bulk or automatic), 3 with no contact\n");
    expect(r.code).toBe(0);
    expect(logged(dir).map((x) => [x.contact, x.direction, x.summary, x.threadId])).toEqual([
      ["Ada Lovelace", "in", "Proposal for Q3", "q3-proposal@lovelace.example"],
      ["Ada Lovelace", "out", "Re: Proposal for Q3", "q3-proposal@lovelace.example"],
      ["Ada Lovelace", "out", "Kick-off meeting", "kickoff@example.org"],
      ["Bob", "out", "Kick-off meeting", "kickoff@example.org"],
      ["Ada Lovelace", "in", "Re: Re: Proposal for Q3", "q3-proposal@lovelace.example"],
      ["Zoë Dupré", "in", "Café à Paris ☕", "cafe@example.net"],
      ["Ada Lovelace", "in", "Site visit", "site-visit@builder.example"],
      ["Bob", "in", "Site visit", "site-visit@builder.example"],
      ["Bob", "in", "Quick question", "quick@builder.example"],
    ]);
    // Strangers stay strangers; the people you wrote to are suggested.
    const contacts = await runJson(dir, ["contact", "list"], { env: env() });
    expect(contacts.map((c: { name: string }) => c.name).sort()).toEqual(["Ada Lovelace", "Bob", "Zoë Dupré"]);
    const suggestions = await runJson(dir, ["mail", "suggest"], { env: env() });
    expect(suggestions.map((s: { address: string; messages: number }) => [s.address, s.messages])).toEqual([
      ["carol@prospect.example", 2],
      ["dave@else.example", 1],
    ]);
  });

  it("fetches nothing old on the second sync, and logs a message that arrived in between", async () => {
    const dir = await account();
    await runOk(dir, ["mail", "sync"], { env: env() });
    const again = await run(dir, ["mail", "sync"], { env: env() });
    expect(again.stderr).toBe("work: 0 messages seen, 0 logged, 0 ignored (bulk or automatic)\n");
    server.deliver(LATE_REPLY.folder, LATE_REPLY.raw);
    try {
      const third = await run(dir, ["mail", "sync", "--json"], { env: env() });
      expect(third.stderr).toBe("work: 1 message seen, 1 logged, 0 ignored (bulk or automatic)\n");
      const [report] = JSON.parse(third.stdout);
      expect(report.folders).toEqual([
        { folder: "INBOX", fetched: 1, reset: false },
        { folder: "Sent", fetched: 0, reset: false },
      ]);
      expect(
        logged(dir)
          .filter((x) => x.threadId === "kickoff@example.org")
          .map((x) => [x.contact, x.direction]),
      ).toEqual([
        ["Ada Lovelace", "out"],
        ["Bob", "out"],
        ["Bob", "in"],
      ]);
    } finally {
      // Leave the mailbox as the other tests expect it.
      const { default: fs } = await import("node:fs");
      for (const sub of ["new", "cur"])
        for (const f of fs.readdirSync(path.join(server.maildir, sub)))
          if (fs.readFileSync(path.join(server.maildir, sub, f), "utf8").includes("re-kickoff@")) fs.rmSync(path.join(server.maildir, sub, f));
    }
  });

  it("reads a folder again when its UIDVALIDITY changed, without logging anything twice", async () => {
    const dir = await account();
    await runOk(dir, ["mail", "sync"], { env: env() });
    const before = logged(dir);
    server.renumber("Sent");
    const r = await run(dir, ["mail", "sync", "--json"], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Sent changed UIDVALIDITY");
    const [report] = JSON.parse(r.stdout);
    expect(report.folders).toContainEqual({ folder: "Sent", fetched: 4, reset: true });
    expect(report.logged).toBe(0);
    expect(report.already).toBe(2);
    expect(logged(dir)).toEqual(before);
  });

  it("refuses a wrong password with exit 6, naming the host, and never shows the password", async () => {
    const dir = await account();
    const wrong = "hunter2-wrong-secret";
    const r = await run(dir, ["mail", "sync"], { env: { CRM_NOW: NOW, CRM_MAIL_PASSWORD: wrong } });
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(
      `crm: mail server 127.0.0.1:${server.port} refused the login of "${server.user}" — check the user and what the password command prints\n`,
    );
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(logged(dir)).toEqual([]);
  });

  it("takes the password from the account's password command", async () => {
    const dir = await account();
    await runOk(dir, ["mail", "rm", "work"]);
    await runOk(dir, [
      "mail",
      "add",
      "work",
      "--host",
      server.host,
      "--port",
      String(server.port),
      "--user",
      server.user,
      "--ca-file",
      server.caFile,
      "--password-command",
      `printf '%s\\n' '${server.password}'`,
    ]);
    const r = await run(dir, ["mail", "sync"], { env: { CRM_NOW: NOW } });
    expect(r.code).toBe(0);
    const listed = await run(dir, ["mail", "list", "--format", "json"], { env: { CRM_NOW: NOW } });
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ name: "work", host: server.host, port: server.port, user: server.user, security: "tls" });
  });

  it("refuses a certificate it cannot verify (exit 6) unless --ca-file trusts it", async () => {
    const dir = await account({ ca: false });
    const r = await run(dir, ["mail", "sync"], { env: env() });
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(`crm: mail server 127.0.0.1:${server.port} failed TLS: its TLS certificate is not trusted (a private CA? pass --ca-file)\n`);
    expect(logged(dir)).toEqual([]);
  });

  it("speaks STARTTLS on the plain port", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["add", "Bob", "--email", "bob@builder.example"]);
    await runOk(dir, [
      "mail",
      "add",
      "plain",
      "--host",
      server.host,
      "--port",
      String(server.starttlsPort),
      "--security",
      "starttls",
      "--user",
      server.user,
      "--ca-file",
      server.caFile,
    ]);
    const r = await run(dir, ["mail", "sync", "plain"], { env: env() });
    expect(r.code).toBe(0);
    expect(logged(dir).filter((x) => x.contact === "Bob")).toHaveLength(3);
  });

  it("says the host cannot be reached (exit 6) when nothing listens", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["mail", "add", "gone", "--host", "127.0.0.1", "--port", "1", "--user", ME]);
    const r = await run(dir, ["mail", "sync"], { env: env() });
    expect(r.code).toBe(6);
    expect(r.stderr).toBe("crm: mail server 127.0.0.1:1 could not be reached: connection refused\n");
  });

  it("shows the threads awaiting your reply, oldest first, and resets keep-in-touch", async () => {
    const dir = await account();
    const before = await runJson(dir, ["today"], { env: env() });
    expect(before.sections.find((s: { key: string }) => s.key === "keep-in-touch").items.map((i: { contactName: string }) => i.contactName)).toEqual([
      "Ada Lovelace",
    ]);
    await runOk(dir, ["mail", "sync"], { env: env() });
    const agenda = await runJson(dir, ["today"], { env: env() });
    expect(agenda.sections.find((s: { key: string }) => s.key === "keep-in-touch").items).toEqual([]);
    const awaiting = agenda.sections.find((s: { key: string }) => s.key === "awaiting-reply");
    expect(awaiting.items.map((i: { contactName: string; text: string; date: string }) => [i.contactName, i.text, i.date])).toEqual([
      ["Ada Lovelace", "Re: Re: Proposal for Q3", "2026-02-25T08:15:00.000Z"],
      ["Zoë Dupré", "Café à Paris ☕", "2026-02-26T10:00:00.000Z"],
      ["Bob", "Site visit", "2026-02-27T15:45:00.000Z"],
    ]);
    const text = await runOk(dir, ["today"], { env: env() });
    expect(text).toContain("Awaiting your reply (3)");
    const remind = await runOk(dir, ["remind"], { env: env() });
    expect(remind).toContain("Ada Lovelace — reply to “Re: Re: Proposal for Q3” — waiting for 5 days");
  });

  it("counts without writing on --dry-run", async () => {
    const dir = await account();
    const r = await run(dir, ["mail", "sync", "--dry-run"], { env: env() });
    expect(r.stderr).toBe("dry run, nothing written: work: 13 messages seen, 7 logged, 3 ignored (bulk or automatic), 3 with no contact\n");
    expect(logged(dir)).toEqual([]);
    expect((await run(dir, ["mail", "sync"], { env: env() })).stderr).toContain("13 messages seen, 7 logged");
  });
});

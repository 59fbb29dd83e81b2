// `crm mail add|list|rm` and the refusals of `crm mail sync` that need no server: what is stored for an
// account (never a password), and one clear line with its exit code for each mistake, writing nothing.
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runJson, runOk } from "../helpers.js";

describe("crm mail accounts", () => {
  it("stores the server, the user and the password command, never a password", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["mail", "add", "me@example.com", "--host", "imap.example.com", "--password-command", "pass show mail/me"]);
    await runOk(dir, ["mail", "add", "work", "--host", "mail.example.org", "--security", "starttls", "--user", "me", "--folders", "INBOX, Archive"]);
    expect(await runJson(dir, ["mail", "list"])).toEqual([
      {
        name: "me@example.com",
        host: "imap.example.com",
        port: 993,
        user: "me@example.com",
        security: "tls",
        folders: [],
        caFile: null,
        passwordCommand: "pass show mail/me",
        lastSyncAt: null,
      },
      {
        name: "work",
        host: "mail.example.org",
        port: 143,
        user: "me",
        security: "starttls",
        folders: ["INBOX", "Archive"],
        caFile: null,
        passwordCommand: null,
        lastSyncAt: null,
      },
    ]);
    const rm = await run(dir, ["mail", "rm", "WORK"]);
    expect(rm.stderr).toBe("removed mail account work; the interactions it logged stay\n");
    expect((await runJson(dir, ["mail", "list"])).map((a: { name: string }) => a.name)).toEqual(["me@example.com"]);
  });

  it.each([
    [
      ["mail", "add", "work", "--host", "imap.example.com"],
      2,
      "crm: missing the login of the mail account — pass --user, e.g. crm mail add work --host imap.example.com --user me@example.com\n",
    ],
    [["mail", "add", "work", "--host", "imap.example.com", "--user", "me", "--port", "99999"], 2, /--port/],
    [["mail", "add", "work", "--host", "imap.example.com", "--user", "me", "--security", "ssl"], 2, /--security/],
    [["mail", "add", "work", "--host", "imap.example.com", "--user", "me", "--ca-file", "/nonexistent/ca.pem"], 2, /no CA file at "\/nonexistent\/ca.pem"/],
    [["mail", "add", "bad name", "--host", "imap.example.com", "--user", "me"], 2, /invalid account name "bad name"/],
    [["mail", "rm", "nope"], 3, 'crm: no mail account "nope" — see `crm mail list`\n'],
    [["mail", "sync"], 3, /no mail account yet/],
  ])("crm %j exits %i", async (args, code, message) => {
    const dir = freshDbDir();
    const r = await run(dir, args as string[]);
    expect(r.code).toBe(code);
    if (typeof message === "string") expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(await runJson(dir, ["mail", "list"])).toEqual([]);
  });

  it("refuses a second account of the same name (exit 4)", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["mail", "add", "work", "--host", "imap.example.com", "--user", "me"]);
    const r = await run(dir, ["mail", "add", "Work", "--host", "other.example.com", "--user", "me"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('crm: a mail account named "Work" exists already — remove it first: crm mail rm Work\n');
  });

  it("asks for a password when neither CRM_MAIL_PASSWORD nor a password command gives one", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["mail", "add", "work", "--host", "127.0.0.1", "--port", "1", "--user", "me"]);
    const r = await run(dir, ["mail", "sync"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crm: no password for mail account work — set CRM_MAIL_PASSWORD/);
  });

  it("says when the password command fails, without showing what it printed", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["mail", "add", "work", "--host", "127.0.0.1", "--port", "1", "--user", "me", "--password-command", "echo s3cret-leak; exit 3"]);
    const r = await run(dir, ["mail", "sync"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crm: the password command exited with status 3 — run it yourself to check it prints the password\n");
  });

  it("validates the mail settings", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["config", "set", "mail.ignore", "@News.Example.com, mailchimp.com"]);
    expect((await runOk(dir, ["config", "get", "mail.ignore"])).trim()).toBe("news.example.com,mailchimp.com");
    expect((await run(dir, ["config", "set", "mail.reply-after", "soon"])).code).toBe(2);
    expect((await run(dir, ["config", "set", "mail.me", "not-an-address"])).code).toBe(2);
  });
});

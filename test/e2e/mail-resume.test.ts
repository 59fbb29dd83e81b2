// A `crm mail sync` killed part-way (SIGKILL: power cut, OOM killer) resumes without logging anything
// twice. The sync is a real process against a real Dovecot; the kill comes once the database shows
// that a first batch was committed, and the test checks that the sync had not finished by then.
import { spawn } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, crm, freshDbDir, ok, runOk } from "../helpers.js";
import { haveDovecot, startDovecot, type MailServer } from "../mail-server.js";
import { filler, NOW } from "../fixtures/mail/inbox.js";

const MESSAGES = 800;

describe.skipIf(!haveDovecot)("a killed crm mail sync", () => {
  let server: MailServer;
  beforeAll(async () => {
    server = await startDovecot();
    for (let i = 0; i < MESSAGES; i++) server.deliver("INBOX", filler(i));
  });
  afterAll(() => server?.stop());

  it("resumes where its last committed batch ended, with no duplicate", async () => {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Bob", "--email", "bob@builder.example"]);
    await runOk(dir, ["mail", "add", "work", "--host", server.host, "--port", String(server.port), "--user", server.user, "--ca-file", server.caFile]);
    const env = { ...process.env, CRM_DB: db, CRM_NOW: NOW, CRM_MAIL_PASSWORD: server.password, TZ: "UTC" };
    const child = spawn(process.execPath, [BIN, "mail", "sync"], { env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
    // Watch the database for the first committed batch, then kill.
    const reader = new Database(db, { readonly: true });
    const state = () => reader.prepare<[], { lastUid: number }>("select last_uid as lastUid from mail_folders where folder = 'INBOX'").get()?.lastUid ?? 0;
    while (state() === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const stoppedAt = state();
    const logged = () => reader.prepare<[], { n: number; ids: number }>("select count(*) as n, count(distinct message_id) as ids from interactions").get()!;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(MESSAGES);
    // The interactions and the folder's last UID were committed together: one per message up to it.
    expect(logged()).toEqual({ n: stoppedAt, ids: stoppedAt });

    const resumed = ok(crm(dir, ["mail", "sync"], { env: { CRM_NOW: NOW, CRM_MAIL_PASSWORD: server.password } }));
    expect(resumed.stderr).toBe(
      `work: ${(MESSAGES - stoppedAt).toLocaleString("en")} messages seen, ${(MESSAGES - stoppedAt).toLocaleString("en")} logged, 0 ignored (bulk or automatic)\n`,
    );
    expect(logged()).toEqual({ n: MESSAGES, ids: MESSAGES });
    reader.close();
    // Two syncs of hundreds of messages: slow on a busy machine.
  }, 120_000);
});

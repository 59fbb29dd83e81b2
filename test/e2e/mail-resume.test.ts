// A `crm mail sync` stopped part-way resumes without logging anything twice: killed (SIGKILL: power cut,
// OOM killer) or interrupted (Ctrl-C: it stops after the batch it is writing and says so, exit 130).
// The sync is a real process against a real Dovecot; the signal comes once the database shows that a
// first batch was committed, and the test checks that the sync had not finished by then.
import { spawn } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, crm, freshDbDir, ok, runOk } from "../helpers.js";
import { haveDovecot, startDovecot, type MailServer } from "../mail-server.js";
import { filler, NOW } from "../fixtures/mail/inbox.js";

const MESSAGES = 800;

describe.skipIf(!haveDovecot)("a crm mail sync stopped part-way", () => {
  let server: MailServer;
  beforeAll(async () => {
    server = await startDovecot();
    for (let i = 0; i < MESSAGES; i++) server.deliver("INBOX", filler(i));
  });
  afterAll(() => server?.stop());

  /** Starts a sync, sends `signal` once a first batch is committed; returns how it ended and where it stopped. */
  async function stopped(signal: NodeJS.Signals) {
    const dir = freshDbDir();
    const db = path.join(dir, "crm.db");
    await runOk(dir, ["add", "Bob", "--email", "bob@builder.example"]);
    await runOk(dir, ["mail", "add", "work", "--host", server.host, "--port", String(server.port), "--user", server.user, "--ca-file", server.caFile]);
    const env = { ...process.env, CRM_DB: db, CRM_NOW: NOW, CRM_MAIL_PASSWORD: server.password, TZ: "UTC" };
    const child = spawn(process.execPath, [BIN, "mail", "sync"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("close", (code, sig) => resolve(sig ?? code)));
    const reader = new Database(db, { readonly: true });
    const state = () => reader.prepare<[], { lastUid: number }>("select last_uid as lastUid from mail_folders where folder = 'INBOX'").get()?.lastUid ?? 0;
    const logged = () => reader.prepare<[], { n: number; ids: number }>("select count(*) as n, count(distinct message_id) as ids from interactions").get()!;
    while (state() === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill(signal);
    const end = await exited;
    return { dir, end, stderr: () => stderr, stoppedAt: state(), logged, close: () => reader.close() };
  }

  function resume(dir: string, from: number) {
    const r = ok(crm(dir, ["mail", "sync"], { env: { CRM_NOW: NOW, CRM_MAIL_PASSWORD: server.password } }));
    const rest = (MESSAGES - from).toLocaleString("en");
    expect(r.stderr).toBe(`work: ${rest} message${MESSAGES - from === 1 ? "" : "s"} seen, ${rest} logged, 0 ignored (bulk or automatic)\n`);
  }

  it("killed: resumes where its last committed batch ended, with no duplicate", async () => {
    const s = await stopped("SIGKILL");
    expect(s.end).toBe("SIGKILL");
    expect(s.stoppedAt).toBeGreaterThan(0);
    expect(s.stoppedAt).toBeLessThan(MESSAGES);
    // The interactions and the folder's last UID were committed together: one per message up to it.
    expect(s.logged()).toEqual({ n: s.stoppedAt, ids: s.stoppedAt });
    resume(s.dir, s.stoppedAt);
    expect(s.logged()).toEqual({ n: MESSAGES, ids: MESSAGES });
    s.close();
  }, 120_000);

  it("interrupted (Ctrl-C): stops after the batch it is writing, says so (exit 130), and resumes from there", async () => {
    const s = await stopped("SIGINT");
    expect(s.end).toBe(130);
    expect(s.stderr()).toBe("crm: interrupted: what was read so far is logged; crm mail sync continues from there\n");
    expect(s.stoppedAt).toBeLessThan(MESSAGES);
    expect(s.logged()).toEqual({ n: s.stoppedAt, ids: s.stoppedAt });
    resume(s.dir, s.stoppedAt);
    expect(s.logged()).toEqual({ n: MESSAGES, ids: MESSAGES });
    s.close();
  }, 120_000);
});

// The mail figure of `npm run bench`: the first `crm mail sync` of 10,000 messages against a local
// Dovecot (the one the mail tests start: test/mail-server.ts), wall time and peak memory of the crm
// process. The mailbox mixes messages from contacts, from strangers and newsletters, in the inbox and
// the Sent folder. Skipped, saying so, when Dovecot is not installed. Also runs alone:
// `npm run build && node test/bench/mail.mjs [--messages n]`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSources, check, run } from "./measure.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const BIN = path.join(ROOT, "bin", "crm.js");

/** Bundles the test server helper (TypeScript) for this plain Node script, under test/bench/out/. */
async function loadServer() {
  const outfile = await bundleSources(
    ['export { haveDovecot, startDovecot } from "./test/mail-server.ts";', 'export { filler, ME } from "./test/fixtures/mail/inbox.ts";'],
    path.join(HERE, "out", "mail-server.mjs"),
  );
  return import(outfile);
}

/** The figure (or undefined when Dovecot is missing); `log` reports progress on stderr. */
export async function mailSyncFigure({ messages = 10_000, env = process.env, log = (t) => process.stderr.write(t + "\n") } = {}) {
  const { haveDovecot, startDovecot, filler, ME } = await loadServer();
  if (!haveDovecot) {
    log("mail: skipped (dovecot-imapd is not installed)");
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-bench-mail-"));
  const server = await startDovecot(dir);
  try {
    log(`mail: writing ${messages.toLocaleString("en")} messages into the server's Maildir`);
    const contacts = 200;
    for (let i = 0; i < messages; i++) {
      const k = i % 10;
      if (k < 6) server.deliver("INBOX", filler(i, `Contact ${i % contacts} <contact${i % contacts}@example.com>`));
      else if (k < 8) server.deliver("INBOX", filler(i, `Someone <someone${i}@unknown.example>`));
      else if (k < 9)
        server.deliver("INBOX", filler(i, "News <news@shop.example>").replace("\r\n\r\n", "\r\nList-Unsubscribe: <https://shop.example/u>\r\n\r\n"));
      else server.deliver("Sent", filler(i, ME).replace(`To: ${ME}`, `To: contact${i % contacts}@example.com`));
    }
    const db = path.join(dir, "bench.db");
    const crmEnv = { ...env, CRM_DB: db, CRM_NOW: "2026-03-02T09:00:00Z", CRM_MAIL_PASSWORD: server.password };
    const csv = path.join(path.dirname(db), "contacts.csv");
    fs.writeFileSync(csv, "name,email\n" + Array.from({ length: contacts }, (_, i) => `Contact ${i},contact${i}@example.com`).join("\n") + "\n");
    check(run(process.execPath, [BIN, "import", "contacts", csv], { env: crmEnv }), "crm import contacts");
    check(
      run(
        process.execPath,
        [BIN, "mail", "add", "bench", "--host", server.host, "--port", String(server.port), "--user", server.user, "--ca-file", server.caFile],
        { env: crmEnv },
      ),
      "crm mail add",
    );
    log("mail: first sync");
    const r = check(run(process.execPath, [BIN, "mail", "sync", "--since", "1y"], { env: crmEnv, memory: true }), "crm mail sync");
    const rssMb = r.rssKb / 1024;
    return {
      group: "mail",
      name: `crm mail sync, first run (${messages.toLocaleString("en")} messages, local Dovecot)`,
      unit: "ms",
      measured: r.ms,
      peakRssMb: rssMb,
      summary: r.stderr.trim(),
      target: null,
      pass: null,
      runs: 1,
    };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--messages");
  const f = await mailSyncFigure({ messages: i > 0 ? Number(process.argv[i + 1]) : 10_000 });
  if (f) process.stdout.write(`${f.name}: ${(f.measured / 1000).toFixed(1)} s, peak RSS ${f.peakRssMb.toFixed(0)} MB — ${f.summary}\n`);
}

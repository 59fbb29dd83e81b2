// Benchmark: `crm import purchases` of 1,000,000 rows against a bare better-sqlite3 insert loop of the
// same rows (already parsed, in memory, one prepared statement, one transaction), on a database that
// holds 100,000 contacts. PRODUCT.md asks for the import within 2× of the bare loop.
// Run: npm run build && node test/bench/import-purchases.mjs [rows]
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "bin", "crm.js");
const ROWS = Number(process.argv[2] ?? 1_000_000);
const CONTACTS = 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-bench-import-"));
const base = path.join(dir, "base.db");

// A database with 100,000 contacts.
execFileSync(process.execPath, [BIN, "--db", base, "config", "list"], { stdio: "ignore" });
{
  const db = new Database(base);
  const insert = db.prepare("insert into contacts(name, email, created_at, updated_at) values (?, ?, ?, ?)");
  db.transaction(() => {
    for (let i = 1; i <= CONTACTS; i++) insert.run(`Customer ${i}`, `customer${i}@example.com`, "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z");
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

// The same rows as a CSV file and as parsed values.
const csv = path.join(dir, "purchases.csv");
const parsed = [];
{
  const out = fs.openSync(csv, "w");
  let chunk = "email,date,amount,currency,order_id\n";
  for (let i = 0; i < ROWS; i++) {
    const contact = ((i * 7919) % CONTACTS) + 1;
    const day = new Date(Date.UTC(2022, 0, 1) + (i % 900) * 86_400_000).toISOString().slice(0, 10);
    const minor = 100 + ((i * 37) % 50_000);
    chunk += `customer${contact}@example.com,${day},${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")},EUR,order-${i}\n`;
    parsed.push([contact, minor, "EUR", `${day}T00:00:00.000Z`, "import", `order-${i}`]);
    if (chunk.length > 1 << 20) (fs.writeSync(out, chunk), (chunk = ""));
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

const copy = (name) => {
  const file = path.join(dir, name);
  fs.copyFileSync(base, file);
  return file;
};

// Bare loop.
const bareDb = copy("bare.db");
let t = performance.now();
{
  const db = new Database(bareDb);
  const insert = db.prepare(
    "insert into purchases(contact_id, amount_minor, currency, at, note, source, external_ref, created_at) values (?, ?, ?, ?, null, ?, ?, ?)",
  );
  const stamp = new Date().toISOString();
  db.transaction(() => {
    for (const r of parsed) insert.run(r[0], r[1], r[2], r[3], r[4], r[5], stamp);
  })();
  db.close();
}
const bare = performance.now() - t;

// crm import (the whole process: start-up, parsing, validation, writing).
const crmDb = copy("crm.db");
t = performance.now();
const r = spawnSync(process.execPath, [BIN, "--db", crmDb, "import", "purchases", csv], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
const imported = performance.now() - t;
if (r.status !== 0) throw new Error(`crm import failed (${r.status}): ${r.stderr}`);
const count = new Database(crmDb, { readonly: true }).prepare("select count(*) n from purchases").get().n;
if (count !== ROWS) throw new Error(`expected ${ROWS} purchases, found ${count}`);

console.log(`rows: ${ROWS.toLocaleString("en")}  bare insert loop: ${(bare / 1000).toFixed(2)} s  crm import purchases: ${(imported / 1000).toFixed(2)} s  ratio: ${(imported / bare).toFixed(2)} (target ≤ 2)`);
fs.rmSync(dir, { recursive: true, force: true });

// The baseline for `crm import purchases`: the same rows, already parsed and resolved to contact ids
// in memory (not timed), inserted by a bare better-sqlite3 loop — one prepared statement, one
// transaction, default connection settings — into a copy of the same database. Prints the insert
// time in ms as JSON. Run by run.mjs in its own process, so its memory and heap are its own.
// Usage: node bare-insert.mjs <db> <purchases.csv>
import fs from "node:fs";
import Database from "better-sqlite3";

const [dbFile, csvFile] = process.argv.slice(2);
const db = new Database(dbFile);

const ids = new Map();
for (const r of db.prepare("select id, email from contacts where email is not null").iterate()) ids.set(r.email, r.id);

// The generated file has no quoted cells: a plain split reads it exactly.
const lines = fs.readFileSync(csvFile, "utf8").split("\n");
const rows = [];
for (let i = 1; i < lines.length; i++) {
  if (!lines[i]) continue;
  const [email, date, amount, currency, ref] = lines[i].split(",");
  const [units, cents] = amount.split(".");
  rows.push([ids.get(email), Number(units) * 100 + Number(cents), currency, new Date(date).toISOString(), "import", ref]);
}
lines.length = 0;

const insert = db.prepare(
  "insert into purchases(contact_id, amount_minor, currency, at, note, source, external_ref, created_at) values (?, ?, ?, ?, null, ?, ?, ?)",
);
const stamp = new Date().toISOString();
const t0 = process.hrtime.bigint();
db.transaction(() => {
  for (const r of rows) insert.run(r[0], r[1], r[2], r[3], r[4], r[5], stamp);
})();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
db.close();
process.stdout.write(JSON.stringify({ ms, rows: rows.length }) + "\n");

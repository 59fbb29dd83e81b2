// The baseline for `crm contact list` at 10,000 contacts: a bare better-sqlite3 script, no crm code,
// printing what `crm contact list` prints into a pipe — the same rows in the same order, the same
// columns (id, name, email, phone, company, tags, last contact as a local date), aligned the same way
// (columns two spaces apart, headers in capitals, trailing spaces trimmed). It runs the queries crm runs
// for the list: the contacts by name with the latest interaction of each, and every contact's tags.
// Default connection settings. The generated data is printable ASCII, so a cell's width is its length.
// Usage: node bare-contact-list.mjs <db>   (run.mjs checks that its output is crm's, line for line)
import Database from "better-sqlite3";

const db = new Database(process.argv[2]);
// Where the schema keeps each contact's last interaction in a column of its own, the script reads it
// as crm then does; otherwise it looks it up per contact (an index on interactions answers it).
const kept = db.prepare("select name from pragma_table_info('contacts') where name like 'last_interaction%'").pluck().get();
const last = kept ? `c.${kept}` : "(select max(i.at) from interactions i where i.contact_id = c.id)";
const contacts = db
  .prepare(`select c.id, c.name, c.email, c.phone, c.company, ${last} as lastInteractionAt from contacts c order by c.name collate nocase, c.id`)
  .raw()
  .all();
const tags = new Map();
for (const [id, name] of db
  .prepare("select ct.contact_id, t.name from contact_tags ct join tags t on t.id = ct.tag_id order by t.name collate nocase")
  .raw()
  .iterate()) {
  const list = tags.get(id);
  if (list) list.push(name);
  else tags.set(id, [name]);
}
db.close();

const pad = (n) => String(n).padStart(2, "0");
const day = (iso) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
const rows = contacts.map(([id, name, email, phone, company, last]) => [
  String(id),
  name,
  email ?? "",
  phone ?? "",
  company ?? "",
  tags.get(id)?.join(", ") ?? "",
  last ? day(last) : "",
]);
const header = ["ID", "NAME", "EMAIL", "PHONE", "COMPANY", "TAGS", "LAST CONTACT"];
const widths = header.map((h) => h.length);
for (const row of rows) for (let i = 0; i < row.length; i++) if (row[i].length > widths[i]) widths[i] = row[i].length;
const line = (row) =>
  (
    row[0].padStart(widths[0]) +
    "  " +
    row
      .slice(1, -1)
      .map((cell, i) => cell.padEnd(widths[i + 1]))
      .join("  ") +
    "  " +
    row.at(-1)
  ).trimEnd();
let out = line(header) + "\n";
for (const row of rows) out += line(row) + "\n";
process.stdout.write(out);

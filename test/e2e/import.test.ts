// `crm import`: purchases, contacts and interactions through the built binary — recognised headers,
// validation with line numbers, all-or-nothing writes, --skip-invalid with a rejects file, dry runs,
// and re-imports that add nothing twice.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { crm, crmJson, tempDir, sha256, ROOT } from "../helpers.js";

const FIXTURES = path.join(ROOT, "test", "fixtures");

function query<T = any>(dir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dir, "crm.db"), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const count = (dir: string, table: string) => query<{ n: number }>(dir, `select count(*) n from ${table}`)[0]!.n;

function write(dir: string, name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("crm import purchases", () => {
  it("imports a CDNOW-style log (customer ids, YYYYMMDD dates), creating contacts, and adds nothing on re-import", () => {
    const dir = tempDir();
    const file = write(
      dir,
      "cdnow.csv",
      "customer_id,date,quantity,amount\n00004,19970101,2,29.33\n00004,19970118,2,29.73\n00021,19970101,3,63.34\n00021,19970101,3,63.34\n",
    );
    const first = crm(dir, ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--source", "cdnow", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 4, added: 4, skipped: 0, invalid: 0, createdContacts: 2, committed: true });
    // Two identical rows are two purchases (the derived id counts occurrences).
    expect(query(dir, "select c.name, f.value as customerId, count(*) n, sum(p.amount_minor) total, p.currency from purchases p join contacts c on c.id = p.contact_id join contact_fields f on f.contact_id = c.id and f.key = 'customer_id' group by c.id order by c.id")).toEqual([
      { name: "Customer 00004", customerId: "00004", n: 2, total: 5906, currency: "USD" },
      { name: "Customer 00021", customerId: "00021", n: 2, total: 12668, currency: "USD" },
    ]);
    // A bare date is that calendar day, stored at local midnight (TZ=UTC here).
    expect(query(dir, "select min(at) a from purchases")[0].a).toBe("1997-01-01T00:00:00.000Z");
    const again = crm(dir, ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--source", "cdnow", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 4, added: 0, skipped: 4, createdContacts: 0 });
    expect(count(dir, "purchases")).toBe(4);
    expect(count(dir, "contacts")).toBe(2);
  });

  it("imports the real CDNOW sample: 6,919 purchases of 2,357 customers, and nothing twice", () => {
    const dir = tempDir();
    const lines = fs.readFileSync("/work/shared/data/cdnow/CDNOW_sample.txt", "utf8").trim().split("\n");
    const csv = ["customer_id,date,quantity,amount", ...lines.map((l) => { const [id, , date, qty, amount] = l.trim().split(/\s+/); return `${id},${date},${qty},${amount}`; })].join("\n");
    const file = write(dir, "cdnow.csv", csv);
    const r = crm(dir, ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 6919, added: 6919, createdContacts: 2357 });
    expect(query(dir, "select count(*) n, sum(amount_minor) total, count(distinct contact_id) customers from purchases")[0]).toEqual({ n: 6919, total: 24409194, customers: 2357 });
    expect(JSON.parse(crm(dir, ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--json"]).stdout)).toMatchObject({ added: 0, skipped: 6919 });
  });

  it("matches contacts by email (any case) and keeps the order ids as external refs", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const file = write(
      dir,
      "orders.csv",
      "Order ID,Customer Email,Order Date,Total,Currency,Product\nA-1,ADA@example.com,2024-03-05,1200.50,EUR,Website\nA-2,ada@example.com,2024-03-06T14:30:00Z,\"1,000.00\",GBP,Logo\n",
    );
    const r = crm(dir, ["import", "purchases", file, "--source", "shop"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 new/);
    expect(query(dir, "select contact_id, amount_minor, currency, at, note, source, external_ref from purchases order by id")).toEqual([
      { contact_id: 1, amount_minor: 120050, currency: "EUR", at: "2024-03-05T00:00:00.000Z", note: "Website", source: "shop", external_ref: "A-1" },
      { contact_id: 1, amount_minor: 100000, currency: "GBP", at: "2024-03-06T14:30:00.000Z", note: "Logo", source: "shop", external_ref: "A-2" },
    ]);
    expect(crm(dir, ["import", "purchases", file, "--source", "shop"]).stderr).toMatch(/0 new, 2 already imported/);
  });

  it("refuses unknown emails (naming --create-contacts) and writes nothing", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const file = write(dir, "p.csv", "email,date,amount\nada@example.com,2024-01-01,10\nbob@example.com,2024-01-02,20\n");
    const r = crm(dir, ["import", "purchases", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 3: no contact with email "bob@example.com" (pass --create-contacts to create it)');
    expect(count(dir, "purchases")).toBe(0);
    expect(sha256(db)).toBe(before);
    const created = crm(dir, ["import", "purchases", file, "--create-contacts"]);
    expect(created.code, created.stderr).toBe(0);
    expect(query(dir, "select name, email from contacts order by id")).toEqual([
      { name: "Ada", email: "ada@example.com" },
      { name: "bob@example.com", email: "bob@example.com" },
    ]);
  });

  it("lists every bad row by line number and reason, exits 2 and writes nothing; --skip-invalid writes the good ones and the rejects", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    const file = write(
      dir,
      "p.csv",
      'email,date,amount,note\nada@example.com,2024-01-01,10,ok\nada@example.com,01/02/2024,10,bad date\nada@example.com,2024-01-03,-5,negative\n"ada@example.com",2024-01-04,"12,50",decimal comma\nada@example.com,2024-01-05,7.5,"multi\nline note"\nnot-an-email,2024-01-06,1,bad email\n',
    );
    const r = crm(dir, ["import", "purchases", file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      'line 3: cannot read the date "01/02/2024": use YYYY-MM-DD, YYYYMMDD or an ISO 8601 date-time like 2024-03-05T14:30:00Z',
      'line 4: invalid amount "-5": amounts cannot be negative',
      'line 5: invalid amount "12,50": not a number',
      'line 8: invalid email "not-an-email"',
      "crm: 4 rows of 6 rows are invalid: nothing was imported — fix them, or pass --skip-invalid to import the 2 valid rows and get the rejects in a file",
    ]);
    expect(count(dir, "purchases")).toBe(0);

    const rejects = path.join(dir, "rejects.csv");
    const ok = crm(dir, ["import", "purchases", file, "--skip-invalid", "--rejects", rejects]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(count(dir, "purchases")).toBe(2);
    expect(query(dir, "select note from purchases order by id").map((p) => p.note)).toEqual(["ok", "multi\nline note"]);
    const text = fs.readFileSync(rejects, "utf8");
    expect(text.split("\n")[0]).toBe("email,date,amount,note,line,reason");
    expect(text).toContain('ada@example.com,01/02/2024,10,bad date,3,"cannot read the date ""01/02/2024"": use YYYY-MM-DD');
    expect(text).toContain("not-an-email,2024-01-06,1,bad email,8,");
    expect((fs.statSync(rejects).mode & 0o777).toString(8)).toBe("600");
  });

  it("--dry-run validates and counts without writing anything", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    const file = write(dir, "p.csv", "email,date,amount,order\nada@example.com,2024-01-01,10,o1\nnew@example.com,2024-01-02,20,o2\n");
    crm(dir, ["import", "purchases", file, "--map", "order=external_id", "--create-contacts"]);
    fs.appendFileSync(file, "other@example.com,2024-01-03,30,o3\n");
    const before = sha256(path.join(dir, "crm.db"));
    const r = crm(dir, ["import", "purchases", file, "--create-contacts", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, committed: false, rows: 3, added: 1, skipped: 2, createdContacts: 1 });
    expect(r.stderr).toMatch(/^dry run, nothing written/);
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
    expect(count(dir, "purchases")).toBe(2);
    expect(count(dir, "contacts")).toBe(2);
  });

  it("reads ;-separated files with a BOM, CRLF line ends and --decimal-comma", () => {
    const dir = tempDir();
    crm(dir, ["add", "Zoë", "--email", "zoe@example.com"]);
    const file = write(dir, "p.csv", Buffer.from("\ufeffE-Mail;Datum;Betrag;Währung\r\nzoe@example.com;2024-02-01;1.234,50;EUR\r\n", "utf8"));
    const r = crm(dir, ["import", "purchases", file, "--map", "Datum=date,Betrag=amount,Währung=currency", "--decimal-comma"]);
    expect(r.code, r.stderr).toBe(0);
    expect(query(dir, "select amount_minor, currency from purchases")).toEqual([{ amount_minor: 123450, currency: "EUR" }]);
  });

  it("names the missing column and the file's columns, and rejects unknown --map targets", () => {
    const dir = tempDir();
    const file = write(dir, "p.csv", "who,when,how much\na@example.com,2024-01-01,5\n");
    const r = crm(dir, ["import", "purchases", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no customer \(email, contact id or customer id\) column.*"who", "when", "how much".*--map/);
    const bad = crm(dir, ["import", "purchases", file, "--map", "who=buyer"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--map target "buyer" is not a field this import knows');
    const missing = crm(dir, ["import", "purchases", file, "--map", "nope=email"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--map names the column "nope"');
    const ok = crm(dir, ["import", "purchases", file, "--map", "who=email,when=date,how much=amount", "--create-contacts"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(count(dir, "purchases")).toBe(1);
  });

  it("a missing file exits 2 naming it", () => {
    const dir = tempDir();
    const r = crm(dir, ["import", "purchases", path.join(dir, "nope.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no such file");
  });
});

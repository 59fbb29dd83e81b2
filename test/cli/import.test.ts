// `crm import`: purchases, contacts and interactions, run in-process through main(argv, io) — recognised
// headers, validation with line numbers, all-or-nothing writes, --skip-invalid with a rejects file, dry
// runs, re-imports that add nothing twice, and the progress bar on a terminal.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixtureDir, freshDbDir, ok, run, runJson, sha256, ROOT } from "../helpers.js";

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

/** A database holding one contact, Ada (ada@example.com), built once for this file. */
const withAda = fixtureDir(async (dir) => {
  ok(await run(dir, ["add", "Ada", "--email", "ada@example.com"]));
});

function write(dir: string, name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("crm import purchases", () => {
  const CDNOW_STYLE = "customer_id,date,quantity,amount\n00004,19970101,2,29.33\n00004,19970118,2,29.73\n00021,19970101,3,63.34\n00021,19970101,3,63.34\n";
  const cdnowArgs = (file: string) => ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--source", "cdnow", "--json"];

  it("imports a CDNOW-style log (customer ids, YYYYMMDD dates), creating contacts", async () => {
    const dir = freshDbDir();
    const file = write(dir, "cdnow.csv", CDNOW_STYLE);
    const first = await run(dir, cdnowArgs(file));
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 4, added: 4, skipped: 0, invalid: 0, createdContacts: 2, committed: true });
    // Two identical rows are two purchases (the derived id counts occurrences).
    expect(
      query(
        dir,
        "select c.name, f.value as customerId, count(*) n, sum(p.amount_minor) total, p.currency from purchases p join contacts c on c.id = p.contact_id join contact_fields f on f.contact_id = c.id and f.key = 'customer_id' group by c.id order by c.id",
      ),
    ).toEqual([
      { name: "Customer 00004", customerId: "00004", n: 2, total: 5906, currency: "USD" },
      { name: "Customer 00021", customerId: "00021", n: 2, total: 12668, currency: "USD" },
    ]);
    // A bare date is that calendar day, stored at local midnight (TZ=UTC here).
    expect(query(dir, "select min(at) a from purchases")[0].a).toBe("1997-01-01T00:00:00.000Z");
  });

  it("re-importing a CDNOW-style log adds no purchase and no contact twice", async () => {
    const dir = freshDbDir();
    const file = write(dir, "cdnow.csv", CDNOW_STYLE);
    ok(await run(dir, cdnowArgs(file)));
    const again = await run(dir, cdnowArgs(file));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 4, added: 0, skipped: 4, createdContacts: 0 });
    expect(count(dir, "purchases")).toBe(4);
    expect(count(dir, "contacts")).toBe(2);
  });

  it("imports the real CDNOW sample: 6,919 purchases of 2,357 customers, and nothing twice", async () => {
    const dir = freshDbDir();
    const lines = fs
      .readFileSync(path.join(FIXTURES, "cdnow", "CDNOW_sample.txt"), "utf8")
      .trim()
      .split("\n");
    const csv = [
      "customer_id,date,quantity,amount",
      ...lines.map((l) => {
        const [id, , date, qty, amount] = l.trim().split(/\s+/);
        return `${id},${date},${qty},${amount}`;
      }),
    ].join("\n");
    const file = write(dir, "cdnow.csv", csv);
    const r = await run(dir, ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 6919, added: 6919, createdContacts: 2357 });
    expect(query(dir, "select count(*) n, sum(amount_minor) total, count(distinct contact_id) customers from purchases")[0]).toEqual({
      n: 6919,
      total: 24409194,
      customers: 2357,
    });
    expect(JSON.parse((await run(dir, ["import", "purchases", file, "--create-contacts", "--currency", "USD", "--json"])).stdout)).toMatchObject({
      added: 0,
      skipped: 6919,
    });
  });

  const ORDERS =
    'Order ID,Customer Email,Order Date,Total,Currency,Product\nA-1,ADA@example.com,2024-03-05,1200.50,EUR,Website\nA-2,ada@example.com,2024-03-06T14:30:00Z,"1,000.00",GBP,Logo\n';

  it("matches contacts by email (any case) and keeps the order ids as external refs", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const file = write(dir, "orders.csv", ORDERS);
    const r = await run(dir, ["import", "purchases", file, "--source", "shop"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 new/);
    expect(query(dir, "select contact_id, amount_minor, currency, at, note, source, external_ref from purchases order by id")).toEqual([
      { contact_id: 1, amount_minor: 120050, currency: "EUR", at: "2024-03-05T00:00:00.000Z", note: "Website", source: "shop", external_ref: "A-1" },
      { contact_id: 1, amount_minor: 100000, currency: "GBP", at: "2024-03-06T14:30:00.000Z", note: "Logo", source: "shop", external_ref: "A-2" },
    ]);
  });

  it("re-importing orders already imported says so: 0 new, 2 already imported", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const file = write(dir, "orders.csv", ORDERS);
    ok(await run(dir, ["import", "purchases", file, "--source", "shop"]));
    expect((await run(dir, ["import", "purchases", file, "--source", "shop"])).stderr).toMatch(/0 new, 2 already imported/);
  });

  const UNKNOWN_EMAIL = "email,date,amount\nada@example.com,2024-01-01,10\nbob@example.com,2024-01-02,20\n";

  it("refuses unknown emails (naming --create-contacts) and writes nothing", async () => {
    const dir = await withAda();
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const file = write(dir, "p.csv", UNKNOWN_EMAIL);
    const r = await run(dir, ["import", "purchases", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 3: no contact with email "bob@example.com" (pass --create-contacts to create it)');
    expect(count(dir, "purchases")).toBe(0);
    expect(sha256(db)).toBe(before);
  });

  it("--create-contacts creates a contact, named by the email, for each unknown email", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", UNKNOWN_EMAIL);
    const created = await run(dir, ["import", "purchases", file, "--create-contacts"]);
    expect(created.code, created.stderr).toBe(0);
    expect(query(dir, "select name, email from contacts order by id")).toEqual([
      { name: "Ada", email: "ada@example.com" },
      { name: "bob@example.com", email: "bob@example.com" },
    ]);
  });

  const BAD_ROWS =
    'email,date,amount,note\nada@example.com,2024-01-01,10,ok\nada@example.com,01/02/2024,10,bad date\nada@example.com,2024-01-03,abc,not a number\n"ada@example.com",2024-01-04,"12,50",decimal comma\nada@example.com,2024-01-05,7.5,"multi\nline note"\nnot-an-email,2024-01-06,1,bad email\n';

  it("lists every bad row by line number and reason, exits 2 and writes nothing", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", BAD_ROWS);
    const r = await run(dir, ["import", "purchases", file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      'line 3: cannot read the date "01/02/2024": it is ambiguous: 2024-02-01 (day first) or 2024-01-02 (month first); give --date-format (e.g. dd/MM/yyyy or MM/dd/yyyy), or run crm config set date-order dmy (or mdy)',
      'line 4: invalid amount "abc": not a number',
      'line 5: invalid amount "12,50": a decimal comma is ambiguous; write the decimals with a point, e.g. 12.50',
      'line 8: invalid email "not-an-email"',
      "crm: 4 rows of 6 rows are invalid: nothing was imported — fix them, or pass --skip-invalid to import the 2 valid rows and get the rejects in a file",
    ]);
    expect(count(dir, "purchases")).toBe(0);
  });

  it("--skip-invalid writes the good rows, and the bad ones with line and reason to a private --rejects file", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", BAD_ROWS);
    const rejects = path.join(dir, "rejects.csv");
    const ok = await run(dir, ["import", "purchases", file, "--skip-invalid", "--rejects", rejects]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(count(dir, "purchases")).toBe(2);
    expect(query(dir, "select note from purchases order by id").map((p) => p.note)).toEqual(["ok", "multi\nline note"]);
    const text = fs.readFileSync(rejects, "utf8");
    expect(text.split("\n")[0]).toBe("email,date,amount,note,line,reason");
    expect(text).toContain('ada@example.com,01/02/2024,10,bad date,3,"cannot read the date ""01/02/2024"": it is ambiguous');
    expect(text).toContain("not-an-email,2024-01-06,1,bad email,8,");
    expect((fs.statSync(rejects).mode & 0o777).toString(8)).toBe("600");
  });

  it("--skip-invalid over many batches: every good row written once, rejects listed in file order", async () => {
    const dir = await withAda();
    const lines = ["email,date,amount,order_id"];
    const bad: number[] = [];
    for (let i = 0; i < 9000; i++) {
      const line = lines.length + 1;
      if (i % 997 === 5) {
        lines.push(`ada@example.com,not a date,10,O-${i}`);
        bad.push(line);
      } else if (i % 1499 === 7) {
        lines.push(`nobody@example.com,2024-01-02,10,O-${i}`);
        bad.push(line);
      } else lines.push(`ada@example.com,2024-01-02,1.${String(i % 100).padStart(2, "0")},O-${i % 8000}`);
    }
    const file = write(dir, "many.csv", lines.join("\n") + "\n");
    const rejects = path.join(dir, "rejects.csv");
    const res = await run(dir, ["import", "purchases", file, "--skip-invalid", "--rejects", rejects]);
    expect(res.code, res.stderr).toBe(0);
    const rejected = fs
      .readFileSync(rejects, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => Number(l.split(",")[4]));
    expect(rejected).toEqual(bad);
    const refs = new Set(lines.slice(1).flatMap((l, i) => (bad.includes(i + 2) ? [] : [l.split(",")[3]])));
    expect(count(dir, "purchases")).toBe(refs.size);
    expect(query(dir, "select count(distinct external_ref) n from purchases")[0].n).toBe(refs.size);
  });

  const ONE_BAD = "email,date,amount\nada@example.com,2024-01-01,10\nada@example.com,bad,10\n";

  it("refuses --rejects that would overwrite the input before importing anything", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", ONE_BAD);
    const over = await run(dir, ["import", "purchases", file, "--skip-invalid", "--rejects", file]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain("would overwrite the file being imported");
    expect(fs.readFileSync(file, "utf8")).toContain("ada@example.com,bad,10");
    expect(count(dir, "purchases")).toBe(0);
  });

  it("refuses --rejects without --skip-invalid before importing anything", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", ONE_BAD);
    expect((await run(dir, ["import", "purchases", file, "--rejects", path.join(dir, "r.csv")])).stderr).toContain("--rejects needs --skip-invalid");
    expect(count(dir, "purchases")).toBe(0);
  });

  it("refuses a rejects file it cannot write before importing anything (exit 2, nothing imported)", async () => {
    const dir = await withAda();
    const before = sha256(path.join(dir, "crm.db"));
    const file = write(dir, "p.csv", ONE_BAD);
    const r = await run(dir, ["import", "purchases", file, "--skip-invalid", "--rejects", "/no/such/dir/x.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crm: cannot write the rejects file "/no/such/dir/x.csv": ENOENT — choose another path with --rejects\n');
    expect(count(dir, "purchases")).toBe(0);
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
  });

  it("refuses a directory as the rejects file before importing anything", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", ONE_BAD);
    expect((await run(dir, ["import", "purchases", file, "--skip-invalid", "--rejects", dir])).stderr).toContain("it is a directory");
    expect(count(dir, "purchases")).toBe(0);
  });

  it("--dry-run validates and counts without writing anything", async () => {
    const dir = await withAda();
    const file = write(dir, "p.csv", "email,date,amount,order\nada@example.com,2024-01-01,10,o1\nnew@example.com,2024-01-02,20,o2\n");
    await run(dir, ["import", "purchases", file, "--map", "order=external_id", "--create-contacts"]);
    fs.appendFileSync(file, "other@example.com,2024-01-03,30,o3\n");
    const before = sha256(path.join(dir, "crm.db"));
    const r = await run(dir, ["import", "purchases", file, "--create-contacts", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, committed: false, rows: 3, added: 1, skipped: 2, createdContacts: 1 });
    expect(r.stderr).toMatch(/^dry run, nothing written/);
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
    expect(count(dir, "purchases")).toBe(2);
    expect(count(dir, "contacts")).toBe(2);
  });

  it("reads ;-separated files with a BOM, CRLF line ends and --decimal-comma", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Zoë", "--email", "zoe@example.com"]);
    const file = write(dir, "p.csv", Buffer.from("\ufeffE-Mail;Datum;Betrag;Währung\r\nzoe@example.com;2024-02-01;1.234,50;EUR\r\n", "utf8"));
    const r = await run(dir, ["import", "purchases", file, "--map", "Datum=date,Betrag=amount,Währung=currency", "--decimal-comma"]);
    expect(r.code, r.stderr).toBe(0);
    expect(query(dir, "select amount_minor, currency from purchases")).toEqual([{ amount_minor: 123450, currency: "EUR" }]);
  });

  const UNNAMED = "who,when,how much\na@example.com,2024-01-01,5\n";

  it("names the missing column and the file's columns, pointing at --map (exit 2)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", UNNAMED);
    const r = await run(dir, ["import", "purchases", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no customer \(email, contact id or customer id\) column.*"who", "when", "how much".*--map/);
  });

  it("rejects an unknown --map target (exit 2)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", UNNAMED);
    const bad = await run(dir, ["import", "purchases", file, "--map", "who=buyer"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--map target "buyer" is not a field this import knows');
  });

  it("rejects --map naming a column the file does not have (exit 2)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", UNNAMED);
    const missing = await run(dir, ["import", "purchases", file, "--map", "nope=email"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--map names the column "nope"');
  });

  it("--map names the columns of a file whose headers it does not recognise", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", UNNAMED);
    const ok = await run(dir, ["import", "purchases", file, "--map", "who=email,when=date,how much=amount", "--create-contacts"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(count(dir, "purchases")).toBe(1);
  });

  it("a missing file exits 2 naming it", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "purchases", path.join(dir, "nope.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no such file");
    expect(r.stderr).toContain(`"${path.join(dir, "nope.csv")}"`);
  });
});

const contacts = (dir: string) => runJson<any[]>(dir, ["contact", "list"]);
const byName = async (dir: string, name: string) => (await contacts(dir)).find((c) => c.name === name);

describe("crm import contacts from address-book exports", () => {
  it("reads a Google Contacts CSV: names, several emails and phones, labels as tags, custom fields", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "contacts", path.join(FIXTURES, "contacts", "google-contacts.csv")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 new/);
    const ada = await byName(dir, "Ada Lovelace");
    expect(ada).toMatchObject({
      email: "ada@analytical.example",
      phone: "+44 20 7946 0001",
      company: "Analytical Engines Ltd",
      title: "Founder",
      note: "Met at the Royal Society.\nWants a quote for the Q3 workshop.",
      tags: ["Clients", "VIP"],
    });
    expect(ada.fields).toEqual({
      "Customer since": "2019",
      address: "12 St James's Square\nLondon SW1Y 4JH\nUnited Kingdom",
      "address label": "work",
      birthday: "1815-12-10",
      department: "Research",
      // Each email and phone keeps the label of its "- Label" column (one label for a " ::: " cell).
      "email label": "work",
      "email 2": "ada.byron@home.example",
      "email 2 label": "work",
      "email 3": "countess@lovelace.example",
      "email 3 label": "home",
      "name prefix": "Countess",
      nickname: "Ada",
      "phone label": "mobile",
      "phone 2": "+44 20 7946 0002",
      "phone 2 label": "work",
      website: "https://analytical.example",
    });
    expect(await byName(dir, "José Núñez")).toMatchObject({ email: "jose@panaderia.example", company: "Panadería Núñez", tags: ["Suppliers"] });
    expect((await byName(dir, "Grace Brewster Hopper")).fields).toEqual({ birthday: "--12-09", "email label": "work" });
    // No name at all: the company names the contact.
    expect(await byName(dir, "Harbour Bakery")).toMatchObject({ company: "Harbour Bakery", phone: "+44 1632 960000", email: null });
  });

  it("reads an Outlook CSV (BOM, CRLF, Title = prefix, 0/0/00 dates and Normal/SMTP noise dropped)", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "contacts", path.join(FIXTURES, "contacts", "outlook.csv")]);
    expect(r.code, r.stderr).toBe(0);
    const soren = await byName(dir, "Søren Kierkegaard");
    expect(soren).toMatchObject({
      email: "soren@filosofi.example",
      phone: "+45 20 12 34 56",
      company: "Københavns Filosofi ApS",
      title: "Consultant",
      note: 'Prefers long letters, "Either/Or" fan.\nCall after 10.',
      tags: ["Clients", "Philosophy"],
    });
    expect(soren.fields).toEqual({
      // The address parts, one column each, joined into one address.
      address: "København, Denmark",
      "address label": "work",
      birthday: "5/5/1813",
      "email 2": "sk@home.example",
      "name prefix": "Dr.",
      // Outlook's column names are the labels.
      "phone label": "mobile",
      "phone 2": "+45 33 12 34 56",
      "phone 2 label": "work",
      website: "https://filosofi.example",
    });
    const mei = await byName(dir, "Mei Chen");
    expect(mei).toMatchObject({ email: "mei@pixelorchard.example", title: "Designer", tags: ["Prospects"], fields: {} });
  });

  it("reads a HubSpot export, keeping its other columns as fields", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["import", "contacts", path.join(FIXTURES, "contacts", "hubspot.csv")])).code).toBe(0);
    const kofi = await byName(dir, "Kofi Mensah");
    expect(kofi).toMatchObject({ email: "kofi@mensah.example", phone: "+233 30 000 0000", company: "Mensah Logistics", title: "COO" });
    expect(kofi.fields).toMatchObject({ "Record ID": "51", "Lifecycle Stage": "Lead", "Lead Status": "Open", City: "Accra" });
    expect(await byName(dir, "Priya Raman")).toMatchObject({ phone: "+91 98 0000 0000", company: "Raman Textiles", title: "Owner" });
  });

  it("reads a multi-contact vCard 3.0 from a phone: folded lines, non-ASCII names, preferred email first", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "contacts", path.join(FIXTURES, "contacts", "phone-contacts.vcf")]);
    expect(r.code, r.stderr).toBe(0);
    expect((await contacts(dir)).map((c) => c.name).sort()).toEqual(["Antonín Leopold Dvořák", "Plumber (emergency)", "Ελένη Ζαχαρίου", "山田 太郎"].sort());
    const dvorak = await byName(dir, "Antonín Leopold Dvořák");
    expect(dvorak).toMatchObject({
      email: "antonin@dvorak.example",
      phone: "+420 601 234 567",
      company: "Nelahozeves Music",
      title: "Composer",
      note: "Met at the Rudolfinum after the rehearsal of the New World symphony. Prefers phone calls in the morning, never on Sundays.\nHas two dogs.",
      tags: ["client", "vip"],
    });
    expect(dvorak.fields).toEqual({
      address: "Žitná 14, Praha, 120 00, Czechia",
      "address label": "home",
      birthday: "1841-09-08",
      department: "Composition",
      // Apple's X-ABLabel of an itemN group, else the TYPE.
      "email label": "other",
      "email 2": "a.dvorak@conservatory.example",
      "email 2 label": "work",
      "phone label": "mobile",
      "phone 2": "+420 2 1234 5678",
      "phone 2 label": "home",
    });
    // TYPE=PREF on the second EMAIL makes it the contact's email.
    expect(await byName(dir, "Ελένη Ζαχαρίου")).toMatchObject({ email: "eleni@zachariou.example", fields: { "email 2": "eleni.home@example.gr" } });
    expect(await byName(dir, "山田 太郎")).toMatchObject({ email: "taro@yamada.example", company: "山田商店", tags: ["supplier"] });
    expect(await byName(dir, "Plumber (emergency)")).toMatchObject({ email: null, phone: "+44 7700 900123" });
  });

  it("reads a vCard 4.0: PREF=1, tel: URIs, BDAY in basic format", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["import", "contacts", path.join(FIXTURES, "contacts", "contacts-v4.vcf")])).code).toBe(0);
    const [grace] = await contacts(dir);
    expect(grace).toMatchObject({
      name: "Grace Brewster Hopper",
      email: "grace@navy.example",
      phone: "+1-555-555-0100",
      company: "US Navy",
      title: "Rear Admiral",
      note: "Invented the first compiler.\nLoves nanoseconds, and a good COBOL program.",
      tags: ["navy", "pioneer"],
    });
    expect(grace.fields).toEqual({
      anniversary: "1930-06-15",
      birthday: "1906-12-09",
      department: "Computing",
      "email label": "work",
      "email 2": "grace.hopper@example.org",
      "email 2 label": "home",
      "name prefix": "Dr.",
      "phone label": "mobile",
      "phone 2": "+1-555-555-0199",
      "phone 2 label": "work",
      website: "https://example.org/grace",
    });
  });

  it("refuses a card it cannot read with the reason, by line, and writes nothing", async () => {
    const dir = freshDbDir();
    const file = write(
      dir,
      "bad.vcf",
      "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ok\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=NO-SUCH-CHARSET;ENCODING=QUOTED-PRINTABLE:=C3=89mile\r\nEND:VCARD\r\n",
    );
    const r = await run(dir, ["import", "contacts", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 5: cannot read this vCard: unknown CHARSET "NO-SUCH-CHARSET" in a QUOTED-PRINTABLE value');
    expect(fs.existsSync(path.join(dir, "crm.db")) ? await contacts(dir) : []).toEqual([]);
  });
});

describe("crm import contacts: validation, duplicates, dry runs", () => {
  const thousand = (badLine?: number) => {
    const rows = ["name,email,phone"];
    for (let i = 1; i <= 1000; i++)
      rows.push(`Person ${i},${i + 1 === badLine ? "person.at.example.com" : `person${i}@example.com`},+1 555 ${String(i).padStart(4, "0")}`);
    return rows.join("\n") + "\n";
  };

  it("one invalid email among 1,000 rows: imports nothing, exits 2 and names the line", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Someone"]);
    const before = sha256(path.join(dir, "crm.db"));
    const file = write(dir, "people.csv", thousand(501));
    const r = await run(dir, ["import", "contacts", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      'line 501: invalid email "person.at.example.com"',
      "crm: 1 row of 1,000 rows is invalid: nothing was imported — fix it, or pass --skip-invalid to import the 999 valid rows and get the rejects in a file",
    ]);
    expect(await contacts(dir)).toHaveLength(1);
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
    expect(fs.existsSync(`${file}.rejects.csv`)).toBe(false);
  });

  it("with --skip-invalid imports the 999 and writes the one reject, formula-safe (default <file>.rejects.csv)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "people.csv", thousand(501));
    const r = await run(dir, ["import", "contacts", file, "--skip-invalid", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 1000, added: 999, invalid: 1, rejectsFile: `${file}.rejects.csv` });
    expect(await contacts(dir)).toHaveLength(999);
    const rejects = fs.readFileSync(`${file}.rejects.csv`, "utf8").trim().split("\n");
    // Formula-safe, but a phone number ("+1 555 0500") is no formula and stays as it is, so the fixed
    // rejects file imports back as it was.
    expect(rejects).toEqual(["name,email,phone,line,reason", `Person 500,person.at.example.com,+1 555 0500,501,"invalid email ""person.at.example.com"""`]);
  });

  it("the rejects file, once fixed, imports back as it was: the ' dropped, line and reason not made fields", async () => {
    const dir = freshDbDir();
    const file = write(dir, "people.csv", thousand(501));
    ok(await run(dir, ["import", "contacts", file, "--skip-invalid", "--json"]));
    const rejects = fs.readFileSync(`${file}.rejects.csv`, "utf8").trim().split("\n");
    fs.writeFileSync(`${file}.rejects.csv`, rejects.join("\n").replace("person.at.example.com,", "person500@example.com,") + "\n");
    expect((await run(dir, ["import", "contacts", `${file}.rejects.csv`, "--json"])).code).toBe(0);
    // Its line and reason columns are bookkeeping, not custom fields.
    expect(await byName(dir, "Person 500")).toMatchObject({ email: "person500@example.com", phone: "+1 555 0500", fields: {} });
  });

  /** Ada already there (phone, tag), and a file with Ada in other letter case and Bob. */
  async function adaAndFile(): Promise<{ dir: string; file: string }> {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--phone", "+44 1", "--tag", "client"]);
    const file = write(dir, "c.csv", "Name,Email,Phone,Company,Tags\nAda King,ADA@Example.com,,Engines,vip\nBob,bob@example.com,+1 2,,\n");
    return { dir, file };
  }

  it("skips a contact whose email is already there, in any letter case, by default", async () => {
    const { dir, file } = await adaAndFile();
    const skip = await run(dir, ["import", "contacts", file, "--json"]);
    expect(JSON.parse(skip.stdout)).toMatchObject({ added: 1, skipped: 1, updated: 0 });
    expect(await byName(dir, "Ada Lovelace")).toMatchObject({ phone: "+44 1", company: null, tags: ["client"] });
  });

  it("--on-duplicate update: the file's values win, empty cells keep what is there, tags are added", async () => {
    const { dir, file } = await adaAndFile();
    ok(await run(dir, ["import", "contacts", file, "--json"]));
    const update = await run(dir, ["import", "contacts", file, "--on-duplicate", "update", "--json"]);
    expect(update.code, update.stderr).toBe(0);
    // Ada changes; Bob is already exactly as in the file, so he counts as skipped.
    expect(JSON.parse(update.stdout)).toMatchObject({ added: 0, updated: 1, skipped: 1 });
    // The file's values win, empty cells keep what is there, tags are added.
    expect(await byName(dir, "Ada King")).toMatchObject({ email: "ada@example.com", phone: "+44 1", company: "Engines", tags: ["client", "vip"] });
  });

  it("--on-duplicate error: exit 4 naming each duplicate by line and id, nothing added", async () => {
    const { dir, file } = await adaAndFile();
    ok(await run(dir, ["import", "contacts", file, "--json"]));
    const error = await run(dir, ["import", "contacts", file, "--on-duplicate", "error"]);
    expect(error.code).toBe(4);
    expect(error.stderr).toContain('line 2: a contact with email "ada@example.com" already exists (#1)');
    expect(error.stderr).toContain('line 3: a contact with email "bob@example.com" already exists (#2)');
    expect(await contacts(dir)).toHaveLength(2);
  });

  it("re-importing the same export adds nobody twice (contacts without email match on name and phone)", async () => {
    const dir = freshDbDir();
    const file = path.join(FIXTURES, "contacts", "google-contacts.csv");
    expect(JSON.parse((await run(dir, ["import", "contacts", file, "--json"])).stdout)).toMatchObject({ added: 4 });
    expect(JSON.parse((await run(dir, ["import", "contacts", file, "--json"])).stdout)).toMatchObject({ added: 0, skipped: 4 });
    const vcf = path.join(FIXTURES, "contacts", "phone-contacts.vcf");
    expect(JSON.parse((await run(dir, ["import", "contacts", vcf, "--json"])).stdout)).toMatchObject({ added: 4 });
    expect(JSON.parse((await run(dir, ["import", "contacts", vcf, "--json"])).stdout)).toMatchObject({ added: 0, skipped: 4 });
    expect(await contacts(dir)).toHaveLength(8);
  });

  it("a contact without email and with the same name but another phone is another person", async () => {
    const dir = freshDbDir();
    ok(await run(dir, ["import", "contacts", path.join(FIXTURES, "contacts", "google-contacts.csv")]));
    const other = write(dir, "p.csv", "name,phone\nHarbour Bakery,+44 1632 960999\n");
    expect(JSON.parse((await run(dir, ["import", "contacts", other, "--json"])).stdout)).toMatchObject({ added: 1 });
  });

  const REPEATED = "name,email\nAda,ada@example.com\nAda again,ADA@example.com\n";

  it("a repeated email within the file is a duplicate too: --on-duplicate error names both lines (exit 4)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "c.csv", REPEATED);
    const error = await run(dir, ["import", "contacts", file, "--on-duplicate", "error"]);
    expect(error.code).toBe(4);
    expect(error.stderr).toContain('line 3: the email "ada@example.com" is also on line 2');
  });

  it("a repeated email within the file is skipped by default", async () => {
    const dir = freshDbDir();
    const file = write(dir, "c.csv", REPEATED);
    const skip = await run(dir, ["import", "contacts", file, "--json"]);
    expect(JSON.parse(skip.stdout)).toMatchObject({ added: 1, skipped: 1 });
  });

  it("--dry-run reports new, updated, skipped and invalid exactly, and writes nothing", async () => {
    const dir = await withAda();
    await run(dir, ["add", "Bob", "--email", "bob@example.com"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const file = write(dir, "c.csv", "name,email,company\nAda,ada@example.com,Engines\nBob,bob@example.com,\nCy,cy@example.com,\nDee,dee@example,\n");
    const r = await run(dir, ["import", "contacts", file, "--on-duplicate", "update", "--dry-run", "--skip-invalid", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, committed: false, rows: 4, added: 1, updated: 1, skipped: 1, invalid: 1, rejectsFile: null });
    expect(r.stderr).toContain('line 5: invalid email "dee@example"');
    expect(r.stderr).toMatch(/dry run, nothing written: c\.csv would import 4 rows of contacts — 1 new, 1 updated, 1 skipped/);
    expect(sha256(db)).toBe(before);
    expect(fs.existsSync(`${file}.rejects.csv`)).toBe(false);
    expect(await contacts(dir)).toHaveLength(2);
  });

  it("reads ;-separated files with a BOM, CRLF and quoted line breaks; --map names columns and custom fields", async () => {
    const dir = freshDbDir();
    const text =
      '\ufeffVollständiger Name;Mail;Kundennummer;Notiz\r\n"Zoë Müller";zoe@example.de;K-17;"Zeile 1\r\nZeile 2; mit Semikolon"\r\nJürgen Groß;jurgen@example.de;K-18;\r\n';
    const file = write(dir, "kunden.csv", Buffer.from(text, "utf8"));
    const r = await run(dir, ["import", "contacts", file, "--map", "Vollständiger Name=name,Mail=email,Kundennummer=field:customer number,Notiz=note"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await byName(dir, "Zoë Müller")).toMatchObject({
      email: "zoe@example.de",
      note: "Zeile 1\nZeile 2; mit Semikolon",
      fields: { "customer number": "K-17" },
    });
    expect(await byName(dir, "Jürgen Groß")).toMatchObject({ email: "jurgen@example.de", fields: { "customer number": "K-18" } });
  });

  const NO_NAME = "foo,bar\n1,2\n";

  it("refuses a file without any name, email, phone or company column, naming its columns", async () => {
    const dir = freshDbDir();
    const file = write(dir, "c.csv", NO_NAME);
    const r = await run(dir, ["import", "contacts", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no name, email, phone or company column; its columns are: "foo", "bar"');
  });

  it("refuses an unknown --map target (exit 2)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "c.csv", NO_NAME);
    const bad = await run(dir, ["import", "contacts", file, "--map", "foo=nickname2"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--map target "nickname2" is not a contact field');
  });

  it("refuses an unknown --on-duplicate (exit 2)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "c.csv", NO_NAME);
    expect((await run(dir, ["import", "contacts", file, "--on-duplicate", "merge"])).code).toBe(2);
  });

  it("reads text that is not UTF-8 as Windows-1252, and says so", async () => {
    const dir = freshDbDir();
    const file = write(dir, "latin1.csv", Buffer.from("name,email\nJos\xe9,jose@example.com\n", "latin1"));
    const r = await run(dir, ["import", "contacts", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/is not UTF-8: read as Windows-1252 \(Latin-1\)/);
    expect(query(dir, "select name from contacts")).toEqual([{ name: "José" }]);
  });
});

describe("crm import interactions", () => {
  /** Ada (with an email) and Bob Stone (without), and a file of three activities. */
  async function twoContactsAndFile(): Promise<{ dir: string; file: string }> {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    await run(dir, ["add", "Bob Stone"]);
    const file = write(
      dir,
      "activities.csv",
      'Contact,Email,Type,Subject,Date\nAda Lovelace,ADA@example.com,Phone call,"Talked about Q3, sent quote",2024-03-05 10:00\nbob stone,,meeting,Coffee,2024-03-06\nbob stone,,meeting,Coffee,2024-03-06\n',
    );
    return { dir, file };
  }

  it("finds contacts by email or exact name and maps types", async () => {
    const { dir, file } = await twoContactsAndFile();
    const r = await run(dir, ["import", "interactions", file, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 3, added: 3 });
    const list = await runJson(dir, ["log", "list"]);
    expect(list.map((i: any) => [i.contactName, i.type, i.summary, i.at])).toEqual([
      ["Bob Stone", "meeting", "Coffee", "2024-03-06T00:00:00.000Z"],
      ["Bob Stone", "meeting", "Coffee", "2024-03-06T00:00:00.000Z"],
      ["Ada Lovelace", "call", "Talked about Q3, sent quote", "2024-03-05T10:00:00.000Z"],
    ]);
  });

  it("re-importing the same activities adds nothing", async () => {
    const { dir, file } = await twoContactsAndFile();
    ok(await run(dir, ["import", "interactions", file, "--json"]));
    const again = await run(dir, ["import", "interactions", file, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, skipped: 3 });
    expect(await runJson(dir, ["log", "list"])).toHaveLength(3);
  });

  it("reports unknown types and unknown contacts by line, and writes nothing", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Bob"]);
    const file = write(
      dir,
      "i.csv",
      "name,email,type,summary,date\nBob,,fax,Sent a fax,2024-01-01\nNobody,,note,x,2024-01-01\n,new@example.com,email,Hello,2024-01-02\nBob,,note,,2024-01-02\n",
    );
    const r = await run(dir, ["import", "interactions", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").slice(0, 4)).toEqual([
      'line 2: unknown interaction type "fax": use one of call, email, meeting, message, note, issue',
      'line 3: no contact named "Nobody"',
      'line 4: no contact with email "new@example.com" (pass --create-contacts to create it)',
      "line 5: no summary",
    ]);
    expect(await runJson(dir, ["log", "list"])).toEqual([]);
  });
});

describe("the import progress bar", () => {
  afterEach(() => vi.restoreAllMocks());

  it("appears on a terminal's stderr for an import that takes more than a moment, and is erased at the end", async () => {
    const dir = freshDbDir();
    const rows = ["customer_id,date,amount"];
    for (let i = 0; i < 20_000; i++) rows.push(`${i % 5000},2024-01-${String((i % 28) + 1).padStart(2, "0")},${(i % 900) + 1}.50`);
    const file = write(dir, "big.csv", rows.join("\n") + "\n");
    // "More than a moment" on any machine, however fast: the bar's clock advances a tenth of a second
    // at each reading (the bar is the only reader of Date.now in crm).
    let clock = Date.now();
    vi.spyOn(Date, "now").mockImplementation(() => (clock += 100));
    const r = await run(dir, ["import", "purchases", file, "--create-contacts"], { tty: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/importing big\.csv \[#+-*\] +\d+% \d+s/);
    expect(r.stderr).toContain("\r\x1b[K");
    expect(r.stderr).toMatch(/imported big\.csv: 20,000 rows of purchases/);
  });
});

// Files as they come: encodings (UTF-16 with and without BOM, Windows-1252 anywhere in the file), separators,
// preambles, totals rows, two columns for one field, oversized records; dates as exports write them and as
// users settle them; refund rows; guest sales; the preset options; refunds by hand and what reports count.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, ROOT, run as runCrm, runJson } from "../helpers.js";

const NOW = { CRM_NOW: "2026-04-01T12:00:00Z" };
const run = (dir: string, args: string[], env: Record<string, string> = {}) => runCrm(dir, args, { env: { ...NOW, ...env } });
const json = <T = any>(dir: string, args: string[]) => runJson<T>(dir, args, { env: NOW });
const fixture = (name: string) => path.join(ROOT, "test", "fixtures", "imports", name);
const write = (dir: string, name: string, data: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
};
const importJson = async (dir: string, args: string[]) => {
  const r = await run(dir, ["import", "purchases", ...args, "--json"]);
  return { ...r, summary: r.stdout ? JSON.parse(r.stdout) : undefined };
};
const purchases = (dir: string) =>
  json<{ contactName: string | null; amount: string; refunded: string; currency: string; at: string; externalRef: string }[]>(dir, ["purchase", "list"]);

const ORDERS = "email,name,date,amount,currency,order id\njose@example.com,José Müller,2026-03-05,12.50,EUR,A1\n";

describe("encodings", () => {
  const text = "email,name,date,amount,currency,order id\nines@example.com,Inès Ørsted,2026-03-05,12.50,EUR,A1\n";
  const utf16be = (s: string) => Buffer.from(s, "utf16le").swap16();

  it.each([
    ["UTF-8 with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), undefined],
    ["UTF-16 LE with a BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), undefined],
    ["UTF-16 BE with a BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]), undefined],
    ["UTF-16 LE without a BOM", Buffer.from(text, "utf16le"), /has no byte-order mark but reads as UTF-16LE/],
    ["UTF-16 BE without a BOM", utf16be(text), /has no byte-order mark but reads as UTF-16BE/],
  ])("reads %s", async (_what, bytes, note) => {
    const dir = freshDbDir();
    const r = await importJson(dir, [write(dir, "p.csv", bytes), "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    if (note) expect(r.stderr).toMatch(note);
    else expect(r.stderr).not.toMatch(/warning/);
    expect((await purchases(dir)).map((p) => p.contactName)).toEqual(["Inès Ørsted"]);
  });

  it("checks the whole file: a Windows-1252 name past the first 64 KB is decoded, and stderr says so", async () => {
    const dir = freshDbDir();
    const rows = Array.from({ length: 2000 }, (_, i) => `buyer${i}@example.com,Buyer ${i},2026-03-05,1.00,EUR,B${i}`).join("\n");
    const bytes = Buffer.from(`email,name,date,amount,currency,order id\n${rows}\njose@example.com,Jos\xe9 M\xfcller,2026-03-06,9.99,EUR,LAST\n`, "latin1");
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const r = await importJson(dir, [write(dir, "p.csv", bytes), "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("is not UTF-8: read as Windows-1252 (Latin-1)");
    expect(r.summary.notes[0]).toContain("Windows-1252");
    expect((await json(dir, ["contact", "list", "--search", "jose@"])).map((c: { name: string }) => c.name)).toEqual(["José Müller"]);
  });

  it("--encoding names the encoding; an unknown one is refused before anything is read", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", Buffer.from(ORDERS.replace("José", "Jos\xe9"), "latin1"));
    const r = await importJson(dir, [file, "--create-contacts", "--encoding", "latin1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect((await purchases(dir))[0]!.contactName).toBe("José Müller");
    const bad = await run(dir, ["import", "purchases", file, "--encoding", "ebcdic"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'crm: unknown --encoding "ebcdic" — use one of: utf-8, utf-16le, utf-16be, windows-1252, latin1\n']);
  });
});

describe("shapes", () => {
  it.each([
    ["|", "pipe"],
    [";", "semicolon"],
    ["\t", "tab"],
  ])("reads %s-separated files (%s)", async (sep) => {
    const dir = freshDbDir();
    const r = await importJson(dir, [write(dir, "p.csv", ORDERS.replaceAll(",", sep)), "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    expect((await purchases(dir)).map((p) => [p.externalRef, p.amount])).toEqual([["A1", "12.50"]]);
  });

  it("skips a preamble before a recognised header by itself, and says so", async () => {
    const dir = freshDbDir();
    const stripe = fs.readFileSync(fixture("stripe/unified_payments.csv"), "utf8");
    const file = write(dir, "payments.csv", `Payments export, account Atelier Lumière\nGenerated 2026-04-01\n\n${stripe}`);
    const r = await importJson(dir, [file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: skipped 3 lines before the header on line 4");
    expect(r.summary).toMatchObject({ added: 4, readAs: expect.stringContaining("preset stripe") });
  });

  it("--skip-lines skips a preamble before any header; line numbers stay the file's", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", `Report of sales\nExported by hand\n${ORDERS}nobody@example.com,X,bad-date,1,EUR,A2\n`);
    const r = await run(dir, ["import", "purchases", file, "--skip-lines", "2", "--create-contacts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 5: cannot read the date "bad-date"');
  });

  it("a closing totals row is counted as such, not refused", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", `${ORDERS}Total,,,12.50,,\n`);
    const r = await importJson(dir, [file, "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ added: 1, notImported: { "totals rows": 1 } });
  });

  it("two columns that could fill one field: warns and says which one is used", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", "Email,Customer Email,date,amount,order id\nada@example.com,ada.billing@example.com,2026-03-05,10,A1\n");
    const r = await importJson(dir, [file, "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: both "Email" and "Customer Email" could be the email: using "Email" (map the other to use it instead)');
    expect((await json(dir, ["contact", "list"])).map((c: { email: string }) => c.email)).toEqual(["ada@example.com"]);
  });

  it("guest sales without a customer are kept and counted, outside every customer's figures", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", `${ORDERS},,2026-03-06,5.00,EUR,W1\n`);
    const r = await importJson(dir, [file, "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ added: 2, guestSales: 1 });
    const segments = await json(dir, ["report", "segments"]);
    expect(segments.reduce((n: number, s: { customers: number }) => n + s.customers, 0)).toBe(1);
  });

  it("refuses a record over 1 MB (an unclosed quote) with its line, and writes nothing", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", `${ORDERS}ada@example.com,"Ada,2026-03-06,1,EUR,A2\n${"x".repeat(1_100_000)}\n`);
    const r = await run(dir, ["import", "purchases", file, "--create-contacts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/near line \d+: a record is larger than 1 MB — a quote is probably left open there/);
    expect(await purchases(dir)).toEqual([]);
  });
});

describe("dates", () => {
  const dated = (dates: string[]) => `email,date,amount,order id\n${dates.map((d, i) => `ada@example.com,${d},1.00,D${i}`).join("\n")}\n`;

  it("reads offsets after a space, zone names, AM/PM and a header that says (UTC)", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", dated(["2024-03-05 14:31:02 +0100", "2024-03-05 14:31 CET", "2024-03-05 2:31 PM", "2024-03-05 14:31 UTC"]));
    expect((await run(dir, ["import", "purchases", file, "--create-contacts"])).code).toBe(0);
    expect((await purchases(dir)).map((p) => [p.externalRef, p.at]).sort()).toEqual([
      ["D0", "2024-03-05T13:31:02.000Z"],
      ["D1", "2024-03-05T13:31:00.000Z"],
      ["D2", "2024-03-05T14:31:00.000Z"],
      ["D3", "2024-03-05T14:31:00.000Z"],
    ]);
  });

  it("refuses an ambiguous slash date, naming both readings and how to settle it; never guesses", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "purchases", write(dir, "p.csv", dated(["24/12/2026", "03/05/2026"])), "--create-contacts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'line 3: cannot read the date "03/05/2026": it is ambiguous: 2026-05-03 (day first) or 2026-03-05 (month first); give --date-format (e.g. dd/MM/yyyy or MM/dd/yyyy), or run crm config set date-order dmy (or mdy)',
    );
    expect(r.stderr).not.toContain("line 2");
  });

  it("crm config set date-order settles slash and dot dates; --date-format reads any layout", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["config", "set", "date-order", "dmy"])).code).toBe(0);
    expect((await run(dir, ["import", "purchases", write(dir, "a.csv", dated(["03/02/2026", "4.3.2026"])), "--create-contacts"])).code).toBe(0);
    const other = freshDbDir();
    const r = await run(other, [
      "import",
      "purchases",
      write(other, "b.csv", dated(["03.02.2026 14:00"])),
      "--create-contacts",
      "--date-format",
      "dd.MM.yyyy HH:mm",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await purchases(dir)).map((p) => p.at.slice(0, 10)).sort()).toEqual(["2026-02-03", "2026-03-04"]);
    expect((await purchases(other))[0]!.at).toBe("2026-02-03T14:00:00.000Z");
    const bad = await run(other, ["import", "purchases", write(other, "b.csv", dated(["x"])), "--date-format", "HH:mm"]);
    expect(bad.stderr).toBe(
      'crm: invalid --date-format "HH:mm": a date format needs a year (yyyy), a month (MM) and a day (dd) — e.g. --date-format dd.MM.yyyy or --date-format "MM/dd/yyyy hh:mm a"\n',
    );
  });

  it("--due and --at follow the date order too: unset, 03/05/2026 is refused; 24/12/2026 has one reading", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["add", "Ada", "--email", "ada@example.com"])).code).toBe(0);
    const refused = await run(dir, ["followup", "add", "ada", "--due", "03/05/2026"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cannot read the --due date "03/05/2026": it is ambiguous: 2026-05-03 (day first) or 2026-03-05 (month first)');
    expect((await run(dir, ["followup", "add", "ada", "--due", "24/12/2026"])).code).toBe(0);
    expect((await run(dir, ["config", "set", "date-order", "mdy"])).code).toBe(0);
    expect((await run(dir, ["purchase", "add", "ada", "10", "--at", "03/05/2026"])).code).toBe(0);
    expect((await json(dir, ["followup", "list"])).map((f: { dueAt: string }) => f.dueAt)).toEqual(["2026-12-24"]);
    expect((await purchases(dir))[0]!.at).toBe("2026-03-05T00:00:00.000Z");
  });
});

describe("refunds", () => {
  it("a refund row (negative, parenthesised or of a refund type) is recorded as a refund of the order it names", async () => {
    const dir = freshDbDir();
    const file = write(
      dir,
      "p.csv",
      "email,date,amount,order id,type,refund of\nada@example.com,2026-03-01,100.00,A1,sale,\nada@example.com,2026-03-02,-10.00,R1,,A1\nada@example.com,2026-03-03,(5.00),R2,,A1\nada@example.com,2026-03-04,2.50,R3,refund,A1\n,2026-03-05,-1.00,R4,,ZZZ\n",
    );
    const r = await importJson(dir, [file, "--create-contacts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ added: 1, refunds: 3, notImported: { "refunds of orders crm does not have": 1 } });
    expect((await purchases(dir)).map((p) => [p.amount, p.refunded])).toEqual([["100.00", "17.50"]]);
    const again = await importJson(dir, [file]);
    expect(again.summary).toMatchObject({ added: 0, refunds: 0 });
    expect((await purchases(dir))[0]!.refunded).toBe("17.50");
  });

  it("crm purchase refund and purchase add --refund: part, then the rest; refunded in full, it leaves the reports", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["add", "Ada", "--email", "ada@example.com"])).code).toBe(0);
    expect((await run(dir, ["purchase", "add", "ada", "100", "--at", "2026-03-01", "--ref", "INV-1"])).code).toBe(0);
    expect((await run(dir, ["purchase", "add", "ada", "40", "--at", "2026-03-20"])).code).toBe(0);
    const part = await run(dir, ["purchase", "add", "ada", "30", "--refund", "--ref", "INV-1"]);
    expect(part.stderr).toContain("refunded 30.00 EUR of purchase #1 (Ada): 70.00 EUR left");
    const tooMuch = await run(dir, ["purchase", "refund", "1", "--amount", "80"]);
    expect([tooMuch.code, tooMuch.stderr]).toEqual([
      2,
      "crm: a refund of 80.00 EUR is more than what is left of purchase #1 (70.00 EUR) — refund at most 70.00 EUR\n",
    ]);
    const rest = await run(dir, ["purchase", "refund", "1"]);
    expect(rest.stderr).toContain("refunded 70.00 EUR of purchase #1 (Ada): refunded in full, no longer counted as a purchase");
    expect((await run(dir, ["purchase", "list"])).stderr.trim()).toBe("1 purchase, 40.00 EUR");
    const [segment] = await json(dir, ["report", "segments"]);
    expect(segment).toMatchObject({ customers: 1, revenue: "40.00", meanFrequency: 1 });
    const again = await run(dir, ["purchase", "refund", "1"]);
    expect(again.code).toBe(4);
  });
});

describe("presets", () => {
  it("crm import presets lists each export with what it keeps and skips", async () => {
    const dir = freshDbDir();
    const list = await json(dir, ["import", "presets", "--kind", "purchases"]);
    expect(list.map((p: { name: string }) => p.name)).toEqual(["shopify", "stripe", "paypal", "gumroad", "square", "etsy", "woocommerce"]);
    for (const p of list)
      expect(p).toEqual({
        name: p.name,
        kind: "purchases",
        export: expect.any(String),
        keeps: expect.any(String),
        skips: expect.any(String),
        documented: expect.stringMatching(/^https:\/\//),
      });
  });

  it("--preset forces one; a file without its columns, or an unknown name, is refused", async () => {
    const dir = freshDbDir();
    const file = write(dir, "p.csv", ORDERS);
    const wrong = await run(dir, ["import", "purchases", file, "--preset", "stripe"]);
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('is not a Stripe payments export (Payments → Export): it lacks the columns "id"')]);
    const unknown = await run(dir, ["import", "purchases", file, "--preset", "amazon"]);
    expect(unknown.stderr).toBe('crm: unknown preset "amazon" — presets for purchases: shopify, stripe, paypal, gumroad, square, etsy, woocommerce\n');
    const forced = await importJson(dir, [fixture("etsy/EtsySoldOrders2026.csv"), "--preset", "etsy"]);
    expect(forced.summary).toMatchObject({ added: 3 });
  });
});

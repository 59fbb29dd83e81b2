// The user-facing contract of purchases, run in-process through main(argv, io): exact cents, external
// ids unique per source, the date window and --as-of, and removal.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir, ok, run as runCrm, runJson, sha256 } from "../helpers.js";

const NOW = { CRM_NOW: "2026-03-02T10:00:00Z" };
const run = (dir: string, args: string[], env: Record<string, string> = NOW) => runCrm(dir, args, { env });
const json = <T = any>(dir: string, args: string[], env: Record<string, string> = NOW) => runJson<T>(dir, args, { env });

async function addContacts(dir: string): Promise<void> {
  ok(await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]));
  ok(await run(dir, ["add", "Bob Boole"]));
}
const withContacts = fixtureDir(addContacts);

const sumMinor = (rows: { amountMinor: number }[]) => rows.reduce((s, r) => s + r.amountMinor, 0);

describe("crm purchase add", () => {
  it("prints the id and stores the amount in minor units with its currency, date, note and ref", async () => {
    const dir = await withContacts();
    const r = await run(dir, ["purchase", "add", "ada", "1,200.50", "--at", "yesterday", "--note", "Workshop", "--ref", "INV-1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1\n");
    expect(r.stderr).toContain("recorded purchase #1: 1,200.50 EUR for #1 Ada Lovelace on 2026-03-01");
    expect(await json(dir, ["purchase", "list"])).toEqual([
      {
        id: 1,
        contactId: 1,
        contactName: "Ada Lovelace",
        amount: "1200.50",
        amountMinor: 120050,
        refunded: "0.00",
        refundedMinor: 0,
        currency: "EUR",
        at: "2026-03-01T00:00:00.000Z",
        note: "Workshop",
        source: "manual",
        externalRef: "INV-1",
        dealId: null,
        createdAt: "2026-03-02T10:00:00.000Z",
      },
    ]);
  });

  it("19.99 three times sums to exactly 5997 minor units", async () => {
    const dir = await withContacts();
    for (let i = 0; i < 3; i++) ok(await run(dir, ["purchase", "add", "ada", "19.99"]));
    const rows = await json(dir, ["purchase", "list"]);
    expect(rows.map((p: any) => p.amountMinor)).toEqual([1999, 1999, 1999]);
    expect(sumMinor(rows)).toBe(5997);
    expect((await json(dir, ["contact", "show", "ada"])).purchases[0].totalMinor).toBe(5997);
    expect(ok(await run(dir, ["contact", "show", "ada"])).stdout).toContain("59.97 EUR in 3");
  });

  it("0.10 and 0.20 sum to exactly 30 minor units", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["purchase", "add", "bob", "0.10"]));
    ok(await run(dir, ["purchase", "add", "bob", ".2"]));
    const rows = await json(dir, ["purchase", "list"]);
    expect(sumMinor(rows)).toBe(30);
    expect((await json(dir, ["contact", "show", "bob"])).purchases).toEqual([expect.objectContaining({ count: 2, totalMinor: 30 })]);
  });

  it("takes the currency from the amount or --currency", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["purchase", "add", "ada", "£12"]));
    ok(await run(dir, ["purchase", "add", "ada", "1200", "--currency", "jpy"]));
    ok(await run(dir, ["purchase", "add", "ada", "5 USD"]));
    expect((await json(dir, ["purchase", "list"])).map((p: any) => `${p.amount} ${p.currency}`).sort()).toEqual(["12.00 GBP", "1200 JPY", "5.00 USD"]);
  });

  it("refuses a repeated --ref in the same source with exit 4, writing nothing", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["purchase", "add", "ada", "10", "--ref", "ORD-7"]));
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const again = await run(dir, ["purchase", "add", "bob", "20", "--ref", "ORD-7"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('"ORD-7"');
    expect(again.stderr).toContain("(#1)");
    expect(sha256(db)).toBe(before);
  });

  it("lets another source reuse a --ref, once", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["purchase", "add", "ada", "10", "--ref", "ORD-7"]));
    ok(await run(dir, ["purchase", "add", "bob", "20", "--ref", "ORD-7", "--source", "shop"]));
    expect((await run(dir, ["purchase", "add", "bob", "20", "--ref", "ORD-7", "--source", "shop"])).code).toBe(4);
    expect((await json(dir, ["purchase", "list"])).map((p: any) => `${p.source}:${p.externalRef}`)).toEqual(["shop:ORD-7", "manual:ORD-7"]);
  });

  it("refuses negative, zero, non-numeric and ambiguous amounts and unknown contacts, writing nothing", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["purchase", "add", "ada", "1"]));
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    for (const [amount, why] of [
      ["-5", "negative"],
      ["0", "above zero"],
      ["ten", "not a number"],
      ["12,50", "decimal comma"],
      ["1.999", "decimal places"],
      ["€5 GBP", "two currencies"],
    ]) {
      const r = await run(dir, ["purchase", "add", "ada", amount!]);
      expect([amount, r.code]).toEqual([amount, 2]);
      expect(r.stderr).toContain(JSON.stringify(amount));
      expect(r.stderr).toContain(why);
    }
    expect((await run(dir, ["purchase", "add", "ada", "5", "--currency", "EURO"])).code).toBe(2);
    expect((await run(dir, ["purchase", "add", "ada", "5", "--at", "whenever"])).code).toBe(2);
    expect((await run(dir, ["purchase", "add", "nobody", "5"])).code).toBe(3);
    expect(sha256(db)).toBe(before);
  });
});

describe("crm purchase list", () => {
  const history = fixtureDir(async (dir) => {
    await addContacts(dir);
    ok(await run(dir, ["purchase", "add", "ada", "10", "--at", "2026-01-10"]));
    ok(await run(dir, ["purchase", "add", "bob", "20", "--at", "2026-02-10 15:00"]));
    ok(await run(dir, ["purchase", "add", "ada", "30", "--at", "2026-03-01"]));
    ok(await run(dir, ["purchase", "add", "ada", "40", "--at", "2026-04-01"]));
  });
  const amounts = (rows: any[]) => rows.map((p) => p.amount);

  it("lists newest first up to now (or --as-of), by contact and within --since/--until", async () => {
    const dir = await history();
    expect(amounts(await json(dir, ["purchase", "list"]))).toEqual(["30.00", "20.00", "10.00"]);
    expect(amounts(await json(dir, ["purchase", "list"], { CRM_NOW: "2026-02-10" }))).toEqual(["20.00", "10.00"]);
    expect(amounts(await json(dir, ["purchase", "list"], { CRM_NOW: "2026-05-01" }))).toEqual(["40.00", "30.00", "20.00", "10.00"]);
    expect(amounts(await json(dir, ["purchase", "list", "--contact", "ada"]))).toEqual(["30.00", "10.00"]);
    expect(amounts(await json(dir, ["purchase", "list", "--since", "2026-02-10"]))).toEqual(["30.00", "20.00"]);
    expect(amounts(await json(dir, ["purchase", "list", "--until", "2026-02-10"]))).toEqual(["20.00", "10.00"]);
    expect(amounts(await json(dir, ["purchase", "list", "--until", "2026-12-31"]))).toEqual(["30.00", "20.00", "10.00"]);
    expect(amounts(await json(dir, ["purchase", "list", "--limit", "1"]))).toEqual(["30.00"]);
    expect((await run(dir, ["purchase", "list", "--contact", "nobody"])).code).toBe(3);
    expect((await run(dir, ["purchase", "list", "--since", "the dawn of time"])).code).toBe(2);
  });

  it("prints a table with the totals on stderr", async () => {
    const dir = await history();
    const r = ok(await run(dir, ["purchase", "list"]));
    expect(r.stdout.split("\n")[0]).toMatch(/^ID\s+DATE\s+CONTACT\s+AMOUNT\s+REFUNDED\s+NOTE\s+REF$/);
    expect(r.stdout).toMatch(/2\s+2026-02-10\s+Bob Boole\s+20\.00 EUR/);
    expect(r.stderr).toContain("3 purchases, 60.00 EUR");
  });

  it("prints CSV with the documented header", async () => {
    const dir = await history();
    const csv = ok(await run(dir, ["purchase", "list", "--format", "csv"]))
      .stdout.trim()
      .split("\n");
    expect(csv[0]).toBe("id,contactId,contactName,amount,amountMinor,refunded,refundedMinor,currency,at,note,source,externalRef,dealId,createdAt");
    expect(csv).toHaveLength(4);
  });

  it("says there are no purchases on stderr, with nothing on stdout and exit 0", async () => {
    const empty = await run(await withContacts(), ["purchase", "list"]);
    expect([empty.code, empty.stdout, empty.stderr.trim()]).toEqual([0, "", "no purchases"]);
  });
});

describe("crm purchase rm", () => {
  const twoPurchases = fixtureDir(async (dir) => {
    await addContacts(dir);
    ok(await run(dir, ["purchase", "add", "ada", "10"]));
    ok(await run(dir, ["purchase", "add", "ada", "20"]));
  });

  it("needs --yes in a script", async () => {
    const dir = await twoPurchases();
    const refused = await run(dir, ["purchase", "rm", "1"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await json(dir, ["purchase", "list"])).map((p: any) => p.id)).toEqual([2, 1]);
  });

  it("deletes the purchase with --yes; an unknown id then exits 3, a bad id 2", async () => {
    const dir = await twoPurchases();
    ok(await run(dir, ["purchase", "rm", "1", "--yes"]));
    expect((await json(dir, ["purchase", "list"])).map((p: any) => p.id)).toEqual([2]);
    expect((await run(dir, ["purchase", "rm", "1", "--yes"])).code).toBe(3);
    expect((await run(dir, ["purchase", "rm", "one", "--yes"])).code).toBe(2);
  });

  it("removing the purchase a win recorded leaves the deal won", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["deal", "add", "ada", "Workshop", "--amount", "500", "--stage", "negotiation"]));
    ok(await run(dir, ["deal", "won", "1"]));
    ok(await run(dir, ["purchase", "rm", "1", "--yes"]));
    expect(await json(dir, ["deal", "show", "1"])).toMatchObject({ stage: "won", purchaseId: null });
  });
});

// Every shop and payment export imports as it comes — `crm import purchases <file>` and nothing else —
// and its numbers are the ones hand-computed in test/fixtures/imports/<source>/README.md: what is kept,
// net of refunds, on which local day, under which external id; what is skipped, and why; and a second
// import of the same file adds nothing.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, ROOT, run as runCrm, runJson } from "../helpers.js";

const NOW = { CRM_NOW: "2026-04-01T12:00:00Z" };
const run = (dir: string, args: string[], env: Record<string, string> = {}) => runCrm(dir, args, { env: { ...NOW, ...env } });
const fixture = (name: string) => path.join(ROOT, "test", "fixtures", "imports", name);

interface Expected {
  file: string;
  preset: string;
  rows: number;
  /** [external id, local day, currency, amount, refunded, contact name or null for a guest sale] */
  purchases: [string, string, string, string, string, string | null][];
  notImported: Record<string, number>;
  tallies: { guestSales: number; refunds: number; partialRefunds: number };
  createdContacts: number;
  /** What `crm purchase list` says the purchases are worth, net of refunds. */
  net: string;
}

const SOURCES: Expected[] = [
  {
    file: "shopify/orders_export.csv",
    preset: "shopify",
    rows: 8,
    purchases: [
      ["#1008", "2026-03-20", "EUR", "25.50", "0.00", "José Müller"],
      ["#1007", "2026-03-12", "USD", "45.00", "0.00", null],
      ["#1002", "2026-03-05", "EUR", "80.00", "20.00", "Zoë Brontë"],
      ["#1001", "2026-03-05", "EUR", "59.90", "0.00", "José Müller"],
    ],
    notImported: { cancelled: 1, pending: 1, voided: 1, "refunded in full": 1 },
    tallies: { guestSales: 1, refunds: 0, partialRefunds: 1 },
    createdContacts: 2,
    net: "3 purchases, 145.40 EUR; 1 purchase, 45.00 USD",
  },
  {
    file: "stripe/unified_payments.csv",
    preset: "stripe",
    rows: 7,
    purchases: [
      ["ch_3PaA7", "2026-03-31", "USD", "200.00", "0.00", "Søren Kierkegaard"],
      ["ch_3PaA6", "2026-03-07", "USD", "19.99", "0.00", null],
      ["ch_3PaA2", "2026-03-03", "EUR", "90.00", "30.00", "Renée Dubois"],
      ["ch_3PaA1", "2026-03-02", "EUR", "120.00", "0.00", "Søren Kierkegaard"],
    ],
    notImported: { "refunded in full": 1, failed: 1, pending: 1 },
    tallies: { guestSales: 1, refunds: 0, partialRefunds: 1 },
    createdContacts: 2,
    net: "2 purchases, 180.00 EUR; 2 purchases, 219.99 USD",
  },
  {
    file: "paypal/Download.CSV",
    preset: "paypal",
    rows: 11,
    purchases: [
      ["7PA00000000000001", "2026-03-15", "EUR", "45.00", "15.00", "Łukasz Żółw"],
      ["7PA00000000000006", "2026-03-10", "EUR", "20.00", "0.00", "Mia Schön"],
      ["7PA00000000000005", "2026-03-10", "EUR", "60.00", "0.00", "Mia Schön"],
      ["7PA00000000000002", "2026-03-03", "USD", "1250.00", "250.00", "Ana Ruiz"],
    ],
    notImported: { "memo rows (no money moved)": 1, failed: 1, pending: 1, "money paid out (fees, withdrawals)": 1, "transfers and conversions": 1 },
    tallies: { guestSales: 0, refunds: 2, partialRefunds: 0 },
    createdContacts: 3,
    net: "3 purchases, 110.00 EUR; 1 purchase, 1,000.00 USD",
  },
  {
    file: "gumroad/Sales.csv",
    preset: "gumroad",
    rows: 6,
    purchases: [
      ["iJ7b3UoD5qR6==", "2026-03-25", "USD", "39.00", "0.00", "Chloé Martin"],
      ["cD4y0RlA2nO3==", "2026-03-09", "USD", "15.00", "5.00", "Đorđe Petrović"],
      ["aB3x9QkZ1mN2==", "2026-03-02", "USD", "15.00", "0.00", "Chloé Martin"],
    ],
    notImported: { "refunded in full": 1, disputed: 1, "totals rows": 1 },
    tallies: { guestSales: 0, refunds: 0, partialRefunds: 1 },
    createdContacts: 2,
    net: "3 purchases, 64.00 USD",
  },
  {
    file: "square/transactions.csv",
    preset: "square",
    rows: 5,
    purchases: [
      ["pay2", "2026-03-15", "USD", "12.00", "0.00", null],
      ["pay1", "2026-03-14", "USD", "31.16", "11.16", "Dée Ørsted"],
      ["pay3", "2026-03-02", "USD", "50.00", "10.00", "Kai Nakamura"],
    ],
    notImported: { pending: 1 },
    tallies: { guestSales: 1, refunds: 1, partialRefunds: 1 },
    createdContacts: 2,
    net: "3 purchases, 72.00 USD",
  },
  {
    file: "etsy/EtsySoldOrders2026.csv",
    preset: "etsy",
    rows: 4,
    purchases: [
      ["3004", "2026-03-28", "USD", "22.50", "0.00", "Mei Wong"],
      ["3002", "2026-03-05", "USD", "30.00", "12.00", "Liam O'Brien"],
      ["3001", "2026-03-02", "EUR", "40.00", "0.00", "Hanna Kovačević"],
    ],
    notImported: { cancelled: 1 },
    tallies: { guestSales: 0, refunds: 0, partialRefunds: 1 },
    createdContacts: 3,
    net: "1 purchase, 40.00 EUR; 2 purchases, 40.50 USD",
  },
  {
    file: "woocommerce/orders-2026-03.csv",
    preset: "woocommerce",
    rows: 8,
    purchases: [
      ["1003", "2026-03-08", "EUR", "80.00", "25.00", "Jürgen Groß"],
      ["1001", "2026-03-04", "EUR", "24.00", "0.00", "Jürgen Groß"],
      ["1000", "2026-03-03", "EUR", "54.00", "0.00", "Ingrid Bergström"],
    ],
    notImported: { pending: 2, failed: 1, cancelled: 1, "refunded in full": 1 },
    tallies: { guestSales: 0, refunds: 0, partialRefunds: 1 },
    createdContacts: 2,
    net: "3 purchases, 133.00 EUR",
  },
];

/** The id and local day of each purchase, as `crm purchase list` shows them (plain table, piped). */
function daysShown(table: string): Map<number, string> {
  const days = new Map<number, string>();
  for (const line of table.trim().split("\n").slice(1)) {
    const [id, day] = line.trim().split(/\s+/);
    days.set(Number(id), day!);
  }
  return days;
}

describe.each(SOURCES)("crm import purchases $file", (x) => {
  it("imports with no option but the file: the kept orders net of refunds, their days and ids, the skipped ones counted by reason", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "purchases", fixture(x.file), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      rows: x.rows,
      added: x.purchases.length,
      skipped: 0,
      invalid: 0,
      createdContacts: x.createdContacts,
      notImported: x.notImported,
      ...x.tallies,
    });
    expect(summary.readAs).toContain(`(preset ${x.preset})`);
    expect(r.stderr).toContain(`read as: `);

    const list = await runJson(dir, ["purchase", "list"], { env: NOW });
    const days = daysShown((await run(dir, ["purchase", "list"])).stdout);
    expect(
      list.map((p: { id: number; externalRef: string; currency: string; amount: string; refunded: string; contactName: string | null; source: string }) => [
        p.externalRef,
        days.get(p.id),
        p.currency,
        p.amount,
        p.refunded,
        p.contactName,
      ]),
    ).toEqual(x.purchases);
    expect(new Set(list.map((p: { source: string }) => p.source))).toEqual(new Set([x.preset]));
    expect((await run(dir, ["purchase", "list"])).stderr.trim()).toBe(x.net);

    const again = await run(dir, ["import", "purchases", fixture(x.file), "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, skipped: x.purchases.length, createdContacts: 0, refunds: 0, partialRefunds: 0 });
    expect(await runJson(dir, ["purchase", "list"], { env: NOW })).toEqual(list);
  });
});

describe("what the import summary says", () => {
  it("names the export, and counts what was not imported by reason on one line", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "purchases", fixture("shopify/orders_export.csv")]);
    expect(r.stderr).toBe(
      [
        "read as: Shopify orders export (Orders → Export, CSV) (preset shopify)",
        "imported orders_export.csv: 8 rows of purchases — 4 new, 1 guest sale, 1 partial refund, 0 already imported, 2 contacts created, 4 rows not imported (cancelled: 1; pending: 1; voided: 1; refunded in full: 1)",
        "",
      ].join("\n"),
    );
  });

  it("a purchase's local day follows the time zone: 23:30 UTC is the next day in Paris", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["import", "purchases", fixture("stripe/unified_payments.csv")])).code).toBe(0);
    const paris = daysShown((await run(dir, ["purchase", "list"], { TZ: "Europe/Paris" })).stdout);
    const utc = daysShown((await run(dir, ["purchase", "list"])).stdout);
    expect([utc.get(2), paris.get(2)]).toEqual(["2026-03-03", "2026-03-04"]);
  });
});

// Customers who pay in several currencies: the user's exchange rates (`crm config set rate.USD 0.92`),
// `--currency all` on the customer reports, and `contact show` in the currency a person pays in.
import { describe, expect, it } from "vitest";
import { fixtureDir, run, runJson } from "../helpers.js";

const NOW = { env: { CRM_NOW: "2026-03-31T12:00" } };

/** Ada and Cy pay in EUR (the default currency), Bob in USD; Cy since 2024, so the simple CLV model has a year of history. */
const shop = fixtureDir(async (dir) => {
  for (const args of [
    ["add", "Ada", "--email", "ada@example.com"],
    ["add", "Bob", "--email", "bob@example.com"],
    ["add", "Cy", "--email", "cy@example.com"],
    ["purchase", "add", "ada", "40", "--at", "2026-01-10"],
    ["purchase", "add", "ada", "60", "--at", "2026-03-01"],
    ["purchase", "add", "bob", "100", "--currency", "USD", "--at", "2026-02-01"],
    ["purchase", "add", "bob", "50.50", "--currency", "USD", "--at", "2026-03-20"],
    ["purchase", "add", "cy", "30", "--at", "2024-12-01"],
    ["purchase", "add", "cy", "20", "--at", "2025-12-24"],
  ]) {
    const r = await run(dir, args, NOW);
    expect(r.code, r.stderr).toBe(0);
  }
});

describe("several currencies", () => {
  it("analyses the default currency and names the others", async () => {
    const dir = await shop();
    const r = await run(dir, ["report", "segments", "--detail", "--format", "json"], NOW);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((c: any) => c.contactId)).toEqual([1, 3]);
    expect(r.stderr).toContain("also present: USD");
  });

  it("refuses --currency all with exit 2 naming the missing rate, and prints nothing", async () => {
    const dir = await shop();
    for (const report of ["segments", "clv", "churn"]) {
      const r = await run(dir, ["report", report, "--currency", "all", "--format", "json"], NOW);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("rate.USD");
    }
  });

  it("converts with the rate the user set: 150.50 USD at 0.92 is 138.46 EUR", async () => {
    const dir = await shop();
    expect((await run(dir, ["config", "set", "rate.usd", "0.92"], NOW)).code).toBe(0);
    expect((await run(dir, ["config", "get", "rate.USD"], NOW)).stdout).toBe("0.92\n");
    const summary = await run(dir, ["report", "segments", "--currency", "all"], NOW);
    expect(summary.stderr).toContain("converted to EUR at rate.USD 0.92");
    expect((await runJson(dir, ["report", "segments", "--method", "kmeans", "--k", "2", "--currency", "all"], NOW)).convertedAt).toEqual({ USD: 0.92 });
    const detail = await runJson(dir, ["report", "segments", "--detail", "--currency", "all"], NOW);
    expect(detail.map((c: any) => [c.contactId, c.monetary, c.currency])).toEqual([
      [1, "100.00", "EUR"],
      [2, "138.46", "EUR"],
      [3, "50.00", "EUR"],
    ]);
    const clv = await runJson(dir, ["report", "clv", "--currency", "all"], NOW);
    expect(clv).toMatchObject({ currency: "EUR", customers: 3, convertedAt: { USD: 0.92 } });
    expect(clv.rows.find((r: any) => r.contactId === 2)).toMatchObject({ totalSpent: "138.46", currency: "EUR" });
  });

  it("refuses a rate that is not a positive number, and an unknown currency", async () => {
    const dir = await shop();
    for (const bad of [
      ["rate.USD", "abc"],
      ["rate.USD", "0"],
      ["rate.USD", "-1"],
      ["rate.XYZ", "1.1"],
    ]) {
      const r = await run(dir, ["config", "set", ...bad], NOW);
      expect(r.code, bad.join(" ")).toBe(2);
    }
    expect((await run(dir, ["config", "get", "rate.USD"], NOW)).stdout).toBe("\n");
  });

  it("lists the rates set among the settings", async () => {
    const dir = await shop();
    await run(dir, ["config", "set", "rate.USD", "0.92"], NOW);
    const settings = await runJson(dir, ["config", "list"], NOW);
    expect(settings.find((s: any) => s.key === "rate.USD")).toMatchObject({ value: "0.92" });
  });

  it("gives report retention a --currency like the other customer reports", async () => {
    const dir = await shop();
    const usd = await runJson(dir, ["report", "retention", "--currency", "USD"], NOW);
    expect(usd.map((r: any) => [r.period, r.newCustomers, r.currency])).toEqual([
      ["2026-02", 1, "USD"],
      ["2026-03", 0, "USD"],
    ]);
    expect(usd[1]).toMatchObject({ customersAtStart: 1, retentionPercent: 100, churnPercent: 0 });
    const all = await runJson(dir, ["report", "retention", "--currency", "all"], NOW);
    expect(all.reduce((n: number, r: any) => n + r.newCustomers, 0)).toBe(3);
    const eur = await runJson(dir, ["report", "retention"], NOW);
    expect(eur.reduce((n: number, r: any) => n + r.newCustomers, 0)).toBe(2);
  });

  it("shows a customer's analytics in the currency they pay in", async () => {
    const dir = await shop();
    const bob = await runJson(dir, ["contact", "show", "bob"], NOW);
    expect(bob.analytics).toMatchObject({ currency: "USD", segment: expect.any(String) });
    expect(bob.purchases).toEqual([expect.objectContaining({ currency: "USD", totalMinor: 15050, total: "150.50" })]);
    const ada = await runJson(dir, ["contact", "show", "ada"], NOW);
    expect(ada.analytics).toMatchObject({ currency: "EUR" });
    const table = (await run(dir, ["contact", "show", "bob"], NOW)).stdout;
    expect(table).toMatch(/segment\s+\S.*\n\s+RFM scores\s+R\d F\d M\d/);
  });

  it("gives every report the same asOf: the local date and the instant", async () => {
    const dir = await shop();
    const asOf = { date: "2026-03-31", at: "2026-03-31T12:00:00.000Z" };
    for (const args of [
      ["report", "segments", "--method", "kmeans", "--k", "2"],
      ["report", "clv"],
      ["report", "churn"],
      ["report", "nps"],
      ["report", "csat"],
      ["report", "pipeline"],
      ["pipeline"],
      ["today"],
    ])
      expect((await runJson(dir, args, NOW)).asOf, args.join(" ")).toEqual(asOf);
  });
});

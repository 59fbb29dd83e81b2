// The customer reports, run in-process through main(argv, io), on real data: the CDNOW transaction log
// (test/fixtures/cdnow, Fader, Hardie & Lee 2005) imported with `crm import purchases`.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDbDir, run, runJson, ROOT } from "../helpers.js";

let dir: string;

beforeAll(async () => {
  dir = freshDbDir();
  // The log is whitespace-separated (customer, sample id, YYYYMMDD, CDs, dollars); turn it into the kind
  // of CSV a shop exports. Each line is one order.
  const log = fs
    .readFileSync(path.join(ROOT, "test/fixtures/cdnow/CDNOW_sample.txt"), "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const rows = log.map((line, i) => {
    const [, id, day, , dollars] = line.trim().split(/\s+/);
    return `${i + 1},${id},${day},${dollars},USD`;
  });
  fs.writeFileSync(path.join(dir, "orders.csv"), ["order id,customer id,order date,total,currency", ...rows].join("\n") + "\n");
  const r = await run(dir, ["import", "purchases", path.join(dir, "orders.csv"), "--create-contacts"]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe("customer reports on CDNOW", () => {
  it("crm report clv --model bgnbd fits the published BG/NBD and Gamma-Gamma parameters", async () => {
    const report = await runJson(dir, ["report", "clv", "--model", "bgnbd", "--as-of", "1997-09-30"]);
    expect(report.model).toBe("bgnbd");
    expect(report.customers).toBe(2357);
    expect(report.bgnbd.r).toBeCloseTo(0.243, 3);
    expect(report.bgnbd.alpha).toBeCloseTo(4.414, 2);
    expect(report.bgnbd.a).toBeCloseTo(0.793, 3);
    expect(report.bgnbd.b).toBeCloseTo(2.426, 2);
    expect(report.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(report.gammaGamma.p).toBeCloseTo(6.25, 1);
    expect(report.gammaGamma.q).toBeCloseTo(3.74, 1);
    expect(report.gammaGamma.gamma).toBeCloseTo(15.44, 1);
    expect(report.rows[0]).toHaveProperty("pAlive");
    expect(report.rows.every((r: any) => r.pAlive >= 0 && r.pAlive <= 1)).toBe(true);
  });

  it("crm report clv --model auto names the model it chose and every model's holdout error", async () => {
    const report = await runJson(dir, ["report", "clv", "--model", "auto", "--as-of", "1997-09-30", "--format", "json"]);
    const s = report.selection;
    expect(s.method).toBe("holdout-rmse");
    // The last third of 1997-01-01 … 1997-09-30 is the holdout; every customer had bought before it.
    expect(s.calibrationEnd).toBe("1997-07-01");
    expect(s.holdoutDays).toBe(91);
    expect(s.holdoutCustomers).toBe(2357);
    expect(s.candidates.map((c: any) => c.model)).toEqual(["bgnbd", "mbgnbd", "pareto"]);
    for (const c of s.candidates) {
      expect(c.rmse).toBeGreaterThan(0);
      expect(c.mae).toBeGreaterThan(0);
      expect(c.actual).toBe(s.candidates[0].actual);
    }
    const best = Math.min(...s.candidates.map((c: any) => c.rmse));
    expect(s.candidates.find((c: any) => c.model === report.model).rmse).toBe(best);
    // Refitted on all the data: its parameters are reported under its name.
    expect(report[report.model].customers).toBe(2357);
    expect(report[report.model].logLikelihood).toBeLessThan(0);
    // A one-time buyer from January 1997 may be gone under the chosen model.
    const january = report.rows.filter((r: any) => r.repeatPurchases === 0 && r.firstPurchase.startsWith("1997-01"));
    expect(january.length).toBeGreaterThan(100);
    expect(january.every((r: any) => r.pAlive < 1)).toBe(true);
    // The table says the same.
    const table = await run(dir, ["report", "clv", "--as-of", "1997-09-30", "--top", "3"]);
    expect(table.stdout).toMatch(/Model chosen by holdout/);
    for (const name of ["BG/NBD", "MBG/NBD", "Pareto/NBD"]) expect(table.stdout).toMatch(new RegExp(`${name.replace("/", "\\/")}\\s+RMSE \\d`));
    expect(table.stdout).toContain("← chosen");
  });

  it("crm report churn uses the chosen model: one-time buyers can be at risk", async () => {
    const churn = await runJson(dir, ["report", "churn", "--as-of", "1998-06-30", "--threshold", "0.35"]);
    expect(churn.model).not.toBe("bgnbd");
    expect(churn.selection.candidates).toHaveLength(3);
    expect(churn.rows.some((r: any) => r.repeatPurchases === 0)).toBe(true);
    // Table, CSV and JSON list the same customers.
    const csv = (await run(dir, ["report", "churn", "--as-of", "1998-06-30", "--threshold", "0.35", "--format", "csv"])).stdout.trim().split("\n");
    expect(csv).toHaveLength(churn.rows.length + 1);
  });

  it("re-importing the same orders adds nothing", async () => {
    const counts = () => {
      const db = new Database(path.join(dir, "crm.db"), { readonly: true });
      try {
        return db.prepare("select (select count(*) from purchases) purchases, (select count(*) from contacts) contacts").get();
      } finally {
        db.close();
      }
    };
    const before = counts();
    expect(before).toEqual({ purchases: 6919, contacts: 2357 });
    const r = await run(dir, ["import", "purchases", path.join(dir, "orders.csv"), "--create-contacts"]);
    expect(r.code).toBe(0);
    expect(counts()).toEqual(before);
  });

  it("crm report churn lists customers under the threshold, most value at risk first", async () => {
    const churn = await runJson(dir, ["report", "churn", "--as-of", "1998-06-30", "--threshold", "0.2", "--top", "10"]);
    expect(churn.rows).toHaveLength(10);
    expect(churn.rows.every((r: any) => r.pAlive < 0.2)).toBe(true);
    const values = churn.rows.map((r: any) => r.valueAtRisk);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
  });

  it("crm report segments covers every customer in table, JSON and CSV", async () => {
    const summary = await runJson(dir, ["report", "segments", "--as-of", "1998-06-30"]);
    expect(summary.reduce((s: number, r: any) => s + r.customers, 0)).toBe(2357);
    const csv = (await run(dir, ["report", "segments", "--as-of", "1998-06-30", "--format", "csv"])).stdout.trim().split("\n");
    expect(csv[0]).toBe("segment,customers,sharePercent,revenue,currency,meanRecencyDays,meanFrequency,meanMonetary");
    // Money as decimal strings next to the currency, shares in percent: the parts add up to the whole.
    expect(summary.every((r: any) => r.currency === "USD" && /^\d+\.\d{2}$/.test(r.revenue))).toBe(true);
    expect(summary.reduce((s: number, r: any) => s + r.sharePercent, 0)).toBeCloseTo(100, 1);
    expect(csv).toHaveLength(summary.length + 1);
    const table = (await run(dir, ["report", "segments", "--as-of", "1998-06-30"])).stdout;
    expect(table).toContain("Champions");
  });

  it("k-means gives the same clusters on two runs", async () => {
    const a = (await run(dir, ["report", "segments", "--method", "kmeans", "--k", "3", "--as-of", "1998-06-30", "--format", "json"])).stdout;
    const b = (await run(dir, ["report", "segments", "--method", "kmeans", "--k", "3", "--as-of", "1998-06-30", "--format", "json"])).stdout;
    expect(JSON.parse(a).clusters).toHaveLength(3);
    expect(a).toBe(b);
  });

  it("crm report retention counts every customer as new in 1997-Q1", async () => {
    const rows = await runJson(dir, ["report", "retention", "--period", "quarter", "--as-of", "1998-06-30"]);
    expect(rows[0]).toMatchObject({ period: "1997-Q1", customersAtStart: 0, newCustomers: 2357 });
    expect(rows[1]).toMatchObject({ period: "1997-Q2", customersAtStart: 2357, newCustomers: 0 });
    expect(rows[1].retentionPercent).toBeCloseTo((100 * rows[1].customersAtEnd) / 2357, 1);
  });

  it("crm contact list --segment lists the segment's members", async () => {
    const champions = await runJson(dir, ["contact", "list", "--segment", "Champions", "--as-of", "1998-06-30"]);
    const summary = await runJson(dir, ["report", "segments", "--as-of", "1998-06-30"]);
    expect(champions).toHaveLength(summary.find((s: any) => s.segment === "Champions").customers);
  });

  it("crm contact list --segment refuses an unknown segment with exit 2", async () => {
    expect((await run(dir, ["contact", "list", "--segment", "Royalty"])).code).toBe(2);
  });

  it("rejects bad options with exit 2", async () => {
    expect((await run(dir, ["report", "clv", "--model", "magic"])).code).toBe(2);
    expect((await run(dir, ["report", "clv", "--horizon", "0"])).code).toBe(2);
    expect((await run(dir, ["report", "churn", "--threshold", "2"])).code).toBe(2);
    expect((await run(dir, ["report", "retention", "--period", "week"])).code).toBe(2);
  });

  // Last: it adds a purchase to the shared database.
  it("a repeat purchase of 0.00 leaves clv on a count model and churn's JSON, CSV and table in agreement", async () => {
    const before = await runJson(dir, ["report", "clv", "--model", "bgnbd", "--as-of", "1997-09-30"]);
    const once = before.rows.find((r: any) => r.repeatPurchases === 0 && r.firstPurchase < "1997-02-01");
    const added = await run(dir, ["purchase", "add", String(once.contactId), "0", "--currency", "USD", "--at", "1997-09-01"]);
    expect(added.code, added.stderr).toBe(0);
    const after = await runJson(dir, ["report", "clv", "--model", "bgnbd", "--as-of", "1997-09-30"]);
    expect(after.model).toBe("bgnbd");
    expect(after.excludedFromSpendModel).toBe(1);
    expect(after.gammaGamma).toEqual(before.gammaGamma);
    const args = ["report", "churn", "--as-of", "1998-06-30", "--threshold", "0.3"];
    const json = await run(dir, [...args, "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout).rows;
    const csv = (await run(dir, [...args, "--format", "csv"])).stdout.trim().split("\n").slice(1);
    expect(csv.map((line) => Number(line.split(",")[0]))).toEqual(rows.map((r: any) => r.contactId));
    const table = await run(dir, args);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${rows[0].contactId}`);
  });
});

// Customer analytics on a real database: the CDNOW transaction log (test/fixtures/cdnow) loaded as
// purchases, then the reports computed by core — checked against the published BG/NBD and
// Gamma-Gamma results (Fader, Hardie & Lee 2005).
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { loadCustomers } from "../../src/core/customers/customers.js";
import { clvReport, churnReport } from "../../src/core/customers/lifetime.js";
import { contactIdsInSegment, rfmReport, kmeansReport, customerAnalytics } from "../../src/core/customers/segments.js";
import { kmeansSegments, rfmFeatures } from "../../src/analytics/kmeans.js";
import { ROOT, tempDir } from "../helpers.js";

const asOf = (date: string) => new Date(`${date}T23:59:59.999`);
let store: Store;
// Customers of the CDNOW sample with a single purchase (row) up to 1997-09-30, counted from the log
// (awk '$3 <= 19970930 { n[$2]++ } END { for (c in n) if (n[c] == 1) k++; print k }').
const ONE_TIME_BUYERS = 1398;

/** A fresh database with the CDNOW log as purchases (contact id = CDNOW sample id). */
function cdnowStore(): Store {
  const store = openStore(path.join(tempDir(), "crm.db"));
  const log = fs
    .readFileSync(path.join(ROOT, "test/fixtures/cdnow/CDNOW_sample.txt"), "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const contact = store.sqlite.prepare("insert or ignore into contacts(id, name, created_at, updated_at) values (?, ?, ?, ?)");
  const purchase = store.sqlite.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (?, ?, 'USD', ?, ?)");
  store.sqlite.transaction(() => {
    for (const line of log) {
      const [, id, day, , dollars] = line.trim().split(/\s+/);
      const at = new Date(`${day!.slice(0, 4)}-${day!.slice(4, 6)}-${day!.slice(6, 8)}T12:00:00`).toISOString();
      contact.run(Number(id), `Customer ${id}`, at, at);
      // Dollar values with two decimals, converted by string so no float rounding is involved.
      const [whole, frac = ""] = dollars!.split(".");
      purchase.run(Number(id), Number(whole) * 100 + Number(frac.padEnd(2, "0").slice(0, 2)), at, at);
    }
  })();
  return store;
}

beforeAll(() => {
  store = cdnowStore();
});

describe("CDNOW through core", () => {
  it("derives the published calibration summary: 2,357 customers, 946 repeaters, 2,457 repeat purchases", () => {
    const data = loadCustomers(store, asOf("1997-09-30"));
    expect(data.customers).toHaveLength(2357);
    expect(data.customers.filter((c) => c.x > 0)).toHaveLength(946);
    expect(data.customers.reduce((s, c) => s + c.x, 0)).toBe(2457);
  });

  it("fits BG/NBD and Gamma-Gamma to the published parameters", () => {
    const report = clvReport(store, asOf("1997-09-30"), { model: "bgnbd", horizonMonths: 12, discountRate: 0.1, margin: 1 });
    expect(report.model).toBe("bgnbd");
    const b = report.bgnbd!;
    expect(b.r).toBeCloseTo(0.243, 3);
    expect(b.alpha).toBeCloseTo(4.414, 2);
    expect(b.a).toBeCloseTo(0.793, 3);
    expect(b.b).toBeCloseTo(2.426, 2);
    expect(b.logLikelihood).toBeCloseTo(-9582.4, 1);
    const g = report.gammaGamma!;
    expect(g.p).toBeCloseTo(6.25, 1);
    expect(g.q).toBeCloseTo(3.74, 1);
    expect(g.gamma).toBeCloseTo(15.44, 1);
    expect(g.customers).toBe(946);
    for (const row of report.rows) {
      expect(row.pAlive).toBeGreaterThanOrEqual(0);
      expect(row.pAlive).toBeLessThanOrEqual(1);
      expect(Number.isFinite(row.clv)).toBe(true);
    }
    // Customers with one purchase are certainly alive under BG/NBD.
    expect(report.rows.filter((r) => r.repeatPurchases === 0).every((r) => r.pAlive === 1)).toBe(true);
  });

  it("falls back to the simple model, saying why, when too few customers repeat", () => {
    // 20 customers over two years: half bought again in the second year.
    const small = openStore(path.join(tempDir(), "small.db"));
    const contact = small.sqlite.prepare("insert into contacts(id, name, created_at, updated_at) values (?, ?, ?, ?)");
    const purchase = small.sqlite.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (?, 10000, 'EUR', ?, ?)");
    for (let id = 1; id <= 20; id++) {
      const first = new Date(2024, 0, id).toISOString();
      contact.run(id, `Customer ${id}`, first, first);
      purchase.run(id, first, first);
      if (id % 2 === 0) purchase.run(id, new Date(2025, 5, id).toISOString(), first);
    }
    const report = clvReport(small, asOf("2025-12-31"), { model: "bgnbd", horizonMonths: 12, discountRate: 0.1, margin: 1 });
    expect(report.model).toBe("simple");
    expect(report.fallbackReason).toMatch(/only 10 customers bought on more than one day/);
    // r = 10/20 = 0.5; multiplier r/(1 + d − r) = 0.5/0.6; a repeat customer's yearly margin is
    // 200 EUR spread over their active span (more than a year → per year).
    expect(report.simple!.yearlyRetention).toBe(0.5);
    expect(report.simple!.multiplier).toBeCloseTo(0.5 / 0.6, 4);
    const repeat = report.rows.find((r) => r.contactId === 2)!;
    const years = (Date.UTC(2025, 5, 2) - Date.UTC(2024, 0, 2)) / 86_400_000 / 365 + 1 / 365;
    expect(repeat.clv).toBeCloseTo((200 / years) * (0.5 / 0.6), 1);
    expect(report.rows.find((r) => r.contactId === 1)!.clv).toBe(0);
  });

  it("ranks churn risk by value at risk, only below the threshold", () => {
    const churn = churnReport(store, asOf("1998-06-30"), { threshold: 0.3 });
    expect(churn.rows.length).toBeGreaterThan(0);
    expect(churn.rows.every((r) => r.pAlive! < 0.3)).toBe(true);
    const values = churn.rows.map((r) => r.valueAtRisk);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it("segments every customer by RFM and finds a segment's members", () => {
    const report = rfmReport(store, asOf("1998-06-30"));
    expect(report.summary.reduce((s, r) => s + r.customers, 0)).toBe(2357);
    const champions = contactIdsInSegment(store, "champions", asOf("1998-06-30"));
    expect(champions.length).toBe(report.summary.find((s) => s.segment === "Champions")!.customers);
    expect(() => contactIdsInSegment(store, "Royalty", asOf("1998-06-30"))).toThrow(/unknown segment/);
  });

  it("gives every one-time buyer the same F score, so none of them is a loyal customer", () => {
    const report = rfmReport(store, asOf("1997-09-30"));
    const once = report.customers.filter((c) => c.frequency === 1);
    expect(once).toHaveLength(ONE_TIME_BUYERS);
    expect(new Set(once.map((c) => c.f))).toEqual(new Set([1]));
    expect(once.filter((c) => c.segment === "Potential Loyalist" || c.segment === "Loyal Customers")).toEqual([]);
    // Equal values, equal scores, in every measure.
    for (const key of ["recencyDays", "frequency", "monetary"] as const) {
      const score = key === "recencyDays" ? "r" : key === "frequency" ? "f" : "m";
      const byValue = new Map<number, Set<number>>();
      for (const c of report.customers) byValue.set(c[key], (byValue.get(c[key]) ?? new Set()).add(c[score]));
      expect([...byValue.values()].every((scores) => scores.size === 1)).toBe(true);
    }
  });

  it("finds k-means clusters within 0.1% of scikit-learn's inertia on CDNOW with k = 4, on the same features", () => {
    const reference = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/cdnow/kmeans/sklearn-k4.json"), "utf8"));
    const report = kmeansReport(store, asOf(reference.asOf), { k: 4 });
    expect(report.customers).toHaveLength(reference.customers);
    const { mean, sd } = rfmFeatures(report.customers);
    mean.forEach((m, j) => expect(m).toBeCloseTo(reference.featureMean[j], 9));
    sd.forEach((s, j) => expect(s).toBeCloseTo(reference.featureSd[j], 9));
    expect(Math.abs(report.inertia / reference.inertiaRandomState0 - 1)).toBeLessThan(0.001);
  });

  it("gives the same k-means clusters whatever order the customers come in", () => {
    const { customers } = kmeansReport(store, asOf("1998-06-30"), { k: 4 });
    const input = customers.map((c) => ({ id: c.contactId, recencyDays: c.recencyDays, frequency: c.frequency, monetary: c.monetary }));
    const shuffled = [...input].sort((p, q) => ((p.id * 7919) % 2357) - ((q.id * 7919) % 2357));
    const clusterOf = (list: typeof input) => {
      const result = kmeansSegments(list, { k: 4 });
      return new Map(list.map((c, i) => [c.id, result.assignment[i]]));
    };
    const inOrder = clusterOf(input);
    const reversed = clusterOf([...input].reverse());
    const mixed = clusterOf(shuffled);
    expect(input.every((c) => reversed.get(c.id) === inOrder.get(c.id) && mixed.get(c.id) === inOrder.get(c.id))).toBe(true);
  });

  it("gives the same k-means clusters on two runs", () => {
    const a = kmeansReport(store, asOf("1998-06-30"), { k: 4 });
    const b = kmeansReport(store, asOf("1998-06-30"), { k: 4 });
    expect(a.clusters).toEqual(b.clusters);
    expect(a.assignment).toEqual(b.assignment);
  });

  it("describes one customer for crm contact show", () => {
    const info = customerAnalytics(store, 1516, asOf("1997-09-30"))!;
    expect(info.segment).toBeTypeOf("string");
    expect(info.pAlive).toBeCloseTo(0.97, 1);
    // A one-time buyer from January 1997: the chosen model does not call them certainly alive.
    const once = loadCustomers(store, asOf("1997-09-30")).customers.find((c) => c.x === 0 && c.firstDay.startsWith("1997-01"))!;
    expect(customerAnalytics(store, once.contactId, asOf("1997-09-30"))!.pAlive).toBeLessThan(1);
    expect(customerAnalytics(store, 999_999, asOf("1997-09-30"))).toBeUndefined();
  });
});

describe("crm today: valuable customers at risk", () => {
  it("shows at most five customers below the churn threshold who are not already long gone, by value at risk", async () => {
    const { valuableCustomersAtRisk } = await import("../../src/core/today/agenda.js");
    const built = valuableCustomersAtRisk.build(store, asOf("1998-06-30"));
    const items = Array.isArray(built) ? built : built.items;
    expect(items.length).toBe(5);
    for (const item of items) {
      const p = item.extra!.pAlive as number;
      expect(p).toBeGreaterThanOrEqual(0.1);
      expect(p).toBeLessThan(0.5);
    }
    const values = items.map((i) => i.extra!.valueAtRisk as number);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });
});

describe("a repeat purchase of 0.00", () => {
  const day = "1997-09-30";
  it("keeps that customer out of the Gamma-Gamma fit and everyone else's CLV intact, in every output", () => {
    const withZero = cdnowStore();
    const once = loadCustomers(withZero, asOf(day)).customers.find((c) => c.x === 0 && c.firstDay < "1997-02-01")!;
    withZero.sqlite
      .prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (?, 0, 'USD', ?, ?)")
      .run(once.contactId, "1997-09-01T12:00:00.000Z", "1997-09-01T12:00:00.000Z");
    const opts = { model: "bgnbd" as const, horizonMonths: 12, discountRate: 0.1, margin: 1 };
    const before = clvReport(store, asOf(day), opts);
    const after = clvReport(withZero, asOf(day), opts);
    expect(after.model).toBe("bgnbd");
    expect(after.fallbackReason).toBeUndefined();
    expect(after.excludedFromSpendModel).toBe(1);
    // The same 946 customers with positive repeat spend, so the same Gamma-Gamma fit.
    expect(after.gammaGamma).toEqual(before.gammaGamma);
    const beforeById = new Map(before.rows.map((r) => [r.contactId, r]));
    for (const row of after.rows) {
      if (row.contactId === once.contactId) continue;
      // BG/NBD is refitted with one more repeat purchase: CLVs move by far less than a cent in a dollar.
      expect(Math.abs(row.clv - beforeById.get(row.contactId)!.clv)).toBeLessThanOrEqual(0.01 * Math.max(1, beforeById.get(row.contactId)!.clv));
    }
    const zero = after.rows.find((r) => r.contactId === once.contactId)!;
    expect(zero.repeatPurchases).toBe(1);
    // Gamma-Gamma's expected value at a mean of 0: p·γ/(p + q − 1), well below the population mean.
    const g = after.gammaGamma!;
    expect(zero.expectedOrderValue).toBeCloseTo((g.p * g.gamma) / (g.p + g.q - 1), 2);
    expect(zero.expectedOrderValue!).toBeLessThan((g.p * g.gamma) / (g.q - 1));

    // The churn report evaluates the same customers with and without the total CLV (JSON vs table).
    const withTotal = churnReport(withZero, asOf("1998-06-30"), { threshold: 0.3, withTotalClv: true });
    const without = churnReport(withZero, asOf("1998-06-30"), { threshold: 0.3, withTotalClv: false });
    expect(withTotal.model).not.toBeNull();
    expect(withTotal.rows.map((r) => r.contactId)).toEqual(without.rows.map((r) => r.contactId));
    expect((withTotal as { totalClv?: number }).totalClv).toBeGreaterThan(0);
  });
});

describe("200 customers who all look alike", () => {
  it("report a message, not a fit at the edge of the parameter space", () => {
    const alike = openStore(path.join(tempDir(), "alike.db"));
    const contact = alike.sqlite.prepare("insert into contacts(id, name, created_at, updated_at) values (?, ?, ?, ?)");
    const purchase = alike.sqlite.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (?, 2500, 'EUR', ?, ?)");
    alike.sqlite.transaction(() => {
      for (let id = 1; id <= 200; id++) {
        const first = "2024-01-10T12:00:00.000Z";
        contact.run(id, `Customer ${id}`, first, first);
        for (const at of [first, "2024-06-10T12:00:00.000Z", "2025-01-10T12:00:00.000Z"]) purchase.run(id, at, first);
      }
    })();
    for (const model of ["auto", "bgnbd", "mbgnbd", "pareto"] as const) {
      const report = clvReport(alike, asOf("2025-06-30"), { model, horizonMonths: 12, discountRate: 0.1, margin: 1 });
      expect(report.model).toBe("simple");
      expect(report.fallbackReason).toMatch(/all customers look alike: no heterogeneity to estimate/);
      expect(report.bgnbd).toBeUndefined();
    }
    const churn = churnReport(alike, asOf("2025-06-30"), { threshold: 0.5 });
    expect(churn.model).toBeNull();
    expect("fallbackReason" in churn ? churn.fallbackReason : undefined).toMatch(/all customers look alike/);
  });
});

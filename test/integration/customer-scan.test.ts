// loadCustomers reads every purchase in one pass (per contact, as JSON arrays) and works out local
// days itself: its summaries must be exactly what a plain reading of the rows gives — with customers
// buying in several currencies, purchases after "now" and a time zone with daylight saving.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { loadCustomers, type CustomerSummary } from "../../src/core/customers/customers.js";
import { retentionReport } from "../../src/core/customers/retention.js";
import { retentionByPeriod } from "../../src/analytics/retention.js";
import { dayNumber } from "../../src/analytics/period.js";
import { localDate } from "../../src/io/dates.js";
import { setSetting } from "../../src/core/config/settings.js";
import { tempDir } from "../helpers.js";

const savedTz = process.env.TZ;
let store: Store;
const rows: { contactId: number; minor: number; currency: string; at: string }[] = [];
const NOW = new Date("2025-11-15T12:00:00Z");

beforeAll(() => {
  process.env.TZ = "Europe/Berlin";
  store = openStore(path.join(tempDir(), "crm.db"));
  setSetting(store, "currency", "EUR");
  let seed = 42;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const contact = store.sqlite.prepare("insert into contacts(id, name, email, created_at, updated_at) values (?, ?, ?, ?, ?)");
  const purchase = store.sqlite.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (?, ?, ?, ?, ?)");
  store.sqlite.transaction(() => {
    for (let id = 1; id <= 300; id++) {
      contact.run(id, `Customer ${id}`, `c${id}@example.com`, "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z");
      const n = 1 + Math.floor(rnd() * 12);
      for (let k = 0; k < n; k++) {
        // Around the clock, across both daylight-saving changes, some after now.
        const at = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 700 * 24 * 60) * 60_000).toISOString();
        const currency = id % 10 === 0 ? (rnd() < 0.5 ? "USD" : "EUR") : id % 7 === 0 ? "GBP" : "EUR";
        const minor = 100 + Math.floor(rnd() * 20_000);
        purchase.run(id, minor, currency, at, at);
        rows.push({ contactId: id, minor, currency, at });
      }
    }
    // An erased person's purchases stay as anonymous amounts: never a customer.
    purchase.run(null, 999, "EUR", "2024-05-05T10:00:00.000Z", "2024-05-05T10:00:00.000Z");
  })();
});

afterAll(() => {
  store.sqlite.close();
  process.env.TZ = savedTz;
});

/** The summaries computed the plain way: group the rows by contact and local day. */
function expected(currency: string): CustomerSummary[] {
  const today = dayNumber(localDate(NOW));
  const byContact = new Map<number, Map<string, { total: number; n: number }>>();
  for (const r of rows) {
    if (r.currency !== currency || r.at > NOW.toISOString()) continue;
    const day = localDate(new Date(r.at));
    const days = byContact.get(r.contactId) ?? byContact.set(r.contactId, new Map()).get(r.contactId)!;
    const d = days.get(day) ?? days.set(day, { total: 0, n: 0 }).get(day)!;
    d.total += r.minor;
    d.n++;
  }
  return [...byContact.keys()]
    .sort((a, b) => a - b)
    .map((contactId) => {
      const days = [...byContact.get(contactId)!].sort(([a], [b]) => (a < b ? -1 : 1));
      const [firstDay, first] = days[0]!;
      const lastDay = days[days.length - 1]![0];
      const totalMinor = days.reduce((s, [, d]) => s + d.total, 0);
      const x = days.length - 1;
      return {
        contactId,
        purchases: days.reduce((s, [, d]) => s + d.n, 0),
        totalMinor,
        firstDay,
        lastDay,
        recencyDays: today - dayNumber(lastDay),
        x,
        txDays: dayNumber(lastDay) - dayNumber(firstDay),
        ageDays: today - dayNumber(firstDay),
        repeatMean: x > 0 ? (totalMinor - first.total) / x / 100 : 0,
      };
    });
}

describe("loadCustomers", () => {
  it("summarises the usual currency exactly as a plain reading of the rows does", () => {
    const data = loadCustomers(store, NOW);
    expect(data.currency).toBe("EUR");
    expect(data.otherCurrencies).toEqual(["GBP", "USD"]);
    expect(data.customers).toEqual(expected("EUR"));
  });

  it("summarises another currency, bought alone or beside euros, on request", () => {
    expect(loadCustomers(store, NOW, "USD").customers).toEqual(expected("USD"));
    expect(loadCustomers(store, NOW, "gbp").customers).toEqual(expected("GBP"));
    expect(() => loadCustomers(store, NOW, "JPY")).toThrow(/no purchases in "JPY"/);
  });

  it("takes the currency with the most purchases when the configured one has none", () => {
    setSetting(store, "currency", "CHF");
    try {
      const data = loadCustomers(store, NOW);
      expect(data.currency).toBe("EUR");
      expect(data.customers).toEqual(expected("EUR"));
    } finally {
      setSetting(store, "currency", "EUR");
    }
  });
});

describe("retentionReport", () => {
  it("counts the same (customer, local day) pairs as a plain reading of the rows", () => {
    const seen = rows.filter((r) => r.at <= NOW.toISOString());
    const pairs = (list: typeof rows) => list.map((r) => ({ customerId: r.contactId, date: localDate(new Date(r.at)) }));
    for (const kind of ["month", "quarter"] as const) {
      // Every currency with --currency all; one currency (the default here) otherwise.
      expect(retentionReport(store, NOW, kind, "all").rows).toEqual(retentionByPeriod(pairs(seen), kind, localDate(NOW)));
      const eur = seen.filter((r) => r.currency === "EUR");
      expect(retentionReport(store, NOW, kind).rows).toEqual(retentionByPeriod(pairs(eur), kind, localDate(NOW)));
    }
  });
});

describe("loadCustomers with every currency converted", () => {
  it("merges each customer's currencies into the default one, converting purchase by purchase", () => {
    setSetting(store, "rate.USD", "0.92");
    setSetting(store, "rate.GBP", "1.17");
    const rate: Record<string, number> = { EUR: 1, USD: 0.92, GBP: 1.17 };
    const expected = new Map<number, { purchases: number; totalMinor: number }>();
    for (const r of rows.filter((r) => r.at <= NOW.toISOString())) {
      const c = expected.get(r.contactId) ?? { purchases: 0, totalMinor: 0 };
      c.purchases++;
      c.totalMinor += Math.round(r.minor * rate[r.currency]!);
      expected.set(r.contactId, c);
    }
    const data = loadCustomers(store, NOW, "all");
    expect(data).toMatchObject({ currency: "EUR", otherCurrencies: [], convertedAt: { USD: 0.92, GBP: 1.17 } });
    expect(new Map(data.customers.map((c) => [c.contactId, { purchases: c.purchases, totalMinor: c.totalMinor }]))).toEqual(expected);
  });
});

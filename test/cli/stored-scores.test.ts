// The stored customer analytics behind `crm today`'s at-risk list, `crm contact show` and `--segment`:
// computed once and read back while the purchase data, the settings and the day are the same, and never
// stale — after every change, what the commands show equals what the customer analytics compute from
// scratch (the churn report's first rows, the CLV and RFM of one customer), and it changed.
// Data: half of the CDNOW log (customers 1–1200), imported with `crm import purchases`.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/db/open.js";
import { scoreComputations } from "../../src/core/customers/scores.js";
import { customerClv, topCustomersAtRisk } from "../../src/core/customers/lifetime.js";
import { rfmReport } from "../../src/core/customers/segments.js";
import { loadCustomers } from "../../src/core/customers/customers.js";
import { getSetting } from "../../src/core/config/settings.js";
import { freshDbDir, run, runJson, runOk, ROOT, tempDir } from "../helpers.js";

const NOW = "1998-06-30T12:00";
const at = (now: string) => ({ env: { CRM_NOW: now } });

let base: string;
let orders: string;

beforeAll(async () => {
  base = freshDbDir();
  const log = fs
    .readFileSync(path.join(ROOT, "test/fixtures/cdnow/CDNOW_sample.txt"), "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() && Number(l.trim().split(/\s+/)[1]) <= 1200);
  const rows = log.map((line, i) => {
    const [, id, day, , dollars] = line.trim().split(/\s+/);
    return `${i + 1},${id},${day},${dollars},USD`;
  });
  orders = path.join(base, "orders.csv");
  fs.writeFileSync(orders, ["order id,customer id,order date,total,currency", ...rows].join("\n") + "\n");
  await runOk(base, ["import", "purchases", orders, "--create-contacts"], at(NOW));
}, 120_000);

/** A copy of the imported database, in a directory of its own. */
function copy(): string {
  const dir = tempDir();
  fs.copyFileSync(path.join(base, "crm.db"), path.join(dir, "crm.db"));
  return dir;
}

/** Runs SQL on the database as another program would. */
function sql<T = unknown>(dir: string, statement: string, ...params: unknown[]): T {
  const db = new Database(path.join(dir, "crm.db"));
  try {
    const s = db.prepare(statement);
    return (s.reader ? s.pluck().get(...params) : s.run(...params)) as T;
  } finally {
    db.close();
  }
}

const version = (dir: string) => sql<number>(dir, "select purchases from data_version");

interface Views {
  dataVersion: number;
  atRisk: { contactId: number; pAlive: number; valueAtRisk: number; clv: number; currency: string }[];
  profile: Record<string, unknown> | null;
}

/** What `crm today` (its at-risk list) and `crm contact show <id>` (its analytics) say. */
async function views(dir: string, id: number, now = NOW): Promise<Views> {
  const agenda = await runJson(dir, ["today", "--format", "json"], at(now));
  const section = agenda.sections.find((s: { key: string }) => s.key === "at-risk");
  const profile = (await runJson(dir, ["contact", "show", String(id), "--format", "json"], at(now))).analytics;
  if (profile) expect(profile.dataVersion).toBe(agenda.dataVersion);
  return {
    dataVersion: agenda.dataVersion,
    atRisk: section.items.map((i: { contactId: number; extra: Record<string, string | number> }) => ({
      contactId: i.contactId,
      pAlive: i.extra.pAlive,
      valueAtRisk: Number(i.extra.valueAtRisk),
      clv: Number(i.extra.clv),
      currency: i.extra.currency,
    })),
    profile: profile ? { ...profile, ...(profile.clv12Months !== undefined ? { clv12Months: Number(profile.clv12Months) } : {}) } : null,
  };
}

/** The same, computed from scratch by the customer analytics (nothing stored is read). */
function fromScratch(dir: string, id: number, now = NOW): Views {
  const store = openStore(path.join(dir, "crm.db"));
  try {
    const when = new Date(now);
    const threshold = Number(getSetting(store, "churn.threshold"));
    const risk = topCustomersAtRisk(store, when, { threshold, atLeast: 0.1, limit: 5 });
    const currency = store.sqlite
      .prepare<[number, string], string>(
        "select currency from purchases where contact_id = ? and at <= ? and (refunded_minor = 0 or amount_minor > refunded_minor) group by currency order by count(*) desc, max(at) desc limit 1",
      )
      .pluck()
      .get(id, when.toISOString());
    let profile: Views["profile"] = null;
    const rfm = currency && rfmReport(store, when, currency).customers.find((c) => c.contactId === id);
    if (currency && rfm) {
      const clv = customerClv(store, when, id, loadCustomers(store, when, currency, true));
      profile = { segment: rfm.segment, r: rfm.r, f: rfm.f, m: rfm.m, currency };
      if (clv.row && clv.model !== "simple") profile.pAlive = clv.row.pAlive;
      if (clv.row) profile.clv12Months = clv.row.clv;
    }
    return {
      dataVersion: version(dir),
      atRisk: risk.rows.map((r) => ({ contactId: r.contactId, pAlive: r.pAlive!, valueAtRisk: r.valueAtRisk, clv: r.clv, currency: risk.currency })),
      profile,
    };
  } finally {
    store.sqlite.close();
  }
}

/** Checks the stored answer against the one from scratch (the data version apart, which the CLI adds). */
function expectFresh(stored: Views, fresh: Views, what: string): void {
  const { dataVersion: _d, ...profile } = stored.profile ?? {};
  expect(stored.atRisk, what).toEqual(fresh.atRisk);
  expect(stored.profile === null ? null : profile, what).toEqual(fresh.profile);
  expect(stored.dataVersion, what).toBe(fresh.dataVersion);
}

/** A customer of the at-risk list: a change to their purchases shows in both views. */
async function someoneAtRisk(dir: string): Promise<number> {
  const agenda = await runJson(dir, ["today", "--format", "json"], at(NOW));
  return agenda.sections.find((s: { key: string }) => s.key === "at-risk").items[0].contactId;
}

describe("stored customer analytics", () => {
  it("are computed once: a second `crm today` and `crm contact show` read them back", async () => {
    const dir = copy();
    const id = await someoneAtRisk(dir);
    const computed = scoreComputations.count;
    const first = await views(dir, id);
    // The first `today` above computed and stored them; contact show of a USD customer shares them.
    expect(scoreComputations.count).toBe(computed);
    expect(first.atRisk).toHaveLength(5);
    expect(first.profile!.pAlive).toBeGreaterThan(0);
    expect(await views(dir, id)).toEqual(first);
    expect(scoreComputations.count).toBe(computed);
    expectFresh(first, fromScratch(dir, id), "as imported");
    expect(sql<number>(dir, "select count(*) from customer_scores")).toBe(
      1200 - sql<number>(dir, "select count(*) from contacts where id not in (select contact_id from purchases)"),
    );
  });

  it("are never stale: a purchase added, refunded or removed, a setting changed, a later day each give the numbers computed from scratch", async () => {
    const dir = copy();
    const id = await someoneAtRisk(dir);
    let last = await views(dir, id);
    /** After `change`, the views are recomputed (or not), equal the ones from scratch, and differ from before. */
    const step = async (what: string, change: () => Promise<unknown> | unknown, o: { now?: string; recomputes?: number; bumps?: boolean } = {}) => {
      const before = version(dir);
      await change();
      expect(version(dir), what).toBe(before + (o.bumps ? 1 : 0));
      const computed = scoreComputations.count;
      const now = await views(dir, id, o.now);
      expect(scoreComputations.count - computed, what).toBe(o.recomputes ?? 1);
      expectFresh(now, fromScratch(dir, id, o.now), what);
      expect({ ...now, dataVersion: 0 }, what).not.toEqual({ ...last, dataVersion: 0 });
      // and read back, not recomputed, the second time
      expect(await views(dir, id, o.now), what).toEqual(now);
      expect(scoreComputations.count - computed, what).toBe(o.recomputes ?? 1);
      last = now;
    };
    await step("a purchase added", () => runOk(dir, ["purchase", "add", String(id), "250.00", "--currency", "USD", "--at", "1998-06-29"], at(NOW)), {
      bumps: true,
    });
    const added = sql<number>(dir, "select max(id) from purchases");
    await step("that purchase refunded", () => runOk(dir, ["purchase", "refund", String(added), "--at", "1998-06-30 10:00"], at(NOW)), { bumps: true });
    await step(
      "a purchase removed",
      () => runOk(dir, ["purchase", "rm", String(sql<number>(dir, "select min(id) from purchases where contact_id = ?", id)), "--yes"], at(NOW)),
      {
        bumps: true,
      },
    );
    await step(
      "the churn threshold lowered (read from the stored P(alive), no refit)",
      () => runOk(dir, ["config", "set", "churn.threshold", "0.3"], at(NOW)),
      {
        recomputes: 0,
      },
    );
    await step("a later day", () => undefined, { now: "1998-07-20T12:00" });
    // The default currency has purchases now: today's list is about its customers (too few for a fit).
    await runOk(dir, ["purchase", "add", String(id), "10.00", "--currency", "EUR", "--at", "1998-06-01"], at(NOW));
    await runOk(dir, ["config", "set", "currency", "USD"], at(NOW));
    last = await views(dir, id);
    // Both the default currency's scores (today) and the person's own currency's (contact show) depend on it.
    await step("the currency setting", () => runOk(dir, ["config", "set", "currency", "EUR"], at(NOW)), { recomputes: 2 });
    expect(last.atRisk).toEqual([]);
    // An exchange rate: the views convert nothing, but a rate is a setting the analytics read.
    const computed = scoreComputations.count;
    await runOk(dir, ["config", "set", "rate.USD", "0.9"], at(NOW));
    expectFresh(await views(dir, id), fromScratch(dir, id), "a rate set");
    expect(scoreComputations.count - computed).toBe(2);
  }, 60_000);

  it("count a purchase dated later today once its time has come, with no write in between", async () => {
    const dir = copy();
    const id = await someoneAtRisk(dir);
    await runOk(dir, ["purchase", "add", String(id), "999.00", "--currency", "USD", "--at", "1998-06-30 18:00"], at("1998-06-30T19:00"));
    const morning = await views(dir, id);
    expectFresh(morning, fromScratch(dir, id), "before it");
    const computed = scoreComputations.count;
    const evening = await views(dir, id, "1998-06-30T19:00");
    expect(scoreComputations.count).toBe(computed + 1);
    expectFresh(evening, fromScratch(dir, id, "1998-06-30T19:00"), "after it");
    expect(evening.profile).not.toEqual(morning.profile);
    // Back to the morning (--as-of): the purchase is out again.
    const again = await views(dir, id);
    expectFresh(again, fromScratch(dir, id), "the morning again");
    expect(again.profile).toEqual(morning.profile);
  });

  it("still answer when the database is locked by another process, storing nothing", async () => {
    const dir = copy();
    const id = await someoneAtRisk(dir);
    await runOk(dir, ["purchase", "add", String(id), "250.00", "--currency", "USD", "--at", "1998-06-29"], at(NOW));
    const other = new Database(path.join(dir, "crm.db"));
    other.exec("BEGIN IMMEDIATE");
    try {
      const computed = scoreComputations.count;
      const locked = await views(dir, id);
      expect(await views(dir, id)).toEqual(locked);
      expect(scoreComputations.count).toBe(computed + 4);
      expectFresh(locked, fromScratch(dir, id), "locked");
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    const computed = scoreComputations.count;
    await views(dir, id);
    await views(dir, id);
    expect(scoreComputations.count).toBe(computed + 1);
  });

  it("give `--segment` its members without recomputing, as the RFM report has them", async () => {
    const dir = copy();
    await runOk(dir, ["today"], at(NOW));
    const computed = scoreComputations.count;
    const listed = (await runJson(dir, ["contact", "list", "--segment", "champions", "--format", "json", "--limit", "100000"], at(NOW))).map(
      (c: { id: number }) => c.id,
    );
    expect(scoreComputations.count).toBe(computed);
    const store = openStore(path.join(dir, "crm.db"));
    const champions = rfmReport(store, new Date(NOW), undefined)
      .customers.filter((c) => c.segment === "Champions")
      .map((c) => c.contactId);
    store.sqlite.close();
    expect(champions.length).toBeGreaterThan(10);
    expect([...listed].sort((a, b) => a - b)).toEqual(champions.sort((a, b) => a - b));
    const r = await run(dir, ["followup", "add", "--segment", "champions", "--due", "1998-07-01", "--note", "thank you"], at(NOW));
    expect(r.code, r.stderr).toBe(0);
    expect(sql<number>(dir, "select count(*) from followups")).toBe(champions.length);
    expect(scoreComputations.count).toBe(computed);
  });
});

describe("a person whose only purchase in a currency was refunded in full", () => {
  it("has a profile without customer analytics in it", async () => {
    const dir = copy();
    const added = await runOk(dir, ["contact", "add", "Refunded Once"], at(NOW));
    const id = added.match(/\d+/)![0];
    await runOk(dir, ["purchase", "add", id, "20.00", "--currency", "GBP", "--at", "1998-06-01"], at(NOW));
    await runOk(dir, ["purchase", "refund", String(sql<number>(dir, "select max(id) from purchases"))], at(NOW));
    const profile = await runJson(dir, ["contact", "show", id, "--format", "json"], at(NOW));
    expect(profile.analytics ?? null).toBeNull();
  });
});

describe("the purchase data version", () => {
  it("moves once for every write of purchases, whatever the path, and not for writes that leave them alone", async () => {
    const dir = copy();
    const db = new Database(path.join(dir, "crm.db"));
    const [a, b, c, d] = db.prepare<[], number>("select id from contacts order by id limit 4").pluck().all();
    db.close();
    const bumps = async (what: string, expected: number, change: () => Promise<unknown>) => {
      const before = version(dir);
      await change();
      expect(version(dir) - before, what).toBe(expected);
    };
    await bumps("importing the same file again (nothing new)", 0, () => runOk(dir, ["import", "purchases", orders, "--create-contacts"], at(NOW)));
    const extra = path.join(dir, "more.csv");
    fs.writeFileSync(extra, "order id,customer id,order date,total,currency\nX1,1,19980601,10.00,USD\nX2,2,19980602,12.00,USD\nX3,2,19980603,14.00,USD\n");
    await bumps("an import of three new purchases", 1, () => runOk(dir, ["import", "purchases", extra, "--create-contacts"], at(NOW)));
    await bumps("a contact without purchases removed", 0, async () => {
      const added = await runOk(dir, ["contact", "add", "Nobody Bought"], at(NOW));
      await runOk(dir, ["contact", "rm", added.match(/\d+/)![0], "--yes"], at(NOW));
    });
    await bumps("a customer removed (their purchases cascade)", 1, () => runOk(dir, ["contact", "rm", String(a), "--yes"], at(NOW)));
    await bumps("two customers merged", 1, () => runOk(dir, ["contact", "merge", String(b), String(c), "--yes"], at(NOW)));
    await runOk(dir, ["today"], at(NOW));
    expect(sql<number>(dir, "select count(*) from customer_scores where contact_id = ?", d)).toBeGreaterThan(0);
    await bumps("a customer forgotten", 1, () => runOk(dir, ["forget", String(d), "--yes"], at(NOW)));
    // Their stored scores went with them.
    expect(sql<number>(dir, "select count(*) from customer_scores where contact_id = ?", d)).toBe(0);
    const deal = (await runOk(dir, ["deal", "add", String(b), "Big order", "--amount", "500", "--currency", "USD"], at(NOW))).match(/\d+/)![0];
    await bumps("a deal won (it records a purchase)", 1, () => runOk(dir, ["deal", "move", deal, "won"], at(NOW)));
    await bumps("the won deal reopened (its purchase goes)", 1, () => runOk(dir, ["deal", "move", deal, "negotiation"], at(NOW)));
    await bumps("a note logged", 0, () => runOk(dir, ["log", String(b), "called about the order"], at(NOW)));
  }, 60_000);
});

describe("the customer reports", () => {
  it("compute afresh and say which data version they used", async () => {
    const dir = copy();
    const v = version(dir);
    expect(v).toBeGreaterThan(0);
    const clv = await runJson(dir, ["report", "clv", "--format", "json", "--top", "3"], at(NOW));
    expect(clv.dataVersion).toBe(v);
    const churn = await runJson(dir, ["report", "churn", "--format", "json", "--top", "3"], at(NOW));
    expect(churn.dataVersion).toBe(v);
    const r = await run(dir, ["report", "segments"], at(NOW));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`computed from purchase data version ${v}`);
  });
});

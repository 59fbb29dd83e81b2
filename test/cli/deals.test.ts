// The user-facing contract of deals, the pipeline board and the pipeline report, run in-process
// through main(argv, io).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir, ok, run as runCrm, runJson, tempDir, sha256 } from "../helpers.js";

// Monday 2 March 2026, 10:00 UTC (run() uses TZ=UTC).
const NOW = { CRM_NOW: "2026-03-02T10:00:00Z" };
const run = (dir: string, args: string[], env: Record<string, string> = NOW) => runCrm(dir, args, { env });
const json = <T = any>(dir: string, args: string[], env: Record<string, string> = NOW) => runJson<T>(dir, args, { env });

async function addContacts(dir: string): Promise<void> {
  ok(await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]));
  ok(await run(dir, ["add", "Bob Boole"]));
}
const withContacts = fixtureDir(addContacts);

/** The three deals of the acceptance example: 1000 lead, 2000 proposal, 4000 at 60% negotiation. */
const threeDeals = fixtureDir(async (dir) => {
  await addContacts(dir);
  ok(await run(dir, ["deal", "add", "ada", "Newsletter templates", "--amount", "1000", "--stage", "lead"]));
  ok(await run(dir, ["deal", "add", "ada", "Website redesign", "--amount", "2000", "--stage", "proposal", "--close", "friday"]));
  ok(await run(dir, ["deal", "add", "bob", "Annual retainer", "--amount", "4000", "--stage", "negotiation", "--probability", "60", "--close", "2026-04-15"]));
});

describe("crm deal add", () => {
  it("prints the new id and stores stage, probability, amount in minor units and the close date", async () => {
    const dir = await withContacts();
    const r = await run(dir, ["deal", "add", "ada", "Website", "redesign", "--amount", "1,200.50", "--close", "next friday"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1\n");
    expect(r.stderr).toContain("added deal #1");
    const [d] = await json(dir, ["deal", "list"]);
    expect(d).toEqual({
      id: 1,
      contactId: 1,
      contactName: "Ada Lovelace",
      title: "Website redesign",
      amount: "1200.50",
      amountMinor: 120050,
      currency: "EUR",
      stage: "lead",
      probability: 10,
      probabilityOverride: null,
      closeOn: "2026-03-13",
      lostReason: null,
      closedAt: null,
      createdAt: "2026-03-02T10:00:00.000Z",
      updatedAt: "2026-03-02T10:00:00.000Z",
      purchaseId: null,
    });
  });

  it("reads the currency from the amount or --currency, and the default from the settings", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["deal", "add", "ada", "A", "--amount", "€1200"]));
    ok(await run(dir, ["deal", "add", "ada", "B", "--amount", "1200 USD"]));
    ok(await run(dir, ["deal", "add", "ada", "C", "--amount", "99", "--currency", "gbp"]));
    ok(await run(dir, ["config", "set", "currency", "JPY"]));
    ok(await run(dir, ["deal", "add", "ada", "D", "--amount", "5000"]));
    expect((await json(dir, ["deal", "list"])).map((d: any) => `${d.title} ${d.amountMinor} ${d.currency}`)).toEqual([
      "A 120000 EUR",
      "B 120000 USD",
      "C 9900 GBP",
      "D 5000 JPY",
    ]);
  });

  it("refuses bad amounts, stages, probabilities, dates and contacts, naming the value and writing nothing", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["deal", "add", "ada", "First", "--amount", "10"]));
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const cases: [string[], number, string][] = [
      [["--amount", "-5"], 2, '"-5"'],
      [["--amount", "abc"], 2, '"abc"'],
      [["--amount", "12,50"], 2, '"12,50"'],
      [["--amount", "€5", "--currency", "USD"], 2, "--currency says USD"],
      [["--currency", "XYZ"], 2, '"XYZ"'],
      [["--stage", "closing"], 2, '"closing"'],
      [["--probability", "101"], 2, '"101"'],
      [["--probability", "half"], 2, '"half"'],
      [["--close", "someday"], 2, '"someday"'],
    ];
    for (const [flags, code, text] of cases) {
      const r = await run(dir, ["deal", "add", "ada", "Bad", ...flags]);
      expect([flags, r.code]).toEqual([flags, code]);
      expect(r.stderr).toContain(text);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect((await run(dir, ["deal", "add", "nobody", "X"])).code).toBe(3);
    expect(sha256(db)).toBe(before);
  });

  it("records the opening stage in the history, and --at backdates the opening", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["deal", "add", "ada", "Old one", "--stage", "qualified", "--at", "2026-01-15"]));
    const d = await json(dir, ["deal", "show", "1"]);
    expect(d.createdAt).toBe("2026-01-15T00:00:00.000Z");
    expect(d.history).toEqual([{ id: 1, fromStage: null, toStage: "qualified", at: "2026-01-15T00:00:00.000Z" }]);
  });
});

describe("crm pipeline", () => {
  it("weighs 1000 lead + 2000 proposal + 4000 at 60% to 3500.00 in table, JSON and CSV", async () => {
    const dir = await threeDeals();
    const table = ok(await run(dir, ["pipeline"])).stdout;
    expect(table).toMatch(/^STAGE\s+DEALS\s+TOTAL\s+WEIGHTED$/m);
    expect(table).toMatch(/^lead\s+1\s+1,000\.00 EUR\s+100\.00 EUR$/m);
    expect(table).toMatch(/^qualified\s+0\s+0\.00 EUR\s+0\.00 EUR$/m);
    expect(table).toMatch(/^proposal\s+1\s+2,000\.00 EUR\s+1,000\.00 EUR$/m);
    expect(table).toMatch(/^negotiation\s+1\s+4,000\.00 EUR\s+2,400\.00 EUR$/m);
    expect(table).toMatch(/^total\s+3\s+7,000\.00 EUR\s+3,500\.00 EUR$/m);
    expect(table).not.toMatch(/[█│]/);

    const board = await json(dir, ["pipeline"]);
    expect(board.stages.map((s: any) => [s.stage, s.deals, s.total, s.weighted])).toEqual([
      ["lead", 1, "1000.00", "100.00"],
      ["qualified", 0, "0.00", "0.00"],
      ["proposal", 1, "2000.00", "1000.00"],
      ["negotiation", 1, "4000.00", "2400.00"],
    ]);
    expect(board.totals).toEqual([{ stage: "total", currency: "EUR", probability: null, deals: 3, total: "7000.00", weighted: "3500.00" }]);

    const csv = ok(await run(dir, ["pipeline", "--format", "csv"]))
      .stdout.trim()
      .split("\n");
    expect(csv[0]).toBe("stage,currency,probability,deals,total,weighted");
    expect(csv).toContain("negotiation,EUR,75,1,4000.00,2400.00");
    expect(csv[csv.length - 1]).toBe("total,EUR,,3,7000.00,3500.00");
  });

  it("lists the deals closing within 14 days (soonest first) and takes --within", async () => {
    const dir = await threeDeals();
    const board = await json(dir, ["pipeline"]);
    expect(board.closingSoon).toEqual([
      {
        id: 2,
        title: "Website redesign",
        contactId: 1,
        contactName: "Ada Lovelace",
        stage: "proposal",
        amount: "2000.00",
        currency: "EUR",
        probability: 50,
        closeOn: "2026-03-06",
        daysToClose: 4,
      },
    ]);
    expect(ok(await run(dir, ["pipeline"])).stdout).toMatch(/Closing within 14 days\n.*\n\s*2\s+2026-03-06\s+in 4d\s+Ada Lovelace\s+Website redesign/);
    expect((await json(dir, ["pipeline", "--within", "2m"])).closingSoon.map((d: any) => d.id)).toEqual([2, 3]);
    expect((await run(dir, ["pipeline", "--within", "soon"])).code).toBe(2);
  });

  it("groups by currency and leaves won and lost deals out", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "add", "bob", "US work", "--amount", "$500", "--stage", "proposal"]));
    ok(await run(dir, ["deal", "add", "bob", "Done", "--amount", "9999", "--stage", "won"]));
    const board = await json(dir, ["pipeline"]);
    expect(board.totals.map((t: any) => [t.currency, t.deals, t.weighted])).toEqual([
      ["EUR", 3, "3500.00"],
      ["USD", 1, "250.00"],
    ]);
    expect(board.stages).toHaveLength(8);
  });

  it("respects --as-of: the board as it stood before a deal moved", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "move", "1", "proposal"], { CRM_NOW: "2026-03-05T10:00:00Z" }));
    expect((await json(dir, ["pipeline"], { CRM_NOW: "2026-03-04" })).totals[0].weighted).toBe("3500.00");
    expect((await json(dir, ["pipeline"], { CRM_NOW: "2026-03-06" })).totals[0].weighted).toBe("3900.00");
    expect((await json(dir, ["pipeline"], { CRM_NOW: "2026-03-01" })).totals[0].deals).toBe(0);
  });
});

describe("crm deal won, lost and move", () => {
  it("winning records exactly one purchase of the amount, shown by crm purchase list", async () => {
    const dir = await threeDeals();
    const r = await run(dir, ["deal", "won", "3"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("recorded purchase #1 of 4,000.00 EUR for #2 Bob Boole");
    const csv = ok(await run(dir, ["purchase", "list", "--format", "csv"]))
      .stdout.trim()
      .split("\n");
    expect(csv).toHaveLength(2);
    expect(csv[0]).toBe("id,contactId,contactName,amount,amountMinor,refunded,refundedMinor,currency,at,note,source,externalRef,dealId,createdAt");
    expect(csv[1]).toBe("1,2,Bob Boole,4000.00,400000,0.00,0,EUR,2026-03-02T10:00:00.000Z,deal #3: Annual retainer,deal,,3,2026-03-02T10:00:00.000Z");
  });

  it("winning a won deal again exits 4 and records no second purchase", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "3"]));
    const again = await run(dir, ["deal", "won", "3"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/deal #3 is already won/);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect((await run(dir, ["deal", "move", "3", "won"])).code).toBe(4);
    expect(await json(dir, ["purchase", "list"])).toHaveLength(1);
    expect(await json(dir, ["deal", "show", "3"])).toMatchObject({ stage: "won", probability: 100, purchaseId: 1, closedAt: "2026-03-02T10:00:00.000Z" });
  });

  it("won --at dates the win and the purchase", async () => {
    const dir = await threeDeals();
    const later = { CRM_NOW: "2026-03-05T10:00:00Z" };
    ok(await run(dir, ["deal", "won", "2", "--at", "2026-03-03 09:30"], later));
    const purchases = await json(dir, ["purchase", "list"], later);
    expect(purchases.map((p: any) => [p.dealId, p.at, p.amount])).toEqual([[2, "2026-03-03T09:30:00.000Z", "2000.00"]]);
    expect((await json(dir, ["deal", "show", "2"], later)).closedAt).toBe("2026-03-03T09:30:00.000Z");
  });

  it("won --no-purchase wins the deal without recording a purchase", async () => {
    const dir = await threeDeals();
    const later = { CRM_NOW: "2026-03-05T10:00:00Z" };
    ok(await run(dir, ["deal", "won", "1", "--no-purchase"], later));
    expect(await json(dir, ["purchase", "list"], later)).toEqual([]);
    expect(await json(dir, ["deal", "show", "1"])).toMatchObject({ stage: "won", purchaseId: null });
  });

  it("a deal without an amount is won without a purchase, and says so", async () => {
    const dir = await withContacts();
    ok(await run(dir, ["deal", "add", "ada", "Favour"]));
    const r = ok(await run(dir, ["deal", "won", "1"]));
    expect(r.stderr).toContain("no amount, so no purchase was recorded");
    expect(await json(dir, ["purchase", "list"])).toEqual([]);
  });

  it("reopening a won deal is recorded and removes its purchase, so winning again records one afresh", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "3"]));
    const reopen = ok(await run(dir, ["deal", "move", "3", "negotiation"], { CRM_NOW: "2026-03-03T10:00:00Z" }));
    expect(reopen.stderr).toContain("removed purchase #1");
    expect(await json(dir, ["purchase", "list"])).toEqual([]);
    ok(await run(dir, ["deal", "won", "3"], { CRM_NOW: "2026-03-04T10:00:00Z" }));
    const purchases = await json(dir, ["purchase", "list"], { CRM_NOW: "2026-03-04T10:00:00Z" });
    expect(purchases.map((p: any) => [p.id, p.dealId, p.amountMinor])).toEqual([[2, 3, 400000]]);
    const d = await json(dir, ["deal", "show", "3"], { CRM_NOW: "2026-03-04T10:00:00Z" });
    expect(d.history.map((h: any) => [h.fromStage, h.toStage, h.at])).toEqual([
      [null, "negotiation", "2026-03-02T10:00:00.000Z"],
      ["negotiation", "won", "2026-03-02T10:00:00.000Z"],
      ["won", "negotiation", "2026-03-03T10:00:00.000Z"],
      ["negotiation", "won", "2026-03-04T10:00:00.000Z"],
    ]);
  });

  it("lost keeps the reason, closes the deal at probability 0", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "lost", "1", "--reason", "Budget cut"]));
    expect(await json(dir, ["deal", "show", "1"])).toMatchObject({
      stage: "lost",
      lostReason: "Budget cut",
      probability: 0,
      closedAt: "2026-03-02T10:00:00.000Z",
    });
  });

  it("losing a lost deal again exits 4", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "lost", "1", "--reason", "Budget cut"]));
    expect((await run(dir, ["deal", "lost", "1"])).code).toBe(4);
  });

  it("a lost deal moved to an open stage is reopened: no reason, no close, the stage's probability", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "lost", "1", "--reason", "Budget cut"]));
    ok(await run(dir, ["deal", "move", "1", "qualified"]));
    expect(await json(dir, ["deal", "show", "1"])).toMatchObject({ stage: "qualified", lostReason: null, closedAt: null, probability: 25 });
  });

  it("a won deal moved to lost drops the purchase its win recorded", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "2"]));
    ok(await run(dir, ["deal", "move", "2", "lost", "--reason", "Cancelled"]));
    expect(await json(dir, ["purchase", "list"])).toEqual([]);
  });

  it("refuses an unknown stage, a move to the current stage, --reason off lost, a date before the last change, and unknown deals", async () => {
    const dir = await threeDeals();
    const bad = await run(dir, ["deal", "move", "1", "closed"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"closed"');
    expect((await run(dir, ["deal", "move", "1", "lead"])).code).toBe(4);
    expect((await run(dir, ["deal", "move", "1", "proposal", "--reason", "x"])).code).toBe(2);
    const early = await run(dir, ["deal", "won", "1", "--at", "2026-02-01"]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain("before deal #1's last stage change");
    expect((await run(dir, ["deal", "won", "99"])).code).toBe(3);
    expect((await run(dir, ["deal", "won", "x1"])).code).toBe(2);
    expect(await json(dir, ["purchase", "list"])).toEqual([]);
  });
});

describe("crm deal list, show, edit and rm", () => {
  it("filters by --stage, --open, --won, --lost and --contact", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "1"]));
    ok(await run(dir, ["deal", "lost", "2"]));
    const ids = async (args: string[]) => (await json(dir, ["deal", "list", ...args])).map((d: any) => d.id);
    expect(await ids([])).toEqual([3, 1, 2]);
    expect(await ids(["--open"])).toEqual([3]);
    expect(await ids(["--won"])).toEqual([1]);
    expect(await ids(["--lost"])).toEqual([2]);
    expect(await ids(["--stage", "negotiation"])).toEqual([3]);
    expect(await ids(["--contact", "ada"])).toEqual([1, 2]);
    expect(await ids(["--contact", "bob", "--won"])).toEqual([]);
    expect((await run(dir, ["deal", "list", "--open", "--won"])).code).toBe(2);
    expect((await run(dir, ["deal", "list", "--stage", "nope"])).code).toBe(2);
    const table = ok(await run(dir, ["deal", "list"])).stdout;
    expect(table.split("\n")[0]).toMatch(/^ID\s+CONTACT\s+TITLE\s+STAGE\s+AMOUNT\s+PROB\s+CLOSE$/);
    expect(table).toMatch(/3\s+Bob Boole\s+Annual retainer\s+negotiation\s+4,000\.00 EUR\s+60%\*\s+2026-04-15/);
    const csv = ok(await run(dir, ["deal", "list", "--format", "csv"])).stdout.split("\n")[0];
    expect(csv).toBe(
      "id,contactId,contactName,title,amount,amountMinor,currency,stage,probability,probabilityOverride,closeOn,lostReason,closedAt,createdAt,updatedAt,purchaseId",
    );
  });

  it("show prints the deal with its history", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "move", "3", "proposal"], { CRM_NOW: "2026-03-03T11:00:00Z" }));
    const text = ok(await run(dir, ["deal", "show", "3"], { CRM_NOW: "2026-03-03T12:00:00Z" })).stdout;
    expect(text).toContain("#3 Annual retainer — #2 Bob Boole");
    expect(text).toMatch(/stage\s+proposal \(60%, the stage's is 50%\)/);
    expect(text).toMatch(/weighted\s+2,400\.00 EUR/);
    expect(text).toMatch(/close\s+2026-04-15 \(in 43 days\)/);
    expect(text).toContain("2026-03-02 10:00  opened in negotiation");
    expect(text).toContain("2026-03-03 11:00  negotiation → proposal");
    expect((await run(dir, ["deal", "show", "42"])).code).toBe(3);
    expect(
      ok(await run(dir, ["deal", "show", "3", "--format", "csv"]))
        .stdout.trim()
        .split("\n"),
    ).toHaveLength(2);
  });

  it("edit changes details and clears the close date and the probability override", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "edit", "3", "--title", "Retainer 2026", "--amount", "4,500", "--close", "", "--probability", "default", "--contact", "ada"]));
    expect(await json(dir, ["deal", "show", "3"])).toMatchObject({
      title: "Retainer 2026",
      amountMinor: 450000,
      closeOn: null,
      probability: 75,
      probabilityOverride: null,
      contactName: "Ada Lovelace",
    });
  });

  it("edit --stage records the stage change in the history", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "edit", "3", "--stage", "proposal", "--probability", "40"]));
    const d = await json(dir, ["deal", "show", "3"]);
    expect(d).toMatchObject({ stage: "proposal", probability: 40 });
    expect(d.history.map((h: any) => h.toStage)).toEqual(["negotiation", "proposal"]);
  });

  it("edit needs a flag, refuses a bad amount or a blank title with exit 2, and an unknown deal with exit 3", async () => {
    const dir = await threeDeals();
    expect((await run(dir, ["deal", "edit", "3"])).code).toBe(2);
    expect((await run(dir, ["deal", "edit", "3", "--amount", "-1"])).code).toBe(2);
    expect((await run(dir, ["deal", "edit", "3", "--title", " "])).code).toBe(2);
    expect((await run(dir, ["deal", "edit", "77", "--title", "x"])).code).toBe(3);
  });

  it("editing a won deal's amount updates the purchase its win recorded", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "2"]));
    ok(await run(dir, ["deal", "edit", "2", "--amount", "2100.10"]));
    expect((await json(dir, ["purchase", "list"])).map((p: any) => p.amountMinor)).toEqual([210010]);
  });

  it("rm needs --yes in a script", async () => {
    const dir = await threeDeals();
    const refused = await run(dir, ["deal", "rm", "2"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await json(dir, ["deal", "show", "2"])).id).toBe(2);
  });

  it("rm --yes deletes the deal and its history, and keeps the purchase its win recorded", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "2"]));
    ok(await run(dir, ["deal", "rm", "2", "--yes"]));
    expect((await run(dir, ["deal", "show", "2"])).code).toBe(3);
    expect((await json(dir, ["purchase", "list"])).map((p: any) => [p.amountMinor, p.dealId])).toEqual([[200000, null]]);
    expect((await run(dir, ["deal", "rm", "2", "--yes"])).code).toBe(3);
  });
});

describe("crm report pipeline", () => {
  const history = fixtureDir(async (dir) => {
    await addContacts(dir);
    const at = (d: string) => ({ CRM_NOW: `${d}T10:00:00Z` });
    ok(await run(dir, ["deal", "add", "ada", "Won in Feb", "--amount", "3000", "--stage", "proposal"], at("2026-01-20")));
    ok(await run(dir, ["deal", "won", "1"], at("2026-02-09")));
    ok(await run(dir, ["deal", "add", "bob", "Won in Mar", "--amount", "1000"], at("2026-02-20")));
    ok(await run(dir, ["deal", "won", "2"], at("2026-03-01")));
    ok(await run(dir, ["deal", "add", "bob", "Lost", "--amount", "500"], at("2026-02-01")));
    ok(await run(dir, ["deal", "lost", "3"], at("2026-02-15")));
    ok(await run(dir, ["deal", "add", "ada", "Newsletter", "--amount", "1000", "--stage", "lead", "--close", "2026-03-20"]));
    ok(await run(dir, ["deal", "add", "ada", "Website", "--amount", "2000", "--stage", "proposal", "--close", "2026-04-10"]));
    ok(await run(dir, ["deal", "add", "bob", "Retainer", "--amount", "4000", "--stage", "negotiation", "--probability", "60", "--close", "2026-04-30"]));
  });

  it("gives the weighted forecast by close month, win rate and average days to win in JSON", async () => {
    const dir = await history();
    const r = await json(dir, ["report", "pipeline"]);
    expect(r).toMatchObject({ asOf: "2026-03-02T10:00:00.000Z", by: "month", won: 2, lost: 1, winRate: 66.7, averageDaysToWin: 14.5 });
    expect(r.periods).toEqual([
      {
        period: "2026-02",
        currency: "EUR",
        openDeals: 0,
        openAmount: "0.00",
        weighted: "0.00",
        wonDeals: 1,
        wonAmount: "3000.00",
        lostDeals: 1,
        winRate: 50,
        averageDaysToWin: 20,
      },
      {
        period: "2026-03",
        currency: "EUR",
        openDeals: 1,
        openAmount: "1000.00",
        weighted: "100.00",
        wonDeals: 1,
        wonAmount: "1000.00",
        lostDeals: 0,
        winRate: 100,
        averageDaysToWin: 9,
      },
      {
        period: "2026-04",
        currency: "EUR",
        openDeals: 2,
        openAmount: "6000.00",
        weighted: "3400.00",
        wonDeals: 0,
        wonAmount: "0.00",
        lostDeals: 0,
        winRate: null,
        averageDaysToWin: null,
      },
    ]);
    expect(r.totals).toEqual([
      {
        period: "total",
        currency: "EUR",
        openDeals: 3,
        openAmount: "7000.00",
        weighted: "3500.00",
        wonDeals: 2,
        wonAmount: "4000.00",
        lostDeals: 1,
        winRate: 66.7,
        averageDaysToWin: 14.5,
      },
    ]);
  });

  it("prints the same in CSV and as a table with the summary", async () => {
    const dir = await history();
    const csv = ok(await run(dir, ["report", "pipeline", "--format", "csv"]))
      .stdout.trim()
      .split("\n");
    expect(csv[0]).toBe("period,currency,openDeals,openAmount,weighted,wonDeals,wonAmount,lostDeals,winRate,averageDaysToWin");
    expect(csv).toContain("2026-04,EUR,2,6000.00,3400.00,0,0.00,0,,");
    expect(csv[csv.length - 1]).toBe("total,EUR,3,7000.00,3500.00,2,4000.00,1,66.7,14.5");
    const table = ok(await run(dir, ["report", "pipeline"])).stdout;
    expect(table).toMatch(/^MONTH\s+OPEN\s+OPEN AMOUNT\s+WEIGHTED\s+WON\s+WON AMOUNT\s+LOST\s+WIN RATE\s+DAYS TO WIN$/m);
    expect(table).toMatch(/^2026-04\s+2\s+6,000\.00 EUR\s+3,400\.00 EUR\s+0\s+0\.00 EUR\s+0$/m);
    expect(table).toContain("Win rate: 66.7% (2 won of 3 closed)");
    expect(table).toContain("Average days from opening to won: 14.5");
    expect(table).toContain("Weighted forecast of open deals: 3,500.00 EUR");
  });

  it("groups by quarter", async () => {
    const dir = await history();
    expect((await json(dir, ["report", "pipeline", "--by", "quarter"])).periods.map((p: any) => [p.period, p.weighted])).toEqual([
      ["2026-Q1", "100.00"],
      ["2026-Q2", "3400.00"],
    ]);
  });

  it("writes -o to the file and nothing to stdout", async () => {
    const dir = await history();
    const out = path.join(dir, "pipeline.csv");
    const w = ok(await run(dir, ["report", "pipeline", "--format", "csv", "-o", out]));
    expect(w.stdout).toBe("");
    expect(fs.readFileSync(out, "utf8").split("\n")[0]).toBe(
      "period,currency,openDeals,openAmount,weighted,wonDeals,wonAmount,lostDeals,winRate,averageDaysToWin",
    );
  });

  it("respects --as-of: only what was won, lost and open then", async () => {
    const dir = await history();
    const past = await json(dir, ["report", "pipeline"], { CRM_NOW: "2026-02-10" });
    expect([past.won, past.lost, past.winRate]).toEqual([1, 0, 100]);
    expect(past.totals[0].openDeals).toBe(1);
  });

  it("refuses an unknown --by with exit 2, naming it", async () => {
    const dir = await history();
    const bad = await run(dir, ["report", "pipeline", "--by", "week"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"week"');
  });
});

describe("deals elsewhere", () => {
  it("crm find searches deal titles", async () => {
    const dir = await threeDeals();
    const hits = await json(dir, ["find", "retainer"]);
    expect(hits).toEqual([expect.objectContaining({ kind: "deal", id: 3, contactId: 2, contactName: "Bob Boole", title: "Annual retainer" })]);
    ok(await run(dir, ["deal", "edit", "3", "--title", "Maintenance plan"]));
    expect(await json(dir, ["find", "retainer"])).toEqual([]);
    expect((await json(dir, ["find", "maintenance"])).map((h: any) => h.kind)).toEqual(["deal"]);
  });

  it("crm contact show lists the contact's deals and purchase totals", async () => {
    const dir = await threeDeals();
    ok(await run(dir, ["deal", "won", "1"]));
    ok(await run(dir, ["purchase", "add", "ada", "19.99"]));
    const profile = await json(dir, ["contact", "show", "ada"]);
    expect(profile.deals.map((d: any) => [d.id, d.stage, d.amountMinor])).toEqual([
      [2, "proposal", 200000],
      [1, "won", 100000],
    ]);
    expect(profile.purchases).toEqual([
      { currency: "EUR", count: 2, totalMinor: 101999, firstAt: "2026-03-02T10:00:00.000Z", lastAt: "2026-03-02T10:00:00.000Z" },
    ]);
    const text = ok(await run(dir, ["contact", "show", "ada"])).stdout;
    expect(text).toContain("1,019.99 EUR in 2");
    expect(text).toMatch(/#2 Website redesign\s+proposal\s+2,000\.00 EUR\s+close 2026-03-06/);
  });

  it("the demo database has deals in every stage with their history, and two years of purchases", async () => {
    const dir = tempDir();
    const db = path.join(dir, "demo.db");
    ok(await runCrm(dir, ["--db", db, "demo"], { env: NOW }));
    const deals = await json(db, ["deal", "list"]);
    expect(new Set(deals.map((d: any) => d.stage))).toEqual(new Set(["lead", "qualified", "proposal", "negotiation", "won", "lost"]));
    expect(deals.filter((d: any) => d.stage === "won").every((d: any) => d.purchaseId !== null)).toBe(true);
    const moved = deals.find((d: any) => d.stage === "won");
    expect((await json(db, ["deal", "show", String(moved.id)])).history.length).toBeGreaterThanOrEqual(2);
    const purchases = await json(db, ["purchase", "list"]);
    const customers = new Map<number, number>();
    for (const p of purchases) customers.set(p.contactId, (customers.get(p.contactId) ?? 0) + 1);
    expect(customers.size).toBeGreaterThan(100);
    expect([...customers.values()].filter((n) => n === 1).length).toBeGreaterThan(20);
    expect([...customers.values()].filter((n) => n >= 10).length).toBeGreaterThan(10);
    expect(purchases[purchases.length - 1].at < "2024-06-01").toBe(true);
    expect(purchases.filter((p: any) => p.currency === "EUR").length / purchases.length).toBeGreaterThan(0.7);
    expect((await json(db, ["pipeline"])).closingSoon.length).toBeGreaterThan(0);
    expect((await json(db, ["report", "pipeline"])).winRate).not.toBeNull();
  });
});

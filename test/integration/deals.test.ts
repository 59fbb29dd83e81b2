// Deals in core on a real temp database: the agenda's deal lists (closing soon, stale), the pipeline
// as of a past moment, and the purchase a win records staying in step with the deal.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { addContact } from "../../src/core/contacts/contacts.js";
import { logInteraction } from "../../src/core/contacts/interactions.js";
import { addDeal, dealsAsOf, dealsForAgenda, editDeal, getDeal, moveDeal, winDeal } from "../../src/core/deals/deals.js";
import { listPurchases } from "../../src/core/purchases/purchases.js";
import { localDate } from "../../src/io/dates.js";
import { freshDbDir } from "../helpers.js";

// A fixed local "now"; every other moment is relative to it in local calendar days.
const NOW = new Date(2026, 2, 2, 10, 0, 0);
const daysFromNow = (n: number, hour = 10) => new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate() + n, hour, 0, 0);
const dateIn = (n: number) => localDate(daysFromNow(n));

let store: Store | undefined;
afterEach(() => {
  store?.sqlite.close();
  store = undefined;
});

function fresh(): { store: Store; ada: number; bob: number } {
  store = openStore(path.join(freshDbDir(), "crm.db"));
  const ada = addContact(store, { name: "Ada Lovelace" }, daysFromNow(-60));
  const bob = addContact(store, { name: "Bob Boole" }, daysFromNow(-60));
  return { store, ada, bob };
}

const newDeal = (
  s: Store,
  contactId: number,
  title: string,
  opts: { stage?: "lead" | "proposal" | "won"; closeIn?: number; openedDaysAgo?: number; amount?: number } = {},
) =>
  addDeal(
    s,
    {
      contactId,
      title,
      currency: "EUR",
      amountMinor: opts.amount ?? 100000,
      stage: opts.stage ?? "lead",
      closeOn: opts.closeIn === undefined ? null : dateIn(opts.closeIn),
      at: daysFromNow(-(opts.openedDaysAgo ?? 1)),
    },
    daysFromNow(-(opts.openedDaysAgo ?? 1)),
  ).id;

describe("dealsForAgenda", () => {
  it("lists open deals expected to close within 7 days, overdue ones included, soonest first", () => {
    const { store: s, ada } = fresh();
    const inThree = newDeal(s, ada, "in three days", { closeIn: 3 });
    newDeal(s, ada, "in eight days", { closeIn: 8 });
    const inSeven = newDeal(s, ada, "in seven days", { closeIn: 7 });
    const overdue = newDeal(s, ada, "two days late", { closeIn: -2 });
    newDeal(s, ada, "undated");
    newDeal(s, ada, "won already", { closeIn: 1, stage: "won" });
    const { closingSoon } = dealsForAgenda(s, NOW);
    expect(closingSoon.map((d) => [d.id, d.daysToClose])).toEqual([
      [overdue, -2],
      [inThree, 3],
      [inSeven, 7],
    ]);
    expect(closingSoon[0]).toMatchObject({
      title: "two days late",
      contactName: "Ada Lovelace",
      stage: "lead",
      amountMinor: 100000,
      currency: "EUR",
      probability: 10,
    });
  });

  it("lists open deals with no stage change and no interaction with the contact for 14 days, longest idle first", () => {
    const { store: s, ada, bob } = fresh();
    const idle20 = newDeal(s, ada, "idle for 20 days", { openedDaysAgo: 20 });
    const idle30 = newDeal(s, ada, "idle for 30 days", { openedDaysAgo: 30 });
    newDeal(s, ada, "opened 13 days ago", { openedDaysAgo: 13 });
    const moved = newDeal(s, ada, "moved 5 days ago", { openedDaysAgo: 25 });
    moveDeal(s, moved, "proposal", daysFromNow(-5));
    const talked = newDeal(s, bob, "contact called 3 days ago", { openedDaysAgo: 40 });
    logInteraction(s, { contactId: bob, summary: "Called", type: "call", at: daysFromNow(-3) }, daysFromNow(-3));
    const { stale } = dealsForAgenda(s, NOW);
    expect(stale.map((d) => [d.id, d.daysSinceActivity])).toEqual([
      [idle30, 30],
      [idle20, 20],
    ]);
    expect(stale.map((d) => d.id)).not.toContain(talked);
  });

  it("counts only what happened up to now: a later interaction or win does not count, a later deal is not there", () => {
    const { store: s, ada, bob } = fresh();
    const d = newDeal(s, ada, "won tomorrow", { openedDaysAgo: 20, closeIn: 1 });
    winDeal(s, d, daysFromNow(1), { at: daysFromNow(1) });
    const other = newDeal(s, bob, "talked tomorrow", { openedDaysAgo: 20 });
    logInteraction(s, { contactId: bob, summary: "Meeting", type: "meeting", at: daysFromNow(1) }, daysFromNow(1));
    addDeal(s, { contactId: ada, title: "opened tomorrow", currency: "EUR", closeOn: dateIn(2), at: daysFromNow(1) }, daysFromNow(1));
    const { closingSoon, stale } = dealsForAgenda(s, NOW);
    expect(closingSoon.map((x) => x.id)).toEqual([d]);
    expect(stale.map((x) => x.id).sort()).toEqual([d, other].sort());
    expect(dealsForAgenda(s, daysFromNow(2)).closingSoon.map((x) => x.title)).toEqual(["opened tomorrow"]);
  });
});

describe("dealsAsOf", () => {
  it("puts each deal in the stage it had at that moment, with the close date of a deal won by then", () => {
    const { store: s, ada } = fresh();
    const d = newDeal(s, ada, "Website", { openedDaysAgo: 30 });
    moveDeal(s, d, "proposal", daysFromNow(-20));
    winDeal(s, d, daysFromNow(-10));
    expect(dealsAsOf(s, daysFromNow(-25))[0]).toMatchObject({ stage: "lead", closedOn: null, probability: 10 });
    expect(dealsAsOf(s, daysFromNow(-15))[0]).toMatchObject({ stage: "proposal", closedOn: null, probability: 50 });
    expect(dealsAsOf(s, NOW)[0]).toMatchObject({ stage: "won", closedOn: dateIn(-10), createdOn: dateIn(-30), probability: 100 });
    expect(dealsAsOf(s, daysFromNow(-31))).toEqual([]);
  });
});

describe("the purchase a win records", () => {
  it("follows the deal's amount, currency and contact when they are edited", () => {
    const { store: s, ada, bob } = fresh();
    const d = newDeal(s, ada, "Workshop", { amount: 50000 });
    const { purchaseId } = winDeal(s, d, NOW);
    editDeal(s, d, { amountMinor: 60000, currency: "USD", contactId: bob }, NOW);
    const [p] = listPurchases(s, { until: NOW });
    expect(p).toMatchObject({ id: purchaseId, amountMinor: 60000, currency: "USD", contactId: bob, dealId: d });
    expect(getDeal(s, d).purchaseId).toBe(purchaseId);
  });

  it("is written with its deal in one transaction: a refused move changes nothing", () => {
    const { store: s, ada } = fresh();
    const d = newDeal(s, ada, "Workshop");
    winDeal(s, d, NOW);
    expect(() => winDeal(s, d, NOW)).toThrow(/already won/);
    expect(() => moveDeal(s, d, "proposal", NOW, { at: daysFromNow(-30) })).toThrow(/before deal/);
    expect(getDeal(s, d).stage).toBe("won");
    expect(listPurchases(s, { until: NOW })).toHaveLength(1);
  });
});

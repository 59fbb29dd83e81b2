// `crm demo`, sales: two years of purchases (repeat buyers, one-offs, lapsed customers, big spenders) and
// deals in every stage of the pipeline with their stage history; won deals carry their purchase.
import type { Store } from "../../db/open.js";
import type { ContactRow, IdRow } from "../../db/rows.js";
import { localDate } from "../../io/dates.js";
import { recordWinPurchase } from "../deals/deals.js";
import { OPEN_STAGES, isOpenStage, type Stage } from "../deals/pipeline.js";
import { insertPurchase } from "../purchases/purchases.js";
import { purchasesChanged } from "../purchases/version.js";
import type { DemoRandom, Seeder } from "./random.js";

const DAY = 86_400_000;
const DEAL_TITLES = [
  "Website redesign",
  "Annual maintenance contract",
  "Brand workshop",
  "SEO audit",
  "Photography package",
  "Consulting retainer",
  "Logo refresh",
  "Team training day",
  "E-commerce setup",
  "Newsletter templates",
  "Quarterly strategy review",
  "Summer party catering",
  "Bookkeeping support",
  "Corporate yoga sessions",
  "Product launch campaign",
  "Office fit-out advice",
];
const LOST_REASONS = ["Went with a cheaper offer", "Budget cut", "No response after the proposal", "Timing: maybe next year", null];
const EVERYDAY_PRICES = [1999, 2900, 4990, 7900, 12000, 14900, 25000, 39900];
const BIG_PRICES = [85000, 120000, 240000, 360000, 540000];
const PURCHASE_NOTES = ["Workshop ticket", "Monthly retainer", "Print order", "Gift voucher", "Consulting hours", "Online course", "Maintenance"];

function pickCurrency(rnd: DemoRandom): string {
  const r = rnd.next();
  return r < 0.86 ? "EUR" : r < 0.95 ? "USD" : "GBP";
}

/** Two years of purchases: repeat buyers, one-offs, lapsed customers and a few big spenders. */
function seedPurchases(store: Store, rnd: DemoRandom, now: Date, contacts: { id: number; createdAt: number }[]): void {
  const start = now.getTime() - 730 * DAY;
  let order = 10_000;
  for (const c of contacts) {
    if (!rnd.chance(0.62)) continue;
    const r = rnd.next();
    const kind = r < 0.06 ? "big" : r < 0.42 ? "repeat" : r < 0.7 ? "once" : "lapsed";
    const currency = pickCurrency(rnd);
    const meanGap = kind === "big" ? 30 : rnd.int(25, 90);
    const stopAt = kind === "lapsed" ? now.getTime() - rnd.int(180, 480) * DAY : now.getTime();
    let t = Math.max(start, c.createdAt) + rnd.int(0, 60) * DAY + rnd.int(9 * 60, 18 * 60) * 60_000;
    const shop = rnd.chance(0.4);
    while (t <= stopAt) {
      const price = kind === "big" ? rnd.pick(BIG_PRICES) : rnd.pick(EVERYDAY_PRICES) * rnd.int(1, 3);
      insertPurchase(
        store,
        {
          contactId: c.id,
          amountMinor: price,
          currency,
          at: new Date(t),
          note: rnd.chance(0.5) ? rnd.pick(PURCHASE_NOTES) : null,
          source: shop ? "shop" : "manual",
          externalRef: shop ? `ORD-${order++}` : null,
        },
        new Date(Math.min(t + DAY, now.getTime())),
      );
      if (kind === "once") break;
      t += Math.round(meanGap * (0.4 + 1.2 * rnd.next())) * DAY;
    }
  }
  purchasesChanged(store);
}

/** Demo deals in every stage with their history; won ones carry their purchase. */
function seedDealRecords(store: Store, rnd: DemoRandom, now: Date, contacts: { id: number; createdAt: number }[]): void {
  const finals: Stage[] = [
    ...Array<Stage>(8).fill("lead"),
    ...Array<Stage>(7).fill("qualified"),
    ...Array<Stage>(7).fill("proposal"),
    ...Array<Stage>(6).fill("negotiation"),
    ...Array<Stage>(12).fill("won"),
    ...Array<Stage>(8).fill("lost"),
  ];
  const insertDeal = store.sqlite.prepare<unknown[], IdRow>(
    `insert into deals(contact_id, title, amount_minor, currency, stage, probability, close_on, lost_reason, closed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const insertChange = store.sqlite.prepare("insert into deal_stage_changes(deal_id, from_stage, to_stage, at) values (?, ?, ?, ?)");
  finals.forEach((final, i) => {
    const contact = rnd.pick(contacts);
    const open = isOpenStage(final);
    const age = open ? rnd.int(4, 120) : rnd.int(20, 420);
    const created = Math.max(contact.createdAt + DAY, now.getTime() - age * DAY);
    if (created >= now.getTime() - DAY) return;
    // The path: from lead up to the last open stage reached, then (for closed deals) won or lost.
    const reached = open ? OPEN_STAGES.indexOf(final as (typeof OPEN_STAGES)[number]) : final === "won" ? rnd.int(2, 3) : rnd.int(0, 3);
    const path: Stage[] = [...OPEN_STAGES.slice(rnd.chance(0.2) && reached > 0 ? 1 : 0, reached + 1)];
    if (!open) path.push(final);
    // Stage changes at sorted random moments after creation: closed deals within a sales cycle of 10-100
    // days; open ones up to now (the last one sometimes long ago, so some open deals are idle).
    const span = Math.min(now.getTime() - created, open ? Infinity : rnd.int(10, 100) * DAY);
    const moments = [created, ...path.slice(1).map(() => created + Math.floor(rnd.next() * span * 0.95))].sort((a, b) => a - b);
    const title = rnd.pick(DEAL_TITLES);
    const currency = rnd.chance(0.9) ? "EUR" : "USD";
    const amount = rnd.int(10, 300) * 5000;
    const lastAt = new Date(moments[moments.length - 1]!);
    const closeOn = open ? localDate(new Date(now.getTime() + (i % 4 === 0 ? rnd.int(0, 7) : rnd.int(-5, 80)) * DAY)) : localDate(lastAt);
    const { id } = insertDeal.get(
      contact.id,
      title,
      amount,
      currency,
      final,
      open && rnd.chance(0.15) ? rnd.int(5, 19) * 5 : null,
      closeOn,
      final === "lost" ? rnd.pick(LOST_REASONS) : null,
      open ? null : lastAt.toISOString(),
      new Date(created).toISOString(),
      lastAt.toISOString(),
    )!;
    path.forEach((stage, k) => insertChange.run(id, k === 0 ? null : path[k - 1], stage, new Date(moments[k]!).toISOString()));
    if (final === "won") recordWinPurchase(store, { id, contactId: contact.id, title, amountMinor: amount, currency }, lastAt, lastAt);
  });
}

/** `crm demo`: two years of purchases for a good share of the contacts, and deals in every stage. */
export const seedDeals: Seeder = (store, rnd, now, contactIds) => {
  const all = store.sqlite.prepare<[], Pick<ContactRow, "id" | "createdAt">>("select id, created_at as createdAt from contacts order by id").all();
  const wanted = new Set(contactIds);
  const contacts = all.filter((c) => wanted.has(c.id)).map((c) => ({ id: c.id, createdAt: Date.parse(c.createdAt) }));
  if (!contacts.length) return;
  seedPurchases(store, rnd, now, contacts);
  seedDealRecords(store, rnd, now, contacts);
};

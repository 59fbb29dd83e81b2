// `crm demo`: a realistic, deterministic demo database, so a newcomer sees every view populated.
// Each part of the product seeds its own records from the same seeded random source.
import fs from "node:fs";
import path from "node:path";
import { openStore, inTransaction, type OpenOptions, type Store } from "../../db/open.js";
import type { IdRow } from "../../db/rows.js";
import { usageError, quote } from "../../errors.js";
import { demoRandom, type DemoRandom, type Seeder } from "./random.js";
import { seedDeals } from "./deals.js";
import { seedFollowups } from "./followups.js";
import { seedSurveys } from "./surveys.js";
import { seedMail } from "./mail.js";

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Margaret",
  "Linus",
  "Barbara",
  "Ken",
  "Frances",
  "Dennis",
  "Radia",
  "Edsger",
  "Hedy",
  "John",
  "Katherine",
  "Tim",
  "Sophie",
  "Niklaus",
  "Jean",
  "Donald",
  "Annie",
  "Guido",
  "Karen",
  "Bjarne",
  "Lynn",
  "James",
  "Mary",
  "Yukihiro",
  "Ines",
  "Mateo",
  "Chloé",
  "Jürgen",
  "Zoë",
  "Søren",
  "Amélie",
  "Rafael",
  "Noor",
  "Priya",
  "Kofi",
  "Mei",
  "Olu",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Hamilton",
  "Torvalds",
  "Liskov",
  "Thompson",
  "Allen",
  "Ritchie",
  "Perlman",
  "Dijkstra",
  "Lamarr",
  "McCarthy",
  "Johnson",
  "Berners-Lee",
  "Wilson",
  "Wirth",
  "Sammet",
  "Knuth",
  "Easley",
  "van Rossum",
  "Spärck Jones",
  "Stroustrup",
  "Conway",
  "Gosling",
  "Keller",
  "Matsumoto",
  "García",
  "Müller",
  "Dubois",
  "Rossi",
  "Nakamura",
  "Okafor",
  "Haddad",
  "Kowalski",
  "Novak",
  "Lindqvist",
  "Silva",
  "Mensah",
  "Chen",
];
const COMPANIES = [
  "Analytical Engines Ltd",
  "Harbour Bakery",
  "Northwind Studio",
  "Blue Fern Design",
  "Kite & Key",
  "Lumen Legal",
  "Oakridge Dental",
  "Pixel Orchard",
  "Quayside Coffee",
  "Riverbend Yoga",
  "Solstice Events",
  "Tidewater Books",
  null,
  null,
  null,
];
const TITLES = ["Founder", "Owner", "Marketing Lead", "Office Manager", "CTO", "Head of Operations", null, null];
const TAGS = ["client", "prospect", "newsletter", "partner", "vip", "supplier", "referral"];
const INTERACTIONS: [string, string][] = [
  ["call", "Called about the Q3 proposal"],
  ["email", "Sent the revised quote"],
  ["meeting", "Coffee to discuss next year's plans"],
  ["message", "Quick question about invoicing"],
  ["note", "Prefers email over phone"],
  ["call", "Check-in call, happy with the last delivery"],
  ["email", "Asked for a referral"],
  ["meeting", "Workshop on the new website"],
  ["issue", "Complained that the last invoice was wrong"],
  ["issue", "Delivery arrived damaged"],
];

const slug = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".");

/** People, tags and interactions: the foundation every other part of the demo links to. */
function seedContacts(store: Store, rnd: DemoRandom, now: Date, count = 300): number[] {
  const ids: number[] = [];
  const insert = store.sqlite.prepare<unknown[], IdRow>(
    `insert into contacts(name, email, phone, company, title, note, cadence, source, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const tagId = store.sqlite.prepare<[string], IdRow>("insert into tags(name) values (?) on conflict do update set name = name returning id");
  const link = store.sqlite.prepare("insert or ignore into contact_tags(contact_id, tag_id) values (?, ?)");
  const field = store.sqlite.prepare("insert or ignore into contact_fields(contact_id, key, value) values (?, ?, ?)");
  const interaction = store.sqlite.prepare("insert into interactions(contact_id, type, summary, at, resolved_at, created_at) values (?, ?, ?, ?, ?, ?)");
  const tagIds = Object.fromEntries(TAGS.map((t) => [t, tagId.get(t)!.id]));
  const day = 86_400_000;
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]!;
    const name = `${first} ${last}`;
    const company = rnd.pick(COMPANIES);
    const created = new Date(now.getTime() - rnd.int(30, 760) * day);
    const email = `${slug(first)}.${slug(last)}${i >= FIRST.length ? i : ""}@${company ? slug(company).replace(/\.(ltd|&)/g, "") + ".example" : "example.com"}`;
    const cadence = rnd.chance(0.15) ? rnd.pick(["2w", "30d", "1m", "3m"]) : null;
    const { id } = insert.get(
      name,
      email,
      rnd.chance(0.7) ? `+44 20 7946 ${String(rnd.int(0, 9999)).padStart(4, "0")}` : null,
      company,
      company ? rnd.pick(TITLES) : null,
      rnd.chance(0.2) ? "Met at the spring trade fair" : null,
      cadence,
      rnd.pick(["website", "referral", "trade fair", "newsletter", null]),
      created.toISOString(),
      created.toISOString(),
    )!;
    ids.push(id);
    const tagCount = rnd.int(0, 2);
    for (let t = 0; t < tagCount; t++) link.run(id, tagIds[rnd.pick(TAGS)]);
    if (rnd.chance(0.1))
      field.run(id, "birthday", `19${rnd.int(50, 99)}-${String(rnd.int(1, 12)).padStart(2, "0")}-${String(rnd.int(1, 28)).padStart(2, "0")}`);
    const talks = rnd.int(0, 6);
    for (let k = 0; k < talks; k++) {
      const [type, summary] = rnd.pick(INTERACTIONS);
      const at = new Date(created.getTime() + rnd.next() * (now.getTime() - created.getTime()));
      const resolved = type === "issue" && rnd.chance(0.7) ? new Date(Math.min(now.getTime(), at.getTime() + 3 * day)).toISOString() : null;
      interaction.run(id, type, summary, at.toISOString(), resolved, at.toISOString());
    }
  }
  return ids;
}

export interface DemoSummary {
  path: string;
  counts: Record<string, number>;
}

/** Every part of the product that has demo data has a seeder here, in dependency order. */
const seeders: Seeder[] = [seedDeals, seedFollowups, seedSurveys, seedMail];

/**
 * Creates the demo database at `file`, replacing an earlier demo there, but never a database that
 * is not a demo (the real one, or any crm database the user made).
 */
export function createDemo(file: string, realDbPath: string, now: Date, open: OpenOptions = {}): DemoSummary {
  if (path.resolve(file) === path.resolve(realDbPath) && !isDemo(file, open))
    throw usageError(`refusing to fill your real database ${quote(file)} with demo data`);
  if (fs.existsSync(file) && fs.statSync(file).size > 0) {
    if (!isDemo(file, open)) throw usageError(`refusing to overwrite ${quote(file)}: it is not a crm demo database`);
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
  }
  const store = openStore(file, open);
  try {
    const rnd = demoRandom(20260101);
    inTransaction(store, () => {
      store.sqlite.prepare("insert into settings(key, value) values ('demo', 'true')").run();
      const ids = seedContacts(store, rnd, now);
      for (const seed of seeders) seed(store, rnd, now, ids);
    });
    const counts: Record<string, number> = {};
    for (const table of ["contacts", "interactions", "followups", "deals", "purchases", "responses"])
      counts[table] = store.sqlite.prepare<[], number>(`select count(*) from ${table}`).pluck().get()!;
    return { path: file, counts };
  } finally {
    store.sqlite.close();
  }
}

function isDemo(file: string, open: OpenOptions): boolean {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return false;
  try {
    const store = openStore(file, open);
    try {
      return store.sqlite.prepare<[], string>("select value from settings where key = 'demo'").pluck().get() === "true";
    } finally {
      store.sqlite.close();
    }
  } catch {
    return false;
  }
}

// The scale data set of PRODUCT.md, generated deterministically from a seeded PRNG: CSV files for the
// product's own import commands (contacts, purchases, interactions, survey answers) and rows for the
// two entities that have no import command (deals and follow-ups), which the runner inserts directly.
// Same seed → byte-identical files, so runs on different machines measure the same work.
import fs from "node:fs";
import path from "node:path";

/** mulberry32: small, fast, good enough for test data (not for anything secret). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rnd = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** Standard normal (Box–Muller). */
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    /** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
    gamma(shape) {
      if (shape < 1) return rnd.gamma(shape + 1) * Math.pow(1 - next(), 1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        let x, v;
        do {
          x = rnd.normal();
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = 1 - next();
        if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
      }
    },
    beta(a, b) {
      const x = rnd.gamma(a);
      return x / (x + rnd.gamma(b));
    },
  };
  return rnd;
}

export const SCALE = {
  contacts: 100_000,
  purchases: 1_000_000,
  interactions: 200_000,
  responses: 100_000,
  deals: 5_000,
  followups: 20_000,
};

/** The data covers three calendar years; "now" for every command is early the next morning. */
export const START = Date.UTC(2023, 0, 1);
export const END = Date.UTC(2026, 0, 1);
export const NOW = "2026-01-02T09:00:00";
const DAY = 86_400_000;
const SPAN_DAYS = (END - START) / DAY;

const FIRST = (
  "Ada Alan Grace Linus Margaret Dennis Barbara Ken Frances Edsger Radia Tim Hedy Claude Katherine John Mary " +
  "Donald Sophie Niklaus Anita Guido Lynn Bjarne Karen Brian Shafi Vint Ivan Jean Ruth Leslie Fran Judea Ole Yukihiro " +
  "Rasmus Larry Joan Carol Evelyn Dorothy Annie Hal Rob Ward Sandy Mitchell Wendy Marian Irma Lois Adele Ellen Butler"
).split(" ");
const LAST = (
  "Lovelace Turing Hopper Torvalds Hamilton Ritchie Liskov Thompson Allen Dijkstra Perlman Berners-Lee Lamarr " +
  "Shannon Johnson McCarthy Keller Knuth Wilson Wirth Borg Rossum Conway Stroustrup Jones Kernighan Goldwasser Cerf " +
  "Sutherland Sammet Teitelman Lamport Bilas Pearl Dahl Matsumoto Lerdorf Wall Clarke Shaw Berners Booth Easley Abelson " +
  "Cunningham Pike Lerner Kapor Hall Croft Wexelblat Goldberg Harris Estrin Spertus Ross Graham Meyer Kay Hoare Milner"
).split(" ");
const COMPANIES = (
  "Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Wonka Tyrell Cyberdyne Soylent Oscorp Gringotts " +
  "Monarch Nakatomi Massive Dynamic Aperture Black Mesa Blue Sun Rekall Weyland Yutani Duff Prestige"
).split(" ");
const TITLES = ["Founder", "CEO", "CTO", "Head of Sales", "Buyer", "Office Manager", "Designer", "Engineer", "Consultant", ""];
const DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "shop.example"];
const PRODUCTS = (
  "espresso grinder kettle subscription beans filter mug tamper scale dripper roaster voucher workshop " +
  "maintenance warranty cleaning descaler capsule milk frother teapot"
).split(" ");
const TOPICS = (
  "renewal invoice delivery refund upgrade onboarding pricing proposal contract feedback training " + "integration complaint discount quote shipment"
).split(" ");
// Interactions talk about renewals most (about three in ten): `crm find renewal` then matches about 60,000
// of the 200,000, the common-word case of the find figure. Same number of draws as a plain pick of TOPICS.
const INTERACTION_TOPICS = [...Array(6).fill("renewal"), ...TOPICS];
const NOTE_WORDS = (
  "prefers calls in the morning, asked about bulk pricing, met at the trade fair, referred by a friend, " +
  "interested in the workshop, wants the newsletter, long-time customer, pays by invoice"
).split(", ");
const COMMENTS = (
  "fast delivery|great coffee, will order again|support was friendly and quick|the grinder broke after a month|" +
  "too expensive for what it is|packaging could be better|excellent workshop|the subscription is convenient|" +
  "late shipment and no update|would recommend to colleagues|the descaler smells odd|refund took too long"
).split("|");

const pad = (n, w = 2) => String(n).padStart(w, "0");
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const isoInstant = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const csvCell = (v) => (v === null || v === undefined ? "" : /[",\n\r]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));

/** Writes lines through a 1 MB buffer. */
function writer(file) {
  const fd = fs.openSync(file, "w");
  let buf = "";
  return {
    row(cells) {
      buf += cells.map(csvCell).join(",") + "\n";
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = "";
      }
    },
    close() {
      fs.writeSync(fd, buf);
      fs.closeSync(fd);
    },
  };
}

export function contactName(i) {
  return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
}
export function contactEmail(i) {
  const [first, last] = contactName(i).toLowerCase().split(" ");
  return `${first}.${last}.${i}@${DOMAINS[i % DOMAINS.length]}`;
}

/**
 * Contacts 1..n (they get ids 1..n when imported in order into an empty database). About 3% keep in
 * touch on a cadence; a third carry tags.
 */
export function writeContacts(file, n, seed = 1) {
  const rnd = prng(seed);
  const w = writer(file);
  w.row(["name", "email", "phone", "company", "title", "tags", "cadence", "notes", "created at"]);
  for (let i = 1; i <= n; i++) {
    const created = START - 180 * DAY + Math.floor(rnd.next() * (SPAN_DAYS + 150)) * DAY + rnd.int(8, 18) * 3_600_000;
    w.row([
      contactName(i),
      contactEmail(i),
      rnd.chance(0.6) ? `+49 30 ${rnd.int(1000000, 9999999)}` : "",
      rnd.chance(0.5) ? `${rnd.pick(COMPANIES)} ${rnd.pick(["GmbH", "Ltd", "Inc", "SARL", "BV"])}` : "",
      rnd.pick(TITLES),
      rnd.chance(0.33) ? rnd.pick(["client", "newsletter", "wholesale;client", "vip;client", "lead"]) : "",
      rnd.chance(0.03) ? rnd.pick(["2w", "30d", "1m", "90d"]) : "",
      rnd.chance(0.1) ? rnd.pick(NOTE_WORDS) : "",
      isoInstant(Math.min(created, END - DAY)),
    ]);
  }
  w.close();
}

/**
 * Purchases from a BG/NBD-like process: customers (about 4 in 5 contacts) arrive over the three years,
 * buy at a Gamma-distributed rate, and after each purchase drop out with a Beta-distributed chance;
 * each has a typical basket (log-normal). Rows are sorted by time, as a shop export is, until exactly
 * `total` rows. Returns nothing; the file holds `email,date,amount,currency,order_id`.
 */
export function writePurchases(file, total, contacts, seed = 2) {
  const rnd = prng(seed);
  const who = new Int32Array(total);
  const when = new Float64Array(total);
  const cents = new Int32Array(total);
  let n = 0;
  for (let c = 1; n < total; c = (c % contacts) + 1) {
    if (!rnd.chance(0.8)) continue;
    const first = START + rnd.next() * (END - START - DAY);
    const rate = rnd.gamma(0.9) * 0.05; // purchases per day while alive (mean ≈ one every 22 days)
    const dropout = rnd.beta(1, 12);
    const basket = Math.exp(3.3 + 0.7 * rnd.normal());
    let t = first;
    for (;;) {
      who[n] = c;
      when[n] = t;
      cents[n] = Math.max(100, Math.round(basket * Math.exp(0.35 * rnd.normal()) * 100));
      if (++n === total) break;
      if (rnd.chance(dropout)) break;
      t += (-Math.log(1 - rnd.next()) / Math.max(rate, 1e-4)) * DAY;
      if (t >= END) break;
    }
  }
  const order = new Uint32Array(total).map((_, i) => i).sort((a, b) => when[a] - when[b] || a - b);
  const w = writer(file);
  w.row(["email", "date", "amount", "currency", "order_id"]);
  for (let k = 0; k < total; k++) {
    const i = order[k];
    w.row([
      contactEmail(who[i]),
      isoInstant(Math.floor(when[i] / 1000) * 1000),
      `${Math.floor(cents[i] / 100)}.${pad(cents[i] % 100)}`,
      "EUR",
      `ORD-${100000 + k}`,
    ]);
  }
  w.close();
}

/** Calls, emails, meetings, notes and issues (about 2% issues, one in twenty of them still open). */
export function writeInteractions(file, total, contacts, seed = 3) {
  const rnd = prng(seed);
  const at = new Float64Array(total);
  for (let i = 0; i < total; i++) at[i] = START + rnd.next() * (END - START);
  at.sort();
  const w = writer(file);
  w.row(["email", "type", "summary", "date", "resolved at", "activity id"]);
  for (let i = 0; i < total; i++) {
    const c = 1 + Math.floor(Math.pow(rnd.next(), 1.5) * contacts);
    const type = rnd.pick(["call", "call", "email", "email", "email", "meeting", "note", "note", "message", "issue"].slice(0, rnd.chance(0.2) ? 10 : 9));
    const topic = rnd.pick(INTERACTION_TOPICS);
    const product = rnd.pick(PRODUCTS);
    const summary =
      type === "issue"
        ? `Problem with the ${product}: ${rnd.pick(["broken", "late", "wrong item", "charged twice", "missing part"])}`
        : type === "meeting"
          ? `Met ${contactName(c).split(" ")[0]} about the ${topic} of the ${product}`
          : type === "call"
            ? `Called about ${topic}; ${rnd.pick(["will call back", "sent details", "left a voicemail", "agreed next steps"])}`
            : type === "email"
              ? `Emailed the ${topic} for the ${product}`
              : `${rnd.pick(NOTE_WORDS)}; ${topic} ${product}`;
    const resolved = type === "issue" && rnd.chance(0.95) ? isoInstant(at[i] + rnd.int(1, 20) * DAY) : "";
    w.row([contactEmail(c), type, summary, isoInstant(Math.floor(at[i] / 1000) * 1000), resolved, `ACT-${i + 1}`]);
  }
  w.close();
}

/** Survey answers: `email,score,comment,date`, a quarter with a comment. */
export function writeResponses(file, total, contacts, kind, seed) {
  const rnd = prng(seed);
  const at = new Float64Array(total);
  for (let i = 0; i < total; i++) at[i] = START + rnd.next() * (END - START - DAY);
  at.sort();
  const w = writer(file);
  w.row(["email", "score", "comment", "date"]);
  for (let i = 0; i < total; i++) {
    const c = rnd.int(1, contacts);
    const score =
      kind === "nps" ? Math.min(10, Math.max(0, Math.round(7.6 + 2.2 * rnd.normal()))) : Math.min(5, Math.max(1, Math.round(3.9 + 1.1 * rnd.normal())));
    w.row([contactEmail(c), score, rnd.chance(0.25) ? rnd.pick(COMMENTS) : "", isoInstant(Math.floor(at[i] / 1000) * 1000)]);
  }
  w.close();
}

const STAGES = ["lead", "qualified", "proposal", "negotiation"];

/**
 * Deals with their stage history, and follow-ups: rows for direct insertion (there is no import
 * command for them). `now` is the run's "now" as a Date.
 */
export function dealsAndFollowups(counts, contacts, now, seed = 6) {
  const rnd = prng(seed);
  const deals = [];
  for (let i = 0; i < counts.deals; i++) {
    const created = START + rnd.next() * (now.getTime() - START - 2 * DAY);
    const final = rnd.next() < 0.35 ? rnd.pick(STAGES) : rnd.chance(0.6) ? "won" : "lost";
    const steps = [];
    let t = created;
    const path = final === "won" || final === "lost" ? [...STAGES.slice(0, rnd.int(1, 4)), final] : STAGES.slice(0, STAGES.indexOf(final) + 1);
    for (const stage of path) {
      steps.push({ to: stage, at: new Date(Math.min(t, now.getTime() - DAY)).toISOString() });
      t += rnd.int(2, 40) * DAY;
    }
    const closedAt = final === "won" || final === "lost" ? steps.at(-1).at : null;
    const closeOn = isoDay(Math.min(created + rnd.int(14, 120) * DAY, now.getTime() + 200 * DAY));
    deals.push({
      contactId: rnd.int(1, contacts),
      title: `${rnd.pick(PRODUCTS)} ${rnd.pick(["order", "contract", "subscription", "workshop", "fit-out"])}`,
      amountMinor: rnd.int(50, 20_000) * 100,
      currency: "EUR",
      stage: final,
      probability: rnd.chance(0.1) ? rnd.int(5, 95) : null,
      closeOn: final === "lost" ? null : closeOn,
      lostReason: final === "lost" ? rnd.pick(["price", "timing", "went with a competitor", "no budget"]) : null,
      closedAt,
      createdAt: new Date(created).toISOString(),
      updatedAt: steps.at(-1).at,
      steps,
    });
  }
  const followups = [];
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  for (let i = 0; i < counts.followups; i++) {
    const due = START + rnd.next() * (today + 60 * DAY - START);
    const past = due < today - 7 * DAY;
    const open = past ? rnd.chance(0.04) : rnd.chance(0.9);
    const timed = rnd.chance(0.2);
    const dueAt = timed ? new Date(Math.floor(due / 3_600_000) * 3_600_000).toISOString() : isoDay(due);
    const created = new Date(due - rnd.int(1, 30) * DAY).toISOString();
    followups.push({
      contactId: rnd.int(1, contacts),
      dueAt,
      note: rnd.chance(0.85) ? `${rnd.pick(["Call back about", "Send", "Check on", "Ask about"])} the ${rnd.pick(TOPICS)} (${rnd.pick(PRODUCTS)})` : null,
      every: rnd.chance(0.08) ? rnd.pick(["1w", "2w", "1m"]) : null,
      status: open ? "open" : "done",
      doneAt: open ? null : new Date(Math.min(due + rnd.int(0, 5) * DAY, now.getTime() - 3_600_000)).toISOString(),
      createdAt: created,
      updatedAt: created,
    });
  }
  return { deals, followups };
}

/** Inserts deals (with stage history) and follow-ups with one prepared statement each, in one transaction. */
export function insertDealsAndFollowups(db, rows) {
  const insertDeal = db.prepare(
    `insert into deals(contact_id, title, amount_minor, currency, stage, probability, close_on, lost_reason, closed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertChange = db.prepare("insert into deal_stage_changes(deal_id, from_stage, to_stage, at) values (?, ?, ?, ?)");
  const insertFollowup = db.prepare(
    `insert into followups(contact_id, deal_id, due_at, note, every, status, done_at, created_at, updated_at)
     values (?, null, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const d of rows.deals) {
      const id = insertDeal.run(
        d.contactId,
        d.title,
        d.amountMinor,
        d.currency,
        d.stage,
        d.probability,
        d.closeOn,
        d.lostReason,
        d.closedAt,
        d.createdAt,
        d.updatedAt,
      ).lastInsertRowid;
      let from = null;
      for (const s of d.steps) {
        insertChange.run(id, from, s.to, s.at);
        from = s.to;
      }
    }
    for (const f of rows.followups) insertFollowup.run(f.contactId, f.dueAt, f.note, f.every, f.status, f.doneAt, f.createdAt, f.updatedAt);
  })();
}

export function writeAll(dir, counts = SCALE) {
  const files = {
    contacts: path.join(dir, "contacts.csv"),
    purchases: path.join(dir, "purchases.csv"),
    interactions: path.join(dir, "interactions.csv"),
    nps: path.join(dir, "nps.csv"),
    csat: path.join(dir, "csat.csv"),
  };
  writeContacts(files.contacts, counts.contacts);
  writePurchases(files.purchases, counts.purchases, counts.contacts);
  writeInteractions(files.interactions, counts.interactions, counts.contacts);
  const nps = Math.round(counts.responses * 0.7);
  writeResponses(files.nps, nps, counts.contacts, "nps", 4);
  writeResponses(files.csat, counts.responses - nps, counts.contacts, "csat", 5);
  return files;
}

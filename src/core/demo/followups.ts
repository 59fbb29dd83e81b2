// `crm demo`, follow-ups: follow-ups in every state, keep-in-touch contacts that are due, open issues.
import type { Store } from "../../db/open.js";
import type { ContactRow, DealRow, IdRow } from "../../db/rows.js";
import { addInterval, localDate, startOfDay, tryParseInterval } from "../../io/dates.js";
import type { FollowupStatus } from "../followups/followups.js";
import type { DemoRandom } from "./random.js";

const DEMO_NOTES = [
  "Send the revised proposal",
  "Ask how the launch went",
  "Chase the unpaid invoice",
  "Share the workshop slides",
  "Check in after the delivery",
  "Propose a date for the quarterly review",
  "Send the case study they asked for",
  "Ask for a testimonial",
  "Confirm the renewal terms",
  "Introduce them to the designer",
];

/**
 * Follow-ups in every state (overdue, due today — one at a time of day —, upcoming, done, recurring,
 * snoozed), a handful of contacts whose keep-in-touch cadence has run out and a few open issues, so
 * `crm today` and `crm remind` look like a real morning on a fresh demo database.
 */
export function seedFollowups(store: Store, rnd: DemoRandom, now: Date, contactIds: number[]): void {
  if (!contactIds.length) return;
  const day = 86_400_000;
  const today = startOfDay(now);
  const dayOffset = (n: number) => localDate(addInterval(today, { count: Math.abs(n), unit: "day" }, n < 0 ? -1 : 1));
  const insert = store.sqlite.prepare(
    `insert into followups(contact_id, deal_id, due_at, note, every, status, done_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const deals = store.sqlite
    .prepare<[], Pick<DealRow, "id" | "contactId">>("select id, contact_id as contactId from deals where stage not in ('won', 'lost') order by id limit 3")
    .all();
  const someone = () => rnd.pick(contactIds);
  const ago = (days: number) => new Date(now.getTime() - days * day).toISOString();
  const add = (o: {
    contactId?: number;
    dealId?: number | null;
    dueAt: string;
    every?: string;
    status?: FollowupStatus;
    doneAt?: string;
    created: string;
    updated?: string;
  }) =>
    insert.run(
      o.contactId ?? someone(),
      o.dealId ?? null,
      o.dueAt,
      rnd.pick(DEMO_NOTES),
      o.every ?? null,
      o.status ?? "open",
      o.doneAt ?? null,
      o.created,
      o.updated ?? o.created,
    );

  for (let i = 0; i < 5; i++) add({ dueAt: dayOffset(-rnd.int(1, 20)), created: ago(rnd.int(25, 60)) }); // overdue
  for (let i = 0; i < 3; i++) add({ dueAt: dayOffset(0), created: ago(rnd.int(3, 20)) }); // due today
  const laterToday = new Date(today.getFullYear(), today.getMonth(), today.getDate(), 16, 30);
  add({ dueAt: laterToday.toISOString(), created: ago(2) }); // due today at a time
  for (let i = 0; i < 10; i++) add({ dueAt: dayOffset(rnd.int(1, 30)), created: ago(rnd.int(1, 20)) }); // upcoming
  for (let i = 0; i < 15; i++) {
    const due = rnd.int(5, 300);
    add({ dueAt: dayOffset(-due), status: "done", doneAt: ago(due - rnd.int(0, 3)), created: ago(due + rnd.int(3, 30)) }); // done
  }
  add({ dueAt: dayOffset(-3), every: "1w", created: ago(60) }); // recurring, overdue
  add({ dueAt: dayOffset(4), every: "1m", created: ago(90) }); // recurring, upcoming
  add({ dueAt: dayOffset(-45), every: "1m", status: "done", doneAt: ago(44), created: ago(90) }); // a past round of a recurring one
  for (let i = 0; i < 2; i++) add({ dueAt: dayOffset(rnd.int(2, 9)), created: ago(rnd.int(20, 40)), updated: ago(rnd.int(1, 5)) }); // snoozed
  for (const deal of deals) add({ contactId: deal.contactId, dealId: deal.id, dueAt: dayOffset(rnd.int(-2, 6)), created: ago(rnd.int(1, 10)) });

  // Keep-in-touch: the contacts' seed gives some people a cadence at random, and most of them would be
  // months overdue. A solo business keeps up with most: clear the cadence of the long-forgotten, then
  // make a handful due by a few days to a few weeks (last contact 5–9 weeks ago, a 30-day cadence).
  const lastContact = `coalesce((select max(i.at) from interactions i where i.contact_id = c.id and i.at <= ?), c.created_at)`;
  const cadenced = store.sqlite
    .prepare<[string], Pick<ContactRow, "id"> & { cadence: string; last: string }>(
      `select c.id, c.cadence, ${lastContact} as last from contacts c where c.cadence is not null`,
    )
    .all(now.toISOString());
  const setCadence = store.sqlite.prepare("update contacts set cadence = ? where id = ?");
  for (const c of cadenced) {
    const every = tryParseInterval(c.cadence);
    if (every && localDate(addInterval(new Date(c.last), every)) < localDate(now)) setCadence.run(null, c.id);
  }
  const candidates = store.sqlite
    .prepare<[string, string, string], IdRow>(`select c.id from contacts c where c.cadence is null and ${lastContact} between ? and ? order by c.id`)
    .all(now.toISOString(), ago(63), ago(35));
  for (let i = 0; i < 5 && candidates.length; i++) setCadence.run(rnd.pick(["30d", "1m"]), candidates.splice(rnd.int(0, candidates.length - 1), 1)[0]!.id);

  // Issues: most get resolved within a few days; leave the recent ones open, as a real inbox would.
  store.sqlite
    .prepare("update interactions set resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ', at, '+2 days') where type = 'issue' and resolved_at is null and at < ?")
    .run(ago(45));
}

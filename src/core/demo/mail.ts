// `crm demo`, email: threads as `crm mail sync` logs them (direction, Message-ID, thread), most of
// them answered and a few waiting for your reply, so "Awaiting your reply" shows on a fresh demo.
import type { Store } from "../../db/open.js";
import type { DemoRandom } from "./random.js";

const SUBJECTS = ["Quote for the spring order", "Question about the invoice", "Workshop dates", "Delivery next week", "Renewal", "Introduction"];

export function seedMail(store: Store, rnd: DemoRandom, now: Date, contactIds: number[]): void {
  if (!contactIds.length) return;
  const hour = 3_600_000;
  const insert = store.sqlite.prepare(
    `insert into interactions(contact_id, type, summary, at, source, message_id, thread_id, direction, created_at)
     values (?, 'email', ?, ?, 'mail:demo', ?, ?, ?, ?)`,
  );
  for (let t = 0; t < 24; t++) {
    const contactId = contactIds[(t * 13) % contactIds.length]!;
    const subject = SUBJECTS[t % SUBJECTS.length]!;
    const thread = `demo-${t}@mail.example`;
    // The last four threads end with a message from the contact, two to six days ago: awaiting your reply.
    const awaiting = t >= 20;
    let at = now.getTime() - rnd.int(awaiting ? 2 : 1, awaiting ? 6 : 60) * 24 * hour;
    const messages = rnd.int(1, 4) * 2 - (awaiting ? 1 : 0);
    const times: number[] = [];
    for (let m = 0; m < messages; m++, at -= rnd.int(2, 40) * hour) times.unshift(at);
    times.forEach((when, m) => {
      const iso = new Date(when).toISOString();
      const direction = m % 2 === 0 ? "in" : "out";
      insert.run(contactId, m ? `Re: ${subject}` : subject, iso, m ? `demo-${t}-${m}@mail.example` : thread, thread, direction, iso);
    });
  }
}

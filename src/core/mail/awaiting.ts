// "Awaiting your reply": email threads whose last message came in from a contact and got no answer
// from you for longer than `mail.reply-after` (default a day), oldest first. Threads quiet for longer
// than `mail.reply-window` (default 30 days) are left out: by then it is a keep-in-touch question.
import type { Store } from "../../db/open.js";
import { addInterval, parseInterval } from "../../io/dates.js";
import { getSetting } from "../config/settings.js";

export interface AwaitingReply {
  /** The interaction of the last message of the thread. */
  id: number;
  contactId: number;
  contactName: string;
  contactEmail: string | null;
  subject: string;
  /** When the last message came in (ISO UTC). */
  at: string;
  threadId: string;
  /** The other contacts on that message, by name. */
  others: string[];
}

type Row = Omit<AwaitingReply, "others">;

export function awaitingReply(store: Store, now: Date): AwaitingReply[] {
  const after = parseInterval(getSetting(store, "mail.reply-after"));
  const window = parseInterval(getSetting(store, "mail.reply-window"));
  const cutoff = addInterval(now, after, -1).toISOString();
  const oldest = addInterval(now, window, -1).toISOString();
  // The last message of each thread up to now: received, old enough, and nothing sent in it since.
  const rows = store.sqlite
    .prepare<[string, string, string, string], Row>(
      `with last as (
         select thread_id, max(at) as at from interactions
         where type = 'email' and thread_id is not null and at <= ? group by thread_id)
       select i.id, i.contact_id as contactId, c.name as contactName, c.email as contactEmail, i.summary as subject, i.at, i.thread_id as threadId
       from last join interactions i on i.thread_id = last.thread_id and i.at = last.at and i.type = 'email'
       join contacts c on c.id = i.contact_id
       where i.direction = 'in' and i.at <= ? and i.at >= ?
         and not exists (select 1 from interactions o where o.thread_id = i.thread_id and o.direction = 'out' and o.at >= i.at and o.at <= ?)
       order by i.at, i.id`,
    )
    .all(now.toISOString(), cutoff, oldest, now.toISOString());
  const threads = new Map<string, AwaitingReply>();
  for (const r of rows) {
    const t = threads.get(r.threadId);
    if (t) t.others.push(r.contactName);
    else threads.set(r.threadId, { ...r, others: [] });
  }
  return [...threads.values()];
}

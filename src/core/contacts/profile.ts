// `crm contact show`: everything held about one person, gathered from every table that links to them.
import type { Store } from "../../db/open.js";
import type { DealRow, FollowupRow, ResponseRow, SurveyRow } from "../../db/rows.js";
import { getContact, type Contact } from "./contacts.js";
import { listInteractions, type Interaction } from "./interactions.js";

export interface ContactProfile {
  contact: Contact;
  recentInteractions: Interaction[];
  openFollowups: Pick<FollowupRow, "id" | "dueAt" | "note" | "every">[];
  deals: Pick<DealRow, "id" | "title" | "stage" | "amountMinor" | "currency" | "closeOn">[];
  /** Per currency: how many purchases, their total, the first and the last. */
  purchases: { currency: string; count: number; totalMinor: number; firstAt: string; lastAt: string }[];
  latestScores: (Pick<ResponseRow, "score" | "comment" | "at"> & { survey: SurveyRow["name"]; type: SurveyRow["type"] })[];
  /** Filled by the customer analytics when the person is a customer (RFM segment, P(alive), CLV). */
  analytics?: Record<string, unknown>;
}

export function contactProfile(store: Store, id: number, now: Date): ContactProfile {
  const contact = getContact(store, id);
  const s = store.sqlite;
  const until = now.toISOString();
  return {
    contact,
    recentInteractions: listInteractions(store, { contactId: id, until: now, limit: 10 }),
    openFollowups: s
      .prepare<[number], ContactProfile["openFollowups"][number]>(
        "select id, due_at as dueAt, note, every from followups where contact_id = ? and status = 'open' order by due_at, id",
      )
      .all(id),
    deals: s
      .prepare<[number], ContactProfile["deals"][number]>(
        `select id, title, stage, amount_minor as amountMinor, currency, close_on as closeOn from deals where contact_id = ?
         order by case when stage in ('won','lost') then 1 else 0 end, coalesce(close_on, '9999'), id`,
      )
      .all(id),
    purchases: s
      .prepare<[number, string], ContactProfile["purchases"][number]>(
        `select currency, count(*) as count, sum(amount_minor - refunded_minor) as totalMinor, min(at) as firstAt, max(at) as lastAt
         from purchases where contact_id = ? and at <= ? and (refunded_minor = 0 or amount_minor > refunded_minor) group by currency order by currency`,
      )
      .all(id, until),
    latestScores: s
      .prepare<[number, string, string], ContactProfile["latestScores"][number]>(
        `select sv.name as survey, sv.type, r.score, r.comment, r.at from responses r join surveys sv on sv.id = r.survey_id
         where r.contact_id = ? and r.at <= ? and r.id = (select r2.id from responses r2 where r2.survey_id = r.survey_id
           and r2.contact_id = r.contact_id and r2.at <= ? order by r2.at desc, r2.id desc limit 1)
         order by r.at desc`,
      )
      .all(id, until, until),
  };
}

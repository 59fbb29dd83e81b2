// `crm today`: the morning agenda, as data. It is a list of sections, each made by one builder from
// the database and "now"; the CLI only renders them. To add a section (for example "deals closing
// within 7 days or stale" or "valuable customers at risk"), write an AgendaSectionBuilder in your own
// core module (or below) and add it to `agendaSections`, at the priority where it belongs — nothing else
// changes: the table, JSON and CSV views render every section the same way.
import type { Store } from "../../db/open.js";
import { describeDue, daysOverdue, isAllDay, firstKeepInTouchDue, cadenceSummary, followupsForAgenda, type Followup } from "../followups/followups.js";
import { daysBetween, localDate } from "../../io/dates.js";
import { dealsForAgenda, AGENDA_CLOSING_DAYS, AGENDA_STALE_DAYS, type AgendaDeal } from "../deals/deals.js";
import { unresolvedIssues } from "../contacts/interactions.js";
import { customersAtRisk } from "../customers/scores.js";
import { getSetting } from "../config/settings.js";
import { awaitingReply } from "../mail/awaiting.js";
import { currencyDigits, formatMinor, formatMoney } from "../../io/money.js";

/** One thing to act on. Fields beyond these go in `extra` (documented per kind). */
export interface AgendaItem {
  /** What it is: "followup" | "keep-in-touch" | "issue" (later sections add their own, e.g. "deal"). */
  kind: string;
  /** The record it is about (follow-up id, interaction id, deal id...); null when there is none. */
  id: number | null;
  contactId: number | null;
  contactName: string | null;
  /** What to do or what it is about, for people. */
  text: string;
  /** The date that makes it urgent, as stored: "YYYY-MM-DD" or an ISO UTC instant. */
  date: string;
  /** Why it is urgent, for people: "3 days overdue", "open for 12 days", "closes in 2 days". */
  detail: string;
  /** Sort key within its section: higher is more urgent (typically days overdue or open). */
  urgency: number;
  /** Kind-specific fields for scripts, e.g. a follow-up's `every` and `dealId`. */
  extra?: Record<string, unknown>;
}

/** How the renderer should colour a section; core knows nothing of colours. */
export type AgendaTone = "alert" | "warning" | "info";

export interface AgendaSection {
  key: string;
  title: string;
  tone: AgendaTone;
  /** The section's first items (all of them unless the agenda was asked for fewer), most urgent first. */
  items: AgendaItem[];
  /** How many items the section has in all. */
  count: number;
  /** For a section made from the stored customer analytics: the purchase data version they are from. */
  dataVersion?: number;
}

export interface AgendaSectionBuilder {
  key: string;
  title: string;
  tone: AgendaTone;
  /**
   * Where the section goes: lower comes first (most urgent first). In use: 10 overdue follow-ups,
   * 20 open issues, 25 awaiting your reply, 30 due today, 50 keep in touch. Reserved: 40 deals closing within 7 days or with no
   * activity for 14 days, 60 valuable customers at risk.
   */
  priority: number;
  /**
   * The section's items; order does not matter (they are sorted by urgency, then date, then id). A
   * builder may return only its first `limit` items in that order (ties at the end may be included),
   * with `count` saying how many there are in all. A section made from the stored customer analytics
   * also says which purchase data version they are from.
   */
  build(store: Store, now: Date, limit?: number): AgendaItem[] | BuiltSection;
}

export interface BuiltSection {
  items: AgendaItem[];
  /** How many items the section has in all; the number of items when left out. */
  count?: number;
  dataVersion?: number;
}

export interface Agenda {
  /** The moment the agenda was made for (ISO UTC), i.e. now or the moment asked for. */
  asOf: string;
  /** Today's local date, "YYYY-MM-DD". */
  date: string;
  /** Every section, in priority order, including empty ones (so JSON keeps one shape). */
  sections: AgendaSection[];
}

/** Answers of queries that serve two sections, kept while one agenda is being built. */
let building: Map<unknown, unknown> | undefined;

/**
 * One query serves two sections (overdue and due today; deals closing and idle): while an agenda is
 * built, it runs once and both sections read its answer.
 */
function sharedBy<T>(query: (store: Store, now: Date, limit: number) => T): (store: Store, now: Date, limit: number) => T {
  return (store, now, limit) => {
    if (!building) return query(store, now, limit);
    if (!building.has(query)) building.set(query, query(store, now, limit));
    return building.get(query) as T;
  };
}

const dueFollowups = sharedBy(followupsForAgenda);
const agendaDeals = sharedBy(dealsForAgenda);

function followupItem(f: Followup, now: Date): AgendaItem {
  return {
    kind: "followup",
    id: f.id,
    contactId: f.contactId,
    contactName: f.contactName,
    text: `${f.note ?? "follow up"}${f.every ? ` (every ${f.every})` : ""}`,
    date: f.dueAt,
    detail: describeDue(f.dueAt, now),
    urgency: isAllDay(f.dueAt) ? daysOverdue(f.dueAt, now) : (now.getTime() - new Date(f.dueAt).getTime()) / 86_400_000,
    extra: { allDay: isAllDay(f.dueAt), every: f.every, dealId: f.dealId, dealTitle: f.dealTitle },
  };
}

const overdueFollowups: AgendaSectionBuilder = {
  key: "overdue",
  title: "Overdue follow-ups",
  tone: "alert",
  priority: 10,
  build(store, now, limit = Infinity) {
    const { rows, count } = dueFollowups(store, now, limit).overdue;
    return { items: rows.map((f) => followupItem(f, now)), count };
  },
};

const followupsDueToday: AgendaSectionBuilder = {
  key: "today",
  title: "Due today",
  tone: "warning",
  priority: 30,
  build(store, now, limit = Infinity) {
    const { rows, count } = dueFollowups(store, now, limit).today;
    return { items: rows.map((f) => followupItem(f, now)), count };
  },
};

const openIssues: AgendaSectionBuilder = {
  key: "issues",
  title: "Open issues",
  tone: "alert",
  priority: 20,
  build(store, now, limit = Infinity) {
    // Oldest first is most urgent first: the first `limit` issues are the ones shown.
    const { rows, count } = unresolvedIssues(store, now, limit);
    const items = rows.map((r) => {
      const days = daysBetween(new Date(r.at), now);
      return {
        kind: "issue",
        id: r.id,
        contactId: r.contactId,
        contactName: r.contactName,
        text: r.summary,
        date: r.at,
        detail: days === 0 ? "opened today" : `open for ${days} day${days === 1 ? "" : "s"}`,
        urgency: days,
      };
    });
    return { items, count };
  },
};

const keepInTouch: AgendaSectionBuilder = {
  key: "keep-in-touch",
  title: "Keep in touch",
  tone: "info",
  priority: 50,
  build(store, now, limit = Infinity) {
    // In agenda order already (due date, then contact): only the first `limit` are made into items.
    const { rows, count } = firstKeepInTouchDue(store, now, limit);
    const items = rows.map((k) => ({
      kind: "keep-in-touch",
      id: null,
      contactId: k.contactId,
      contactName: k.contactName,
      text: cadenceSummary(k),
      date: k.dueAt,
      detail: describeDue(k.dueAt, now),
      urgency: daysOverdue(k.dueAt, now),
      extra: { cadence: k.cadence, lastContactAt: k.lastContactAt },
    }));
    return { items, count };
  },
};

function dealItem(d: AgendaDeal, detail: string, urgency: number): AgendaItem {
  return {
    kind: "deal",
    id: d.id,
    contactId: d.contactId,
    contactName: d.contactName,
    text: `${d.title} (${d.stage}, ${formatMoney(d.amountMinor, d.currency)})`,
    date: d.closeOn ?? d.lastActivityAt,
    detail,
    urgency,
    extra: { stage: d.stage, amount: formatMinor(d.amountMinor, d.currency), currency: d.currency, probability: d.probability, closeOn: d.closeOn },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const dealsClosingSoon: AgendaSectionBuilder = {
  key: "deals-closing",
  title: `Deals closing within ${AGENDA_CLOSING_DAYS} days`,
  tone: "warning",
  priority: 40,
  build(store, now, limit = Infinity) {
    const { closingSoon, closingCount } = agendaDeals(store, now, limit);
    const items = closingSoon.map((d) => {
      const days = d.daysToClose!;
      const detail = days < 0 ? `close date passed ${plural(-days, "day")} ago` : days === 0 ? "closes today" : `closes in ${plural(days, "day")}`;
      return dealItem(d, detail, -days);
    });
    return { items, count: closingCount };
  },
};

const staleDeals: AgendaSectionBuilder = {
  key: "deals-stale",
  title: `Deals with no activity for ${AGENDA_STALE_DAYS} days`,
  tone: "info",
  priority: 45,
  build(store, now, limit = Infinity) {
    const { stale, staleCount } = agendaDeals(store, now, limit);
    return { items: stale.map((d) => dealItem(d, `no activity for ${plural(d.daysSinceActivity, "day")}`, d.daysSinceActivity)), count: staleCount };
  },
};

/** Email threads whose last message came from a contact and got no answer (see core/mail/awaiting.ts). */
const awaitingYourReply: AgendaSectionBuilder = {
  key: "awaiting-reply",
  title: "Awaiting your reply",
  tone: "warning",
  priority: 25,
  build: (store, now) =>
    awaitingReply(store, now).map((a) => {
      const days = daysBetween(new Date(a.at), now);
      return {
        kind: "reply",
        id: a.id,
        contactId: a.contactId,
        contactName: a.contactName,
        text: a.subject,
        date: a.at,
        detail: `waiting for ${plural(days, "day")}`,
        urgency: (now.getTime() - new Date(a.at).getTime()) / 86_400_000,
        extra: { threadId: a.threadId, others: a.others },
      };
    }),
};

/** At most this many at-risk customers on the agenda; `crm report churn` has the full list. */
const AT_RISK_ITEMS = 5;
/** Below this P(alive) a customer is most likely already gone: the churn report, not the agenda. */
const LIKELY_GONE = 0.1;

export const valuableCustomersAtRisk: AgendaSectionBuilder = {
  key: "at-risk",
  title: "Valuable customers at risk",
  tone: "warning",
  priority: 60,
  build(store, now) {
    const threshold = Number(getSetting(store, "churn.threshold"));
    // The churn report's first rows with P(alive) ≥ LIKELY_GONE, from the stored customer scores.
    const churn = customersAtRisk(store, now, { threshold, atLeast: LIKELY_GONE, limit: AT_RISK_ITEMS });
    const items = churn.rows.map((r, i) => ({
      kind: "customer",
      id: null,
      contactId: r.contactId,
      contactName: r.name,
      text: `spent ${formatMoney(Math.round(r.totalSpent * 10 ** currencyDigits(churn.currency)), churn.currency)} in ${plural(r.purchases, "purchase")}`,
      date: r.lastPurchase,
      detail: `P(alive) ${(r.pAlive! * 100).toFixed(0)}%, last bought ${plural(r.recencyDays, "day")} ago`,
      urgency: AT_RISK_ITEMS - i,
      extra: { pAlive: r.pAlive, valueAtRisk: r.valueAtRisk, clv: r.clv, currency: churn.currency, dataVersion: churn.dataVersion },
    }));
    return { items, dataVersion: churn.dataVersion };
  },
};

/** The sections of `crm today`. Add a builder here to add a section (see the module comment). */
export const agendaSections: AgendaSectionBuilder[] = [
  overdueFollowups,
  openIssues,
  awaitingYourReply,
  followupsDueToday,
  dealsClosingSoon,
  staleDeals,
  keepInTouch,
  valuableCustomersAtRisk,
];

/** Agenda order within a section: most urgent first, then the earlier date, then the lower id. */
const byUrgency = (x: AgendaItem, y: AgendaItem) => y.urgency - x.urgency || (x.date < y.date ? -1 : x.date > y.date ? 1 : 0) || (x.id ?? 0) - (y.id ?? 0);

/**
 * The agenda as of `now`. With a `limit`, each section keeps its first `limit` items (and counts the
 * rest): what a screen shows, without reading or shaping the others.
 */
export function buildAgenda(store: Store, now: Date, builders: readonly AgendaSectionBuilder[] = agendaSections, limit = Infinity): Agenda {
  building = new Map();
  try {
    return { asOf: now.toISOString(), date: localDate(now), sections: buildSections(store, now, builders, limit) };
  } finally {
    building = undefined;
  }
}

function buildSections(store: Store, now: Date, builders: readonly AgendaSectionBuilder[], limit: number): AgendaSection[] {
  return [...builders]
    .sort((a, b) => a.priority - b.priority)
    .map((b): AgendaSection => {
      const built = b.build(store, now, limit);
      const { items, count, dataVersion }: BuiltSection = Array.isArray(built) ? { items: built } : built;
      return {
        key: b.key,
        title: b.title,
        tone: b.tone,
        ...(dataVersion === undefined ? {} : { dataVersion }),
        items: items.sort(byUrgency).slice(0, limit),
        count: count ?? items.length,
      };
    });
}

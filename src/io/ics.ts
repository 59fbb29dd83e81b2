// iCalendar (RFC 5545) of follow-ups through ical-generator: one VEVENT per follow-up with a stable UID
// (followup-<id>@crm.local), so importing the file into a calendar again updates the entries instead of
// duplicating them. A follow-up due on a day is an all-day event on that day; one due at a time is a
// 30-minute event at that time (UTC). A follow-up done or deleted since is written as cancelled
// (STATUS:CANCELLED) with a higher SEQUENCE, so a calendar that imported it drops it (RFC 5545 3.8.1.11,
// 3.8.7.4).
import ical, { ICalAlarmType, ICalEventStatus } from "ical-generator";

export interface FollowupEvent {
  id: number;
  /** open; done; removed (deleted with `followup rm`: only id, due and when are known). */
  status: "open" | "done" | "removed";
  /** Local "YYYY-MM-DD", or an ISO UTC datetime when a time was given. */
  dueAt: string;
  note: string | null;
  every: string | null;
  /** The last change (for a removed one, when it was removed): the event's revision. */
  updatedAt: string;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  dealTitle: string | null;
}

export interface CalendarOptions {
  /** A reminder this many seconds before each open follow-up (a VALARM). */
  alarmSeconds?: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const followupUid = (id: number) => `followup-${id}@crm.local`;

/**
 * The revision number of an entry: seconds from 2000-01-01 to its last change, so every change (a
 * snooze, done, deletion) raises it without a counter being kept, within a 32-bit integer until 2068.
 */
const sequenceOf = (changedAt: string) => Math.max(0, Math.floor((Date.parse(changedAt) - Date.UTC(2000, 0, 1)) / 1000));

export function followupsCalendar(events: readonly FollowupEvent[], now: Date, opts: CalendarOptions = {}): string {
  const cal = ical({ name: "crm follow-ups", prodId: { company: "crm", product: "follow-ups", language: "EN" } });
  for (const f of events) {
    const who = f.contactName ?? "a contact";
    const summary = `Follow up: ${who}${f.note ? ` — ${f.note.split("\n")[0]}` : ""}`;
    const description = [
      f.status === "done" ? "Done." : f.status === "removed" ? "Deleted from crm." : null,
      f.note,
      f.dealTitle ? `Deal: ${f.dealTitle}` : null,
      f.contactEmail ? `Email: ${f.contactEmail}` : null,
      f.contactPhone ? `Phone: ${f.contactPhone}` : null,
      f.every ? `Repeats every ${f.every} once done.` : null,
      f.status === "open" ? `Done? crm followup done ${f.id}` : null,
    ]
      .filter(Boolean)
      .join("\n");
    const day = DAY.exec(f.dueAt);
    const open = f.status === "open";
    const common = {
      id: followupUid(f.id),
      summary,
      description,
      stamp: now,
      lastModified: new Date(f.updatedAt),
      sequence: sequenceOf(f.updatedAt),
      status: open ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
      alarms: open && opts.alarmSeconds !== undefined ? [{ type: ICalAlarmType.display, trigger: opts.alarmSeconds, description: summary }] : [],
    };
    if (day) {
      // ical-generator writes an all-day date from the UTC fields of the Date it is given.
      cal.createEvent({ ...common, start: new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))), allDay: true });
    } else {
      const start = new Date(f.dueAt);
      cal.createEvent({ ...common, start, end: new Date(start.getTime() + 30 * 60_000) });
    }
  }
  return cal.toString();
}

/** One meeting read from a calendar file: a single event, or one occurrence of a recurring one. */
export interface CalendarOccurrence {
  uid: string;
  /** The occurrence's RECURRENCE-ID (its original start, ISO UTC); "" for a single event. */
  recurrenceId: string;
  start: Date;
  summary: string;
  /** Attendees' and the organiser's emails, lower-cased. */
  people: string[];
}

/** At most this many occurrences per recurring event (a daily stand-up over decades). */
const MAX_OCCURRENCES = 5000;

const mailtoOf = (value: unknown) =>
  String(value ?? "")
    .replace(/^mailto:/i, "")
    .trim()
    .toLowerCase();

/**
 * The meetings of an iCalendar file (RFC 5545) that started up to `until`, through ical.js: recurring
 * events expanded (RRULE, RDATE, EXDATE, moved or changed occurrences), cancelled ones left out.
 */
export async function readCalendar(text: string, until: Date): Promise<CalendarOccurrence[]> {
  const { default: ICAL } = await import("ical.js");
  const root = new ICAL.Component(ICAL.parse(text));
  const calendars = root.name === "vcalendar" ? [root] : root.getAllSubcomponents("vcalendar");
  const out: CalendarOccurrence[] = [];
  for (const cal of calendars) {
    for (const tz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
    const byUid = new Map<string, { master?: InstanceType<typeof ICAL.Component>; exceptions: InstanceType<typeof ICAL.Component>[] }>();
    for (const ev of cal.getAllSubcomponents("vevent")) {
      const uid = String(ev.getFirstPropertyValue("uid") ?? "");
      if (!uid) continue;
      const entry = byUid.get(uid) ?? { exceptions: [] };
      if (ev.hasProperty("recurrence-id")) entry.exceptions.push(ev);
      else entry.master = ev;
      byUid.set(uid, entry);
    }
    for (const [uid, { master, exceptions }] of byUid) {
      const add = (item: InstanceType<typeof ICAL.Event>, start: Date, recurrenceId: string) => {
        if (start > until || String(item.component.getFirstPropertyValue("status") ?? "").toUpperCase() === "CANCELLED") return;
        const people = [...item.attendees.map((a) => mailtoOf(a.getFirstValue())), ...(item.organizer ? [mailtoOf(item.organizer)] : [])].filter((e) =>
          e.includes("@"),
        );
        out.push({ uid, recurrenceId, start, summary: (item.summary ?? "").trim() || "(no title)", people: [...new Set(people)] });
      };
      if (!master) {
        // Occurrences without their series in this file: each stands alone.
        for (const ex of exceptions) {
          const ev = new ICAL.Event(ex);
          add(ev, ev.startDate.toJSDate(), ev.recurrenceId ? ev.recurrenceId.toJSDate().toISOString() : "");
        }
        continue;
      }
      const event = new ICAL.Event(master, { exceptions, strictExceptions: false });
      if (!event.isRecurring()) {
        add(event, event.startDate.toJSDate(), "");
        continue;
      }
      const it = event.iterator();
      for (let n = 0, next = it.next(); next && n < MAX_OCCURRENCES; n++, next = it.next()) {
        if (next.toJSDate() > until) break;
        const details = event.getOccurrenceDetails(next);
        add(details.item, details.startDate.toJSDate(), details.recurrenceId.toJSDate().toISOString());
      }
    }
  }
  return out;
}

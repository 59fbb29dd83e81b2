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

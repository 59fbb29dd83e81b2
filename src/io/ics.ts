// iCalendar (RFC 5545) of open follow-ups through ical-generator: one VEVENT per follow-up with a
// stable UID (followup-<id>@crm.local), so importing the file into a calendar again updates the
// entries instead of duplicating them. A follow-up due on a day is an all-day event on that day; one
// due at a time is a 30-minute event at that time (UTC).
import ical from "ical-generator";

export interface FollowupEvent {
  id: number;
  /** Local "YYYY-MM-DD", or an ISO UTC datetime when a time was given. */
  dueAt: string;
  note: string | null;
  every: string | null;
  updatedAt: string;
  contactName: string;
  contactEmail: string | null;
  contactPhone: string | null;
  dealTitle: string | null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const followupUid = (id: number) => `followup-${id}@crm.local`;

export function followupsCalendar(events: readonly FollowupEvent[], now: Date): string {
  const cal = ical({ name: "crm follow-ups", prodId: { company: "crm", product: "follow-ups", language: "EN" } });
  for (const f of events) {
    const summary = `Follow up: ${f.contactName}${f.note ? ` — ${f.note.split("\n")[0]}` : ""}`;
    const description = [
      f.note,
      f.dealTitle ? `Deal: ${f.dealTitle}` : null,
      f.contactEmail ? `Email: ${f.contactEmail}` : null,
      f.contactPhone ? `Phone: ${f.contactPhone}` : null,
      f.every ? `Repeats every ${f.every} once done.` : null,
      `Done? crm followup done ${f.id}`,
    ]
      .filter(Boolean)
      .join("\n");
    const day = DAY.exec(f.dueAt);
    const common = { id: followupUid(f.id), summary, description, stamp: now, lastModified: new Date(f.updatedAt) };
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

// `crm import calendar <file.ics>`: past meetings with contacts become `meeting` interactions (which
// reset keep-in-touch clocks like any other). Recurring events are expanded up to now; each occurrence
// is one interaction per contact among its attendees, identified by the event's UID and the
// occurrence's recurrence id, so importing the same (or an updated) calendar again adds nothing twice.
import fs from "node:fs";
import path from "node:path";
import type { Store } from "../../db/open.js";
import { readCalendar } from "../../io/ics.js";
import { notFound, usageError, quote } from "../../errors.js";
import { captureRules, writeBatch } from "./capture.js";

export interface CalendarReport {
  file: string;
  /** Past occurrences read (after expanding recurring events). */
  meetings: number;
  /** Occurrences that added at least one interaction. */
  logged: number;
  already: number;
  /** Occurrences with no contact among the attendees. */
  unknown: number;
}

/** The source of calendar interactions: their external ids are "<UID>|<recurrence id>|<contact id>". */
const SOURCE = "calendar";

export async function importCalendar(store: Store, file: string, opts: { dryRun: boolean }, now: Date): Promise<CalendarReport> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw notFound(`no such file ${quote(file)}`);
  }
  let occurrences;
  try {
    occurrences = await readCalendar(text, now);
  } catch (err) {
    throw usageError(
      `${quote(path.basename(file))} is not a valid iCalendar file: ${String((err as Error).message).split("\n")[0]}`,
      "export the calendar as .ics",
    );
  }
  const rules = captureRules(store, { source: SOURCE, storeSnippet: false });
  const report: CalendarReport = { file, meetings: occurrences.length, logged: 0, already: 0, unknown: 0 };
  const insert = store.sqlite.prepare<[number, string, string, string, string]>(
    `insert into interactions(contact_id, type, summary, at, source, external_ref, created_at) values (?, 'meeting', ?, ?, '${SOURCE}', ?, ?) on conflict do nothing`,
  );
  writeBatch(store, opts.dryRun, () => {
    for (const o of occurrences) {
      const contactIds = [...new Set(o.people.filter((p) => !rules.me.has(p)).flatMap((p) => rules.contacts.get(p) ?? []))];
      if (!contactIds.length) {
        report.unknown++;
        continue;
      }
      let added = 0;
      for (const id of contactIds) added += insert.run(id, o.summary, o.start.toISOString(), `${o.uid}|${o.recurrenceId}|${id}`, now.toISOString()).changes;
      if (added) report.logged++;
      else report.already++;
    }
  });
  return report;
}

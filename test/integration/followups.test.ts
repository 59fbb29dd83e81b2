// Follow-up and agenda use-cases on a real SQLite file in a temp directory.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { addContact } from "../../src/core/contacts/contacts.js";
import { logInteraction } from "../../src/core/contacts/interactions.js";
import { addFollowup, addFollowupsForMany, dueReminders, keepInTouchDue, listFollowups } from "../../src/core/followups/followups.js";
import { agendaSections, buildAgenda, type AgendaSectionBuilder } from "../../src/core/today/agenda.js";
import { freshDbDir } from "../helpers.js";

const now = new Date(2026, 2, 2, 9, 0);
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const day = (iso: string) => ({ date: new Date(iso + "T00:00"), hasTime: false });

let store: Store | undefined;
afterEach(() => store?.sqlite.close());
function fresh(): Store {
  store = openStore(path.join(freshDbDir(), "crm.db"));
  return store;
}

describe("keep-in-touch", () => {
  it("is due a cadence after the last interaction, or after being added when never contacted", () => {
    const s = fresh();
    const called = addContact(s, { name: "Called 40 days ago", cadence: "30d" }, daysAgo(100));
    logInteraction(s, { contactId: called, summary: "call", type: "call", at: daysAgo(40) }, daysAgo(40));
    const recent = addContact(s, { name: "Called 10 days ago", cadence: "30d" }, daysAgo(100));
    logInteraction(s, { contactId: recent, summary: "call", type: "call", at: daysAgo(10) }, daysAgo(10));
    const never = addContact(s, { name: "Never contacted", cadence: "2w" }, daysAgo(20));
    const newcomer = addContact(s, { name: "Added last week", cadence: "2w" }, daysAgo(7));
    addContact(s, { name: "No cadence" }, daysAgo(300));
    const due = keepInTouchDue(s, now);
    expect(due.map((d) => d.contactId)).toEqual([called, never]);
    expect(due.find((d) => d.contactId === never)).toMatchObject({ lastContactAt: null, dueAt: "2026-02-24" }); // added 10 Feb + 2 weeks
    expect(keepInTouchDue(s, now, new Date(2026, 2, 16, 9)).map((d) => d.contactId)).toEqual([called, never, newcomer]);
  });

  it("does not count interactions dated after now", () => {
    const s = fresh();
    const id = addContact(s, { name: "Meeting planned", cadence: "30d" }, daysAgo(60));
    // Logged then (an interaction is never logged ahead of its time), read as of now.
    logInteraction(s, { contactId: id, summary: "planned meeting", type: "meeting", at: new Date(2026, 2, 10) }, new Date(2026, 2, 10));
    expect(keepInTouchDue(s, now).map((d) => d.contactId)).toEqual([id]);
  });
});

describe("bulk follow-ups", () => {
  it("write all or nothing: one bad contact rolls back the whole campaign", () => {
    const s = fresh();
    const a = addContact(s, { name: "A" }, now);
    const b = addContact(s, { name: "B" }, now);
    expect(() => addFollowupsForMany(s, { contactIds: [a, b, 999] }, { due: day("2026-03-06"), note: "hi" }, now)).toThrow();
    expect(listFollowups(s, now, { status: "all" })).toEqual([]);
    expect(addFollowupsForMany(s, { contactIds: [a, b] }, { due: day("2026-03-06"), note: "hi" }, now)).toHaveLength(2);
  });
});

describe("reminders", () => {
  it("are oldest first and include what falls due within the window", () => {
    const s = fresh();
    const ada = addContact(s, { name: "Ada" }, daysAgo(100));
    const bob = addContact(s, { name: "Bob", cadence: "30d" }, daysAgo(35));
    const overdue = addFollowup(s, ada, { due: day("2026-02-27"), note: "late" }, now);
    const today = addFollowup(s, ada, { due: day("2026-03-02"), note: "today" }, now);
    const soon = addFollowup(s, ada, { due: day("2026-03-05"), note: "soon" }, now);
    expect(dueReminders(s, now).map((r) => [r.kind, r.followupId ?? r.contactId])).toEqual([
      ["keep-in-touch", bob],
      ["followup", overdue],
      ["followup", today],
    ]);
    expect(dueReminders(s, now, { count: 3, unit: "day" }).map((r) => r.followupId)).toContain(soon);
  });
});

describe("agenda", () => {
  it("renders the built-in sections in priority order, and takes extra section builders without other changes", () => {
    const s = fresh();
    const ada = addContact(s, { name: "Ada" }, daysAgo(10));
    addFollowup(s, ada, { due: day("2026-02-27"), note: "late" }, now);
    const closing: AgendaSectionBuilder = {
      key: "extra",
      title: "Something new",
      tone: "warning",
      priority: 42,
      build: () => [{ kind: "deal", id: 7, contactId: ada, contactName: "Ada", text: "Website", date: "2026-03-05", detail: "closes in 3 days", urgency: -3 }],
    };
    const agenda = buildAgenda(s, now, [...agendaSections, closing]);
    expect(agenda.sections.map((x) => x.key)).toEqual([
      "overdue",
      "issues",
      "awaiting-reply",
      "today",
      "deals-closing",
      "extra",
      "deals-stale",
      "keep-in-touch",
      "at-risk",
    ]);
    expect(agenda.sections[0]!.items.map((i) => i.text)).toEqual(["late"]);
    expect(agenda.sections[5]!.items[0]).toMatchObject({ kind: "deal", id: 7 });
  });
});

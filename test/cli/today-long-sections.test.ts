// `crm today` on a screen reads only the first items of each section and counts the rest: what it
// shows must be exactly the first items of the full agenda (`--format json`), in the same order, with
// the same counts — ties on the same day included.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/db/open.js";
import { addContact } from "../../src/core/contacts/contacts.js";
import { logInteraction } from "../../src/core/contacts/interactions.js";
import { addFollowup } from "../../src/core/followups/followups.js";
import { addDeal } from "../../src/core/deals/deals.js";
import { freshDbDir, run, runJson } from "../helpers.js";

const NOW = new Date("2026-03-02T09:00:00Z");
const ENV = { CRM_NOW: "2026-03-02T09:00:00", TZ: "UTC" };
const daysAgo = (n: number, hour = 9) => new Date(Date.UTC(2026, 2, 2 - n, hour));
const dayAgo = (n: number) => daysAgo(n).toISOString().slice(0, 10);

/** Twelve or more items in every section but the at-risk one, with several on the same day. */
function seed(dir: string): void {
  const s = openStore(path.join(dir, "crm.db"));
  const people = Array.from({ length: 14 }, (_, i) =>
    addContact(s, { name: `Person ${String.fromCharCode(65 + i)}`, cadence: i % 2 ? "2w" : "30d" }, daysAgo(200 - (i % 3))),
  );
  people.forEach((id, i) => {
    // Overdue: days (some on the same day) and times; due later today: times and today's date.
    addFollowup(s, id, { due: { date: new Date(`${dayAgo(1 + (i % 4))}T00:00:00Z`), hasTime: false }, note: `day ${i}` }, daysAgo(30));
    addFollowup(s, id, { due: { date: daysAgo(2 + (i % 3), 7 + i), hasTime: true }, note: `time ${i}` }, daysAgo(30));
    addFollowup(s, id, { due: { date: new Date(NOW.getTime() + (i + 1) * 60_000 * 30), hasTime: true }, note: `later ${i}` }, daysAgo(30));
    if (i % 2) addFollowup(s, id, { due: { date: new Date(`${dayAgo(0)}T00:00:00Z`), hasTime: false }, note: `today ${i}` }, daysAgo(30));
    // Open issues (from people without deals or a cadence), several opened on the same day; the last
    // calls, weeks ago, leave the cadence due and the deals idle.
    const reporter = addContact(s, { name: `Reporter ${i}` }, daysAgo(300));
    logInteraction(s, { contactId: reporter, summary: `issue ${i}`, type: "issue", at: daysAgo(3 + (i % 5), 8 + (i % 4)) }, NOW);
    logInteraction(s, { contactId: id, summary: `call ${i}`, type: "call", at: daysAgo(40 + (i % 5), 10 + i) }, NOW);
    // Deals: closing soon on shared dates, and idle for weeks (several since the same day).
    for (const [k, closeIn] of [
      [0, i % 3],
      [1, 30],
    ] as const)
      addDeal(
        s,
        {
          contactId: id,
          title: `deal ${i}.${k}`,
          currency: "EUR",
          amountMinor: 1000 * (i + 1),
          stage: "lead",
          closeOn: new Date(Date.UTC(2026, 2, 2 + closeIn)).toISOString().slice(0, 10),
          at: daysAgo(60),
        },
        daysAgo(60),
      );
  });
  s.sqlite.close();
}

describe("crm today on a screen", () => {
  it("shows the first eight items of each long section exactly as the full agenda orders them, and counts the rest", async () => {
    const dir = freshDbDir();
    seed(dir);
    const full = await runJson(dir, ["today", "--format", "json"], { env: ENV });
    const screen = (await run(dir, ["today"], { env: ENV })).stdout;
    const long = full.sections.filter((s: { count: number }) => s.count > 8);
    expect(long.map((s: { key: string }) => s.key)).toEqual(["overdue", "issues", "today", "deals-closing", "deals-stale", "keep-in-touch"]);
    for (const section of full.sections) {
      expect(section.count, section.key).toBe(section.items.length);
      if (!section.count) continue;
      const at = screen.indexOf(`\n${section.title} (${section.count})\n`);
      expect(at, section.title).toBeGreaterThan(-1);
      const lines = screen
        .slice(at)
        .split("\n")
        .slice(2, 2 + Math.min(8, section.count));
      const shown = lines.map((l) => Number(/#(\d+)/.exec(l)?.[1]));
      const expected = section.items.slice(0, 8).map((i: { id: number | null; contactId: number }) => i.id ?? i.contactId);
      expect(shown, section.key).toEqual(expected);
      section.items.slice(0, 8).forEach((item: { detail: string }, k: number) => expect(lines[k]).toContain(item.detail));
      if (section.count > 8) expect(screen.slice(at).split("\n")[10]).toContain(`… and ${section.count - 8} more`);
    }
  });
});

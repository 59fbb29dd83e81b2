// When a recurring follow-up is next due, and how due dates read for people: pure functions of the
// stored due value and "now".
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeDue, isDueBy, isOverdue, nextDue } from "../../src/core/followups/followups.js";
import { addInterval, localDate, type Interval } from "../../src/io/dates.js";

const monday9 = new Date(2026, 2, 2, 9, 0);
const weekly: Interval = { count: 1, unit: "week" };

describe("nextDue", () => {
  it("steps a weekly follow-up completed late from its due date to the first weekly date after today", () => {
    // Due Monday 9 February, done three weeks late on Monday 2 March: 16th, 23rd and 2nd (today) are not after now.
    expect(nextDue("2026-02-09", weekly, monday9)).toBe("2026-03-09");
    expect(nextDue("2026-02-10", weekly, monday9)).toBe("2026-03-03");
  });

  it("schedules one completed early one interval after its due date, not after today", () => {
    expect(nextDue("2026-03-05", weekly, monday9)).toBe("2026-03-12");
  });

  it("keeps the time of day of a timed follow-up and steps to the first occurrence after now", () => {
    const due = new Date(2026, 1, 23, 8, 0).toISOString(); // Monday 23 Feb 08:00
    expect(nextDue(due, weekly, monday9)).toBe(new Date(2026, 2, 9, 8, 0).toISOString());
    const later = new Date(2026, 1, 23, 10, 0).toISOString(); // 10:00 today is still ahead at 09:00
    expect(nextDue(later, weekly, monday9)).toBe(new Date(2026, 2, 2, 10, 0).toISOString());
  });

  it("counts monthly steps from the original date, so month ends do not drift", () => {
    expect(nextDue("2026-01-31", { count: 1, unit: "month" }, new Date(2026, 2, 1, 9))).toBe("2026-03-31");
  });

  it("steps from the series' first date, so a short month does not pull later ones to its last day", () => {
    const monthly: Interval = { count: 1, unit: "month" };
    expect(nextDue("2026-01-31", monthly, new Date(2026, 3, 1, 9))).toBe("2026-04-30");
    expect(nextDue("2026-01-31", monthly, new Date(2026, 4, 1, 9))).toBe("2026-05-31");
    expect(nextDue("2024-02-29", { count: 1, unit: "year" }, new Date(2027, 2, 1))).toBe("2028-02-29");
  });

  it("ends a series that would leave the year 9999, without stepping through the years after it", () => {
    expect(nextDue("9999-12-31", { count: 1, unit: "day" }, new Date(9999, 11, 31, 12))).toBeUndefined();
    expect(nextDue("1000-01-01", { count: 1, unit: "day" }, new Date(9999, 11, 31, 12))).toBeUndefined();
    expect(nextDue("1000-01-01", { count: 1, unit: "day" }, new Date(9999, 11, 30, 12))).toBe("9999-12-31");
  });

  it("ends a timed series whose next instant would be in the year 10000 in UTC, whatever the local year", () => {
    const saved = process.env.TZ;
    process.env.TZ = "America/Los_Angeles";
    try {
      const due = new Date(9999, 11, 30, 20, 0).toISOString(); // 30 December 9999 20:00 local = 31 December 04:00 UTC
      expect(nextDue(due, { count: 1, unit: "day" }, new Date(9999, 11, 30, 21))).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("is always after today, within one interval of it, and a whole number of intervals from the due date", () => {
    const units = ["day", "week", "month", "year"] as const;
    fc.assert(
      fc.property(fc.integer({ min: -800, max: 60 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom(...units), (offset, count, unit) => {
        const due = localDate(addInterval(new Date(2026, 2, 2), { count: Math.abs(offset), unit: "day" }, offset < 0 ? -1 : 1));
        const every = { count, unit };
        const next = nextDue(due, every, monday9)!;
        expect(next > localDate(monday9)).toBe(true);
        const k = Array.from({ length: 2000 }, (_, i) => i + 1).find(
          (i) => localDate(addInterval(new Date(due + "T00:00"), { count: count * i, unit })) === next,
        );
        expect(k).toBeDefined();
        if (k! > 1) expect(localDate(addInterval(new Date(due + "T00:00"), { count: count * (k! - 1), unit })) <= localDate(monday9)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("due dates for people", () => {
  it.each([
    ["2026-02-27", "3 days overdue"],
    ["2026-03-01", "1 day overdue"],
    ["2026-03-02", "due today"],
    ["2026-03-03", "due tomorrow"],
    ["2026-03-06", "due in 4 days"],
  ])("%s reads %j", (due, text) => {
    expect(describeDue(due, monday9)).toBe(text);
  });

  it("gives hours for a time earlier today and the time for later", () => {
    expect(describeDue(new Date(2026, 2, 2, 6, 30).toISOString(), monday9)).toBe("2 hours overdue");
    expect(describeDue(new Date(2026, 2, 2, 14, 0).toISOString(), monday9)).toBe("due today at 14:00");
  });

  it("a day is overdue once it is over and due from its start; a time from that time", () => {
    expect(isOverdue("2026-03-01", monday9)).toBe(true);
    expect(isOverdue("2026-03-02", monday9)).toBe(false);
    expect(isDueBy("2026-03-02", monday9)).toBe(true);
    expect(isDueBy("2026-03-03", monday9)).toBe(false);
    expect(isOverdue(new Date(2026, 2, 2, 8, 59).toISOString(), monday9)).toBe(true);
    expect(isDueBy(new Date(2026, 2, 2, 9, 1).toISOString(), monday9)).toBe(false);
  });
});

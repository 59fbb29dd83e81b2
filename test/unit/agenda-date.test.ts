// The agenda's title date is written by hand (no ICU start-up): it must read exactly as the en-GB long date.
import { describe, expect, it } from "vitest";
import { agendaDate } from "../../src/cli/commands/today/run.js";

describe("agenda title date", () => {
  it("reads as toLocaleDateString en-GB (weekday, day, month, year) on every day of two years", () => {
    const options = { weekday: "long", day: "numeric", month: "long", year: "numeric" } as const;
    for (let i = 0; i < 731; i++) {
      const d = new Date(2025, 0, 1 + i, 9);
      expect(agendaDate(d)).toBe(d.toLocaleDateString("en-GB", options));
    }
    expect(agendaDate(new Date(2026, 0, 2, 23, 59))).toBe("Friday, 2 January 2026");
  });
});

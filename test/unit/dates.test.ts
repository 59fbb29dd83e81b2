// parseWhen: natural-language and ISO dates as users type them, resolved against a given "now" in the
// local time zone. "now" is built from local parts so the tests hold in any TZ.
import { describe, expect, it } from "vitest";
import { parseWhen, localDate, localDateTime } from "../../src/io/dates.js";
import { CrmError } from "../../src/errors.js";

const monday9 = new Date(2026, 2, 2, 9, 0); // Monday 2 March 2026, 09:00 local

async function day(input: string, now = monday9): Promise<string> {
  const when = await parseWhen(input, now, "--due date");
  expect(when.hasTime).toBe(false);
  return localDate(when.date);
}

describe("parseWhen on Monday 2026-03-02 09:00", () => {
  it.each([
    ["friday", "2026-03-06"],
    ["in 2 weeks", "2026-03-16"],
    ["next monday", "2026-03-09"],
    ["+2w", "2026-03-16"],
    ["tomorrow", "2026-03-03"],
    ["today", "2026-03-02"],
    ["in 3 days", "2026-03-05"],
    ["2026-03-20", "2026-03-20"],
    ["+1m", "2026-04-02"],
    ["-3d", "2026-02-27"],
  ])("reads %j as the day %s", async (input, expected) => {
    expect(await day(input)).toBe(expected);
  });

  it("reads a date with a time of day as an instant", async () => {
    const when = await parseWhen("2026-12-01 14:00", monday9, "--due date");
    expect(when.hasTime).toBe(true);
    expect(localDateTime(when.date)).toBe("2026-12-01 14:00");
    expect(when.date.getTime()).toBe(new Date(2026, 11, 1, 14, 0).getTime());
  });

  it("reads natural language with a time as an instant", async () => {
    const when = await parseWhen("friday 15:30", monday9, "--due date");
    expect(when.hasTime).toBe(true);
    expect(localDateTime(when.date)).toBe("2026-03-06 15:30");
  });

  it("rejects text that is not a date with a usage error naming the value and giving examples", async () => {
    const err = await parseWhen("someday-maybe", monday9, "--due date").catch((e) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('"someday-maybe"');
    expect(err.message).toContain("--due date");
    expect(err.hint).toMatch(/tomorrow/);
  });

  it.each(["", "   ", "2026-02-30", "friday maybe", "+0d", "+2x"])("rejects %j", async (input) => {
    await expect(parseWhen(input, monday9, "--due date")).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe("weekday names", () => {
  it("mean the next such day after today, whatever the time of day", async () => {
    const fridayMorning = new Date(2026, 2, 6, 8, 0);
    const fridayEvening = new Date(2026, 2, 6, 18, 0);
    expect(await day("friday", fridayMorning)).toBe("2026-03-13");
    expect(await day("friday", fridayEvening)).toBe("2026-03-13");
    expect(await day("monday")).toBe("2026-03-09");
    expect(await day("sunday")).toBe("2026-03-08");
  });

  it("read words pointing back as the past", async () => {
    expect(await day("last friday")).toBe("2026-02-27");
    expect(await day("2 days ago")).toBe("2026-02-28");
    expect(await day("yesterday")).toBe("2026-03-01");
  });
});

describe("named ends of periods", () => {
  it("eod, eow (Sunday), eom and eoy are calendar days", async () => {
    expect(await day("eod")).toBe("2026-03-02");
    expect(await day("eow")).toBe("2026-03-08");
    expect(await day("eom")).toBe("2026-03-31");
    expect(await day("eoy")).toBe("2026-12-31");
    expect(await day("eow", new Date(2026, 2, 8, 12))).toBe("2026-03-08");
  });
});

// LocalDays turns instants into local calendar days with one zone look-up per UTC day: it must give
// exactly the local date JavaScript gives, in zones with daylight saving (whole and half hours) and
// transitions around midnight.
import { afterAll, describe, expect, it } from "vitest";
import { dayNumber } from "../../src/analytics/period.js";
import { LocalDays, localDate } from "../../src/io/dates.js";

const savedTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = savedTz;
});

describe("LocalDays", () => {
  it.each(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Beirut", "Pacific/Chatham", "UTC"])(
    "agrees with localDate for every 7 minutes of 2023–2025 in %s",
    (zone) => {
      process.env.TZ = zone;
      const local = new LocalDays();
      const start = Date.UTC(2023, 0, 1) / 1000;
      const end = Date.UTC(2026, 0, 1) / 1000;
      let mismatches = 0;
      for (let s = start; s < end; s += 7 * 60 + 13) {
        const day = local.of(s);
        const expected = localDate(new Date(s * 1000));
        if (day !== dayNumber(expected) || local.date(day) !== expected) mismatches++;
      }
      expect(mismatches).toBe(0);
    },
  );
});

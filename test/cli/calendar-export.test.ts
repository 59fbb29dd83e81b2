// The follow-ups calendar over time: a follow-up done or deleted after a calendar imported the file is
// exported as cancelled with a higher SEQUENCE (so the calendar drops it), and --alarm adds a reminder.
// Read back by two independent parsers: ical.js, and Python's icalendar where it is installed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runOk } from "../helpers.js";

/** A Python with icalendar (Debian's python3-icalendar is in /usr/bin's Python, which another may shadow). */
const python = ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import icalendar"]).status === 0);

/** UID → [STATUS, SEQUENCE] of every event in the calendar text. */
function statuses(text: string): Record<string, [string, number]> {
  const cal = new ICAL.Component(ICAL.parse(text));
  return Object.fromEntries(
    cal
      .getAllSubcomponents("vevent")
      .map((v) => [String(v.getFirstPropertyValue("uid")), [String(v.getFirstPropertyValue("status")), Number(v.getFirstPropertyValue("sequence"))]]),
  );
}

async function twoFollowups() {
  const dir = freshDbDir();
  const env = { CRM_NOW: "2026-03-02T09:00" };
  await runOk(dir, ["add", "Ada Lovelace"], { env });
  await runOk(dir, ["followup", "add", "ada", "--due", "2026-03-10", "--note", "Send the quote"], { env });
  await runOk(dir, ["followup", "add", "ada", "--due", "2026-03-11T15:00", "--note", "Call"], { env });
  await runOk(dir, ["followup", "add", "ada", "--due", "2026-03-12", "--note", "Stays open"], { env });
  return dir;
}

describe("crm export followups --format ics over time", () => {
  it("a follow-up done or deleted since is exported as cancelled with a higher SEQUENCE", async () => {
    const dir = await twoFollowups();
    const before = statuses(await runOk(dir, ["export", "followups", "--format", "ics"], { env: { CRM_NOW: "2026-03-02T10:00" } }));
    expect(Object.values(before).map(([status]) => status)).toEqual(["CONFIRMED", "CONFIRMED", "CONFIRMED"]);

    await runOk(dir, ["followup", "done", "1"], { env: { CRM_NOW: "2026-03-03T09:00" } });
    await runOk(dir, ["followup", "rm", "2"], { env: { CRM_NOW: "2026-03-03T09:05" } });
    const after = statuses(await runOk(dir, ["export", "followups", "--format", "ics"], { env: { CRM_NOW: "2026-03-03T10:00" } }));
    expect(after["followup-1@crm.local"]![0]).toBe("CANCELLED");
    expect(after["followup-2@crm.local"]![0]).toBe("CANCELLED");
    expect(after["followup-3@crm.local"]).toEqual(before["followup-3@crm.local"]);
    expect(after["followup-1@crm.local"]![1]).toBeGreaterThan(before["followup-1@crm.local"]![1]);
    expect(after["followup-2@crm.local"]![1]).toBeGreaterThan(before["followup-2@crm.local"]![1]);
  });

  it("--alarm 15m adds a display alarm 15 minutes before each open follow-up", async () => {
    const dir = await twoFollowups();
    await runOk(dir, ["followup", "done", "1"], { env: { CRM_NOW: "2026-03-03T09:00" } });
    const text = await runOk(dir, ["export", "followups", "--format", "ics", "--alarm", "15m"]);
    const cal = new ICAL.Component(ICAL.parse(text));
    for (const event of cal.getAllSubcomponents("vevent")) {
      const alarms = event.getAllSubcomponents("valarm");
      if (event.getFirstPropertyValue("status") === "CANCELLED") expect(alarms).toHaveLength(0);
      else {
        expect(alarms).toHaveLength(1);
        expect(alarms[0]!.getFirstPropertyValue("action")).toBe("DISPLAY");
        expect(String(alarms[0]!.getFirstPropertyValue("trigger"))).toBe("-PT15M");
      }
    }
  });

  it("a bad --alarm, or --alarm on another format, is exit 2", async () => {
    const dir = await twoFollowups();
    const bad = await run(dir, ["export", "followups", "--format", "ics", "--alarm", "soon"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--alarm "soon".*15m/);
    expect((await run(dir, ["export", "followups", "--format", "csv", "--alarm", "15m"])).code).toBe(2);
  });

  it.skipIf(!python)("Python's icalendar reads the file, cancellations and alarms included", async () => {
    const dir = await twoFollowups();
    await runOk(dir, ["followup", "done", "1"], { env: { CRM_NOW: "2026-03-03T09:00" } });
    await runOk(dir, ["followup", "rm", "2"], { env: { CRM_NOW: "2026-03-03T09:05" } });
    const file = path.join(dir, "followups.ics");
    await runOk(dir, ["export", "followups", "-o", file, "--alarm", "1h"]);
    expect(fs.existsSync(file)).toBe(true);
    const script = `
import icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
print(json.dumps([[str(e["UID"]), str(e["STATUS"]), int(e["SEQUENCE"]), len(e.walk("VALARM"))] for e in cal.walk("VEVENT")]))`;
    const r = spawnSync(python!, ["-c", script, file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const events = JSON.parse(r.stdout) as [string, string, number, number][];
    expect(events.map(([uid, status, , alarms]) => [uid, status, alarms])).toEqual([
      ["followup-1@crm.local", "CANCELLED", 0],
      ["followup-2@crm.local", "CANCELLED", 0],
      ["followup-3@crm.local", "CONFIRMED", 1],
    ]);
  });
});

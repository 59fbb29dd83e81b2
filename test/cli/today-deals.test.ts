// `crm today` shows deals closing within 7 days and deals with no activity for 14 days.
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runJson } from "../helpers.js";

const NOW = { CRM_NOW: "2026-03-02T09:00" };

describe("crm today and deals", () => {
  it("lists a deal closing in 3 days and a deal idle for a month, and not a quiet recent one", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"], { env: NOW });
    await run(dir, ["add", "Alan Turing"], { env: NOW });
    expect((await run(dir, ["deal", "add", "ada", "Website", "--amount", "1000", "--close", "in 3 days"], { env: NOW })).code).toBe(0);
    expect((await run(dir, ["deal", "add", "alan", "Audit", "--amount", "500", "--at", "2026-01-30", "--close", "2026-06-01"], { env: NOW })).code).toBe(0);
    expect((await run(dir, ["deal", "add", "alan", "Training", "--amount", "300", "--close", "2026-07-01"], { env: NOW })).code).toBe(0);
    const today = await runJson(dir, ["today"], { env: NOW });
    const section = (key: string) => today.sections.find((s: any) => s.key === key);
    expect(section("deals-closing").items.map((i: any) => i.text)).toEqual([expect.stringContaining("Website")]);
    expect(section("deals-closing").items[0].detail).toBe("closes in 3 days");
    expect(section("deals-stale").items.map((i: any) => i.text)).toEqual([expect.stringContaining("Audit")]);
    expect(section("at-risk").items).toEqual([]);
    const plain = (await run(dir, ["today"], { env: NOW })).stdout;
    expect(plain).toContain("Deals closing within 7 days");
    expect(plain).toContain("Website");
  });

  it("prints the agenda as CSV: one row per item with its section, the JSON fields but extra", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"], { env: NOW });
    await run(dir, ["deal", "add", "ada", "Website", "--amount", "1000", "--close", "in 3 days"], { env: NOW });
    const r = await run(dir, ["today", "--format", "csv"], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split("\n");
    expect(header).toBe("section,kind,id,contactId,contactName,text,date,detail,urgency");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^deals-closing,deal,1,1,Ada Lovelace,.*Website.*,closes in 3 days,/);
  });
});

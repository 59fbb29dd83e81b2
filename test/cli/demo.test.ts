// `crm demo`, in-process: a populated demo database beside the real one, never over a real database.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runJson, runOk, sha256, tempDir } from "../helpers.js";

describe("crm demo", () => {
  it("creates demo.db beside the real database, prints a populated view and how to explore it", async () => {
    const dir = tempDir();
    const env = { CRM_DB: undefined, XDG_DATA_HOME: path.join(dir, "data") };
    const r = await run(dir, ["demo"], { env });
    expect(r.code, r.stderr).toBe(0);
    const demo = path.join(dir, "data", "crm", "demo.db");
    expect(fs.existsSync(demo)).toBe(true);
    expect(fs.existsSync(path.join(dir, "data", "crm", "crm.db"))).toBe(false);
    expect(r.stdout).toContain(demo);
    expect(r.stdout).toMatch(/\d{3} contacts/);
    expect(r.stdout).toContain("crm today");
    const contacts = await runJson(demo, ["contact", "list"]);
    expect(contacts.length).toBeGreaterThanOrEqual(200);
    // Deterministic: a second run gives the same people.
    expect((await run(dir, ["demo"], { env })).code).toBe(0);
    expect((await runJson(demo, ["contact", "list"])).map((c: any) => c.email)).toEqual(contacts.map((c: any) => c.email));
  });

  it("refuses to write over a database that is not a demo", async () => {
    const dir = freshDbDir();
    const real = path.join(dir, "crm.db");
    await runOk(real, ["add", "Ada"]);
    const before = sha256(real);
    const r = await run(dir, ["--db", real, "demo"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing");
    expect(sha256(real)).toBe(before);
  });
});

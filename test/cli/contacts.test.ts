// The user-facing contract of contacts and interactions, through the built binary.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { crm, crmJson, tempDir, sha256 } from "../helpers.js";

describe("crm add", () => {
  it("prints the new id, stores the email lower-cased, and exits 0", () => {
    const dir = tempDir();
    const r = crm(dir, ["add", "Ada Lovelace", "--email", "ADA@Example.com", "--tag", "client"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1\n");
    const list = crmJson(dir, ["contact", "list"]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 1, name: "Ada Lovelace", email: "ada@example.com", tags: ["client"] });
  });

  it("refuses the same email again with exit 4 unless --allow-duplicate", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const again = crm(dir, ["add", "Ada L.", "--email", "ADA@example.com"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(crm(dir, ["add", "Ada L.", "--email", "ada@example.com", "--allow-duplicate"]).code).toBe(0);
  });

  it("rejects an invalid email with exit 2 and leaves the database unchanged", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const r = crm(dir, ["add", "Bob", "--email", "not-an-email"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"not-an-email"');
    expect(r.stdout).toBe("");
    expect(sha256(db)).toBe(before);
  });

  it("without a name and without a terminal exits 2 naming --name", () => {
    const dir = tempDir();
    const r = crm(dir, ["add", "--email", "x@example.com"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--name");
    expect(fs.existsSync(path.join(dir, "crm.db")) ? crmJson(dir, ["contact", "list"]) : []).toEqual([]);
  });

  it("accepts --name, fields, cadence and validates the cadence", () => {
    const dir = tempDir();
    expect(crm(dir, ["add", "--name", "Grace Hopper", "--field", "birthday=1906-12-09", "--cadence", "30 days"]).code).toBe(0);
    const [grace] = crmJson(dir, ["contact", "list"]);
    expect(grace.fields).toEqual({ birthday: "1906-12-09" });
    expect(grace.cadence).toBe("30d");
    const bad = crm(dir, ["add", "X", "--cadence", "sometimes"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"sometimes"');
  });
});

describe("references", () => {
  it("resolve by id, exact email and unique name fragment; ambiguity exits 4 listing candidates", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    crm(dir, ["add", "Ada Byron"]);
    crm(dir, ["add", "Alan Turing"]);
    expect(crmJson(dir, ["contact", "show", "1"]).contact.name).toBe("Ada Lovelace");
    expect(crmJson(dir, ["contact", "show", "ada@example.com"]).contact.name).toBe("Ada Lovelace");
    expect(crmJson(dir, ["contact", "show", "turing"]).contact.name).toBe("Alan Turing");
    const amb = crm(dir, ["contact", "show", "ada"]);
    expect(amb.code).toBe(4);
    expect(amb.stderr).toContain("#1 Ada Lovelace");
    expect(amb.stderr).toContain("#2 Ada Byron");
    expect(crm(dir, ["contact", "show", "nobody"]).code).toBe(3);
    expect(crm(dir, ["contact", "show", "99"]).code).toBe(3);
  });
});

describe("contact edit, tags, rm and merge", () => {
  it("edits details and tags", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--tag", "prospect"]);
    expect(crm(dir, ["contact", "edit", "ada", "--phone", "+44 1", "--tag", "client", "--untag", "prospect"]).code).toBe(0);
    const [ada] = crmJson(dir, ["contact", "list"]);
    expect(ada.phone).toBe("+44 1");
    expect(ada.tags).toEqual(["client"]);
    expect(crm(dir, ["contact", "edit", "ada"]).code).toBe(2);
  });

  it("tag, untag and tags with counts", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    crm(dir, ["add", "Alan"]);
    crm(dir, ["tag", "ada", "vip", "client"]);
    crm(dir, ["tag", "alan", "client"]);
    expect(crmJson(dir, ["tags"])).toEqual([
      { tag: "client", contacts: 2 },
      { tag: "vip", contacts: 1 },
    ]);
    crm(dir, ["untag", "ada", "VIP"]);
    expect(crmJson(dir, ["tags"])).toEqual([{ tag: "client", contacts: 2 }]);
    expect(crmJson(dir, ["contact", "list", "--tag", "CLIENT"]).map((c: any) => c.name)).toEqual(["Ada", "Alan"]);
  });

  it("rm needs --yes without a terminal, and then removes the contact and their interactions", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    crm(dir, ["log", "ada", "hello"]);
    const refused = crm(dir, ["contact", "rm", "ada"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect(crm(dir, ["contact", "rm", "ada", "--yes"]).code).toBe(0);
    expect(crmJson(dir, ["contact", "list"])).toEqual([]);
    expect(crmJson(dir, ["log", "list"])).toEqual([]);
  });

  it("merge moves interactions, tags and fields to the kept contact and removes the other", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "client"]);
    crm(dir, ["add", "A. Lovelace", "--phone", "+44 2", "--tag", "vip", "--field", "city=London"]);
    crm(dir, ["log", "2", "Met at the fair", "--type", "meeting"]);
    expect(crm(dir, ["contact", "merge", "1", "2", "--yes"]).code).toBe(0);
    const list = crmJson(dir, ["contact", "list"]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 1, phone: "+44 2", tags: ["client", "vip"], fields: { city: "London" } });
    const log = crmJson(dir, ["log", "list", "1"]);
    expect(log.map((i: any) => i.summary)).toEqual(["Met at the fair"]);
  });
});

describe("log and find", () => {
  it("logs an interaction that crm find then shows", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada Lovelace"]);
    expect(crm(dir, ["log", "ada", "Called about the Q3 proposal", "--type", "call"]).code).toBe(0);
    const hits = crmJson(dir, ["find", "proposal"]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: "interaction", contactName: "Ada Lovelace" });
    expect(hits[0].snippet).toContain("proposal");
    const plain = crm(dir, ["find", "propos"]);
    expect(plain.stdout).toContain("Q3");
  });

  it("finds contacts by company and note, and reports an unknown --type with exit 2", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada", "--company", "Analytical Engines", "--note", "likes poetry"]);
    expect(crmJson(dir, ["find", "engines"])[0]).toMatchObject({ kind: "contact", id: 1 });
    expect(crmJson(dir, ["find", "poetry"])[0]).toMatchObject({ kind: "contact", id: 1 });
    expect(crm(dir, ["log", "ada", "x", "--type", "fax"]).code).toBe(2);
  });

  it("stores --at from natural language relative to CRM_NOW", () => {
    const dir = tempDir();
    crm(dir, ["add", "Ada"]);
    crm(dir, ["log", "ada", "Lunch", "--at", "yesterday"], { env: { CRM_NOW: "2026-03-02T09:00" } });
    const [i] = crmJson(dir, ["log", "list"], { env: { CRM_NOW: "2026-03-02T09:00" } });
    expect(i.at.slice(0, 10)).toBe("2026-03-01");
    expect(crm(dir, ["log", "ada", "x", "--at", "someday-maybe"]).code).toBe(2);
  });
});

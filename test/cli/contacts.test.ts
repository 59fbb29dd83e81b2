// The user-facing contract of contacts and interactions, run in-process through main(argv, io).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runJson, sha256 } from "../helpers.js";

describe("crm add", () => {
  it("prints the new id, stores the email lower-cased, and exits 0", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["add", "Ada Lovelace", "--email", "ADA@Example.com", "--tag", "client"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1\n");
    const list = await runJson(dir, ["contact", "list"]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 1, name: "Ada Lovelace", email: "ada@example.com", tags: ["client"] });
  });

  it("refuses the same email again with exit 4 unless --allow-duplicate", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const again = await run(dir, ["add", "Ada L.", "--email", "ADA@example.com"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect((await run(dir, ["add", "Ada L.", "--email", "ada@example.com", "--allow-duplicate"])).code).toBe(0);
  });

  it("rejects an invalid email with exit 2 and leaves the database unchanged", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const r = await run(dir, ["add", "Bob", "--email", "not-an-email"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"not-an-email"');
    expect(r.stdout).toBe("");
    expect(sha256(db)).toBe(before);
  });

  it("without a name and without a terminal exits 2 naming --name", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["add", "--email", "x@example.com"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--name");
    expect(await runJson(dir, ["contact", "list"])).toEqual([]);
  });

  it("accepts --name, fields and a cadence", async () => {
    const dir = freshDbDir();
    expect((await run(dir, ["add", "--name", "Grace Hopper", "--field", "birthday=1906-12-09", "--cadence", "30 days"])).code).toBe(0);
    const [grace] = await runJson(dir, ["contact", "list"]);
    expect(grace.fields).toEqual({ birthday: "1906-12-09" });
    expect(grace.cadence).toBe("30d");
  });

  it("refuses an unreadable cadence with exit 2, naming it", async () => {
    const dir = freshDbDir();
    const bad = await run(dir, ["add", "X", "--cadence", "sometimes"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"sometimes"');
  });
});

describe("references", () => {
  it("resolve by id, exact email and unique name fragment; ambiguity exits 4 listing candidates", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    await run(dir, ["add", "Ada Byron"]);
    await run(dir, ["add", "Alan Turing"]);
    expect((await runJson(dir, ["contact", "show", "1"])).contact.name).toBe("Ada Lovelace");
    expect((await runJson(dir, ["contact", "show", "ada@example.com"])).contact.name).toBe("Ada Lovelace");
    expect((await runJson(dir, ["contact", "show", "turing"])).contact.name).toBe("Alan Turing");
    const amb = await run(dir, ["contact", "show", "ada"]);
    expect(amb.code).toBe(4);
    expect(amb.stderr).toContain("#1 Ada Lovelace");
    expect(amb.stderr).toContain("#2 Ada Byron");
    expect((await run(dir, ["contact", "show", "nobody"])).code).toBe(3);
    expect((await run(dir, ["contact", "show", "99"])).code).toBe(3);
  });
});

describe("contact edit, tags, rm and merge", () => {
  it("edit changes details and tags", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--tag", "prospect"]);
    expect((await run(dir, ["contact", "edit", "ada", "--phone", "+44 1", "--tag", "client", "--untag", "prospect"])).code).toBe(0);
    const [ada] = await runJson(dir, ["contact", "list"]);
    expect(ada.phone).toBe("+44 1");
    expect(ada.tags).toEqual(["client"]);
  });

  it("edit without a change to make exits 2", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--tag", "prospect"]);
    expect((await run(dir, ["contact", "edit", "ada"])).code).toBe(2);
  });

  it("tag, untag and tags with counts", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    await run(dir, ["add", "Alan"]);
    await run(dir, ["tag", "ada", "vip", "client"]);
    await run(dir, ["tag", "alan", "client"]);
    expect(await runJson(dir, ["tags"])).toEqual([
      { tag: "client", contacts: 2 },
      { tag: "vip", contacts: 1 },
    ]);
    await run(dir, ["untag", "ada", "VIP"]);
    expect(await runJson(dir, ["tags"])).toEqual([{ tag: "client", contacts: 2 }]);
    expect((await runJson(dir, ["contact", "list", "--tag", "CLIENT"])).map((c: any) => c.name)).toEqual(["Ada", "Alan"]);
  });

  it("rm needs --yes without a terminal, and then removes the contact and their interactions", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    await run(dir, ["log", "ada", "hello"]);
    const refused = await run(dir, ["contact", "rm", "ada"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await run(dir, ["contact", "rm", "ada", "--yes"])).code).toBe(0);
    expect(await runJson(dir, ["contact", "list"])).toEqual([]);
    expect(await runJson(dir, ["log", "list"])).toEqual([]);
  });

  it("merge moves interactions, tags and fields to the kept contact and removes the other", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "client"]);
    await run(dir, ["add", "A. Lovelace", "--phone", "+44 2", "--tag", "vip", "--field", "city=London"]);
    await run(dir, ["log", "2", "Met at the fair", "--type", "meeting"]);
    expect((await run(dir, ["contact", "merge", "1", "2", "--yes"])).code).toBe(0);
    const list = await runJson(dir, ["contact", "list"]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 1, phone: "+44 2", tags: ["client", "vip"], fields: { city: "London" } });
    const log = await runJson(dir, ["log", "list", "1"]);
    expect(log.map((i: any) => i.summary)).toEqual(["Met at the fair"]);
  });
});

describe("names without accents and case", () => {
  async function people(): Promise<string> {
    const dir = freshDbDir();
    for (const [name, company] of [
      ["Chloé Dupont", "Société Générale"],
      ["ÉMILE ZOLA", "Librairie"],
      ["Zoë Ñúñez", "Café Olé"],
    ])
      expect((await run(dir, ["add", name, "--company", company])).code).toBe(0);
    return dir;
  }

  it("match as references: chloe finds Chloé, émile and emile find ÉMILE", async () => {
    const dir = await people();
    for (const [ref, name] of [
      ["chloe", "Chloé Dupont"],
      ["CHLOE DUPONT", "Chloé Dupont"],
      ["émile", "ÉMILE ZOLA"],
      ["emile zola", "ÉMILE ZOLA"],
      ["nunez", "Zoë Ñúñez"],
      ["zoe", "Zoë Ñúñez"],
    ])
      expect((await runJson(dir, ["contact", "show", ref])).contact.name, ref).toBe(name);
  });

  it("an unaccented name that fits two people is ambiguous, not the first one", async () => {
    const dir = await people();
    await run(dir, ["add", "Chloe Martin"]);
    const r = await run(dir, ["contact", "show", "chloe"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("#1 Chloé Dupont");
    expect(r.stderr).toContain("#4 Chloe Martin");
  });

  it("match in contact list --search, by name and company", async () => {
    const dir = await people();
    const names = async (q: string) => (await runJson(dir, ["contact", "list", "--search", q])).map((c: { name: string }) => c.name);
    expect(await names("chloe")).toEqual(["Chloé Dupont"]);
    expect(await names("societe")).toEqual(["Chloé Dupont"]);
    expect(await names("CAFE OLE")).toEqual(["Zoë Ñúñez"]);
    expect(await names("émile")).toEqual(["ÉMILE ZOLA"]);
  });

  it("match in crm find", async () => {
    const dir = await people();
    expect((await runJson(dir, ["find", "chloe"]))[0]).toMatchObject({ kind: "contact", id: 1 });
    expect((await runJson(dir, ["find", "GENERALE"]))[0]).toMatchObject({ kind: "contact", id: 1 });
    expect((await runJson(dir, ["find", "nunez"]))[0]).toMatchObject({ kind: "contact", id: 3 });
  });
});

describe("#12 as a reference", () => {
  it("works wherever a contact is referred to", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"]);
    await run(dir, ["add", "Grace Hopper"]);
    expect((await runJson(dir, ["contact", "show", "#2"])).contact.name).toBe("Grace Hopper");
    expect((await run(dir, ["log", "#2", "Called"])).code).toBe(0);
    expect((await run(dir, ["tag", "#1", "vip"])).code).toBe(0);
    expect((await runJson(dir, ["contact", "list", "--tag", "vip"])).map((c: { id: number }) => c.id)).toEqual([1]);
    expect((await runJson(dir, ["log", "list", "#2"])).map((i: { summary: string }) => i.summary)).toEqual(["Called"]);
    expect((await run(dir, ["contact", "show", "#9"])).code).toBe(3);
    // Record ids too: a survey, a follow-up.
    expect((await run(dir, ["survey", "create", "Happiness"])).code).toBe(0);
    expect((await run(dir, ["survey", "respond", "#1", "#1", "9"])).code).toBe(0);
    expect((await run(dir, ["followup", "add", "#1", "--note", "x"])).code).toBe(0);
    expect((await run(dir, ["followup", "done", "#1"])).code).toBe(0);
  });
});

describe("ls", () => {
  it("is an alias of every list subcommand", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"]);
    for (const noun of ["contact", "log", "followup", "deal", "purchase", "survey", "config"]) {
      const list = await run(dir, [noun, "list", "--format", "json"]);
      const ls = await run(dir, [noun, "ls", "--format", "json"]);
      expect(ls.code, `${noun} ls: ${ls.stderr}`).toBe(0);
      expect(ls.stdout, noun).toBe(list.stdout);
    }
  });
});

describe("log and find", () => {
  it("logs an interaction that crm find then shows", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada Lovelace"]);
    expect((await run(dir, ["log", "ada", "Called about the Q3 proposal", "--type", "call"])).code).toBe(0);
    const hits = await runJson(dir, ["find", "proposal"]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: "interaction", contactName: "Ada Lovelace" });
    expect(hits[0].snippet).toContain("proposal");
    const plain = await run(dir, ["find", "propos"]);
    expect(plain.stdout).toContain("Q3");
  });

  it("ranks a match in a name above one in a note, ties in the order they were added, and --limit keeps the best", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada", "--note", "renewal due"]);
    await run(dir, ["add", "Bob"]);
    for (const text of ["renewal", "renewal", "the renewal of the yearly plan, sent with the long quote"]) await run(dir, ["log", "bob", text]);
    await run(dir, ["add", "Renewal Partners"]);
    const all = await runJson(dir, ["find", "renewal"]);
    const ids = all.map((h: any) => `${h.kind} ${h.id}`);
    expect(ids[0]).toBe("contact 3");
    expect(all[0].snippet).toBe("Renewal Partners");
    expect(ids.slice(1)).toEqual(expect.arrayContaining(["interaction 1", "interaction 2", "interaction 3", "contact 1"]));
    expect(ids.indexOf("interaction 1")).toBe(ids.indexOf("interaction 2") - 1);
    expect(ids.indexOf("interaction 3")).toBeGreaterThan(ids.indexOf("interaction 2"));
    const ranks = all.map((h: any) => h.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const n of [1, 2, 4]) expect(await runJson(dir, ["find", "renewal", "--limit", String(n)])).toEqual(all.slice(0, n));
  });

  it("finds contacts by company and note", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada", "--company", "Analytical Engines", "--note", "likes poetry"]);
    expect((await runJson(dir, ["find", "engines"]))[0]).toMatchObject({ kind: "contact", id: 1 });
    expect((await runJson(dir, ["find", "poetry"]))[0]).toMatchObject({ kind: "contact", id: 1 });
  });

  it("log list --type issue lists only issues (the option is the list's, not log's)", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    await run(dir, ["log", "ada", "Called", "--type", "call"]);
    await run(dir, ["log", "ada", "The invoice is wrong", "--type", "issue"]);
    const issues = await runJson(dir, ["log", "list", "--type", "issue"]);
    expect(issues.map((i: { type: string; summary: string }) => [i.type, i.summary])).toEqual([["issue", "The invoice is wrong"]]);
    const forAda = await runJson(dir, ["log", "list", "ada", "--type", "call"]);
    expect(forAda.map((i: { type: string }) => i.type)).toEqual(["call"]);
  });

  it("refuses an interaction dated in the future with exit 2: that is a follow-up", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    const before = sha256(path.join(dir, "crm.db"));
    const now = { env: { CRM_NOW: "2026-03-02T09:00" } };
    for (const at of ["tomorrow", "2026-03-02 10:00", "2026-03-03"]) {
      const r = await run(dir, ["log", "ada", "Call", "--at", at], now);
      expect(r.code, at).toBe(2);
      expect(r.stderr).toMatch(/^crm: .*in the future.*crm followup add/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
    // Earlier today, and today as a day, are the past.
    expect((await run(dir, ["log", "ada", "Call", "--at", "2026-03-02 08:00"], now)).code).toBe(0);
    expect((await run(dir, ["log", "ada", "Call", "--at", "today"], now)).code).toBe(0);
  });

  it("log refuses an unknown --type with exit 2", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    expect((await run(dir, ["log", "ada", "x", "--type", "fax"])).code).toBe(2);
  });

  it("stores --at from natural language relative to CRM_NOW", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    await run(dir, ["log", "ada", "Lunch", "--at", "yesterday"], { env: { CRM_NOW: "2026-03-02T09:00" } });
    const [i] = await runJson(dir, ["log", "list"], { env: { CRM_NOW: "2026-03-02T09:00" } });
    expect(i.at.slice(0, 10)).toBe("2026-03-01");
  });

  it("log refuses an unreadable --at with exit 2", async () => {
    const dir = freshDbDir();
    await run(dir, ["add", "Ada"]);
    expect((await run(dir, ["log", "ada", "x", "--at", "someday-maybe"])).code).toBe(2);
  });
});

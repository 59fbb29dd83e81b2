// The user-facing contract of follow-ups, keep-in-touch, `crm remind` (cron) and `crm today`, run
// in-process through main(argv, io). The clock is fixed at Monday 2026-03-02 09:00 unless a test says
// otherwise.
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { fixtureDir, freshDbDir, run, runJson, tempDir, sha256, type TestIoOptions } from "../helpers.js";

const MONDAY = { env: { CRM_NOW: "2026-03-02T09:00" } };
const at = (when: string, extra: TestIoOptions["env"] = {}): TestIoOptions => ({ env: { CRM_NOW: when, ...extra } });

/** Runs a command that must succeed; returns its stdout. */
async function ok(dir: string, args: string[], opts: TestIoOptions = MONDAY): Promise<string> {
  const r = await run(dir, args, opts);
  if (r.code !== 0) throw new Error(`crm ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function addContacts(dir: string): Promise<void> {
  await ok(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "client"], at("2026-01-01T09:00"));
  await ok(dir, ["add", "Grace Hopper", "--tag", "client"], at("2026-01-01T09:00"));
  await ok(dir, ["add", "Alan Turing", "--tag", "prospect"], at("2026-01-01T09:00"));
}
const withContacts = fixtureDir(addContacts);

const dbOf = (dir: string) => path.join(dir, "crm.db");
const followups = (dir: string, args: string[] = [], opts: TestIoOptions = MONDAY) => runJson(dir, ["followup", "list", "--status", "all", ...args], opts);

describe("due dates", () => {
  it.each([
    ["friday", "2026-03-06"],
    ["in 2 weeks", "2026-03-16"],
    ["next monday", "2026-03-09"],
    ["+2w", "2026-03-16"],
    ["tomorrow", "2026-03-03"],
  ])("--due %j stores the local day %s", async (due, stored) => {
    const dir = await withContacts();
    const id = (await ok(dir, ["followup", "add", "ada", "--due", due, "--note", "x"])).trim();
    const [f] = await followups(dir);
    expect(f).toMatchObject({ id: Number(id), dueAt: stored, allDay: true });
  });

  it("stores a local day the same in any time zone, and a time of day as the UTC instant", async () => {
    for (const [tz, instant] of [
      ["UTC", "2026-12-01T14:00:00.000Z"],
      ["Pacific/Auckland", "2026-12-01T01:00:00.000Z"],
      ["America/Los_Angeles", "2026-12-01T22:00:00.000Z"],
    ]) {
      const dir = await withContacts();
      const opts = at("2026-03-02T09:00", { TZ: tz });
      await ok(dir, ["followup", "add", "ada", "--due", "friday"], opts);
      await ok(dir, ["followup", "add", "ada", "--due", "2026-12-01 14:00"], opts);
      expect((await followups(dir, [], opts)).map((f: any) => [f.dueAt, f.allDay])).toEqual([
        ["2026-03-06", true],
        [instant, false],
      ]);
      expect(await ok(dir, ["followup", "list"], opts)).toContain("2026-12-01 14:00");
    }
  });

  it("an unreadable --due exits 2 naming the value with an example, and writes nothing", async () => {
    const dir = await withContacts();
    const before = sha256(dbOf(dir));
    const r = await run(dir, ["followup", "add", "ada", "--due", "someday-maybe", "--note", "x"], MONDAY);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('"someday-maybe"');
    expect(r.stderr).toMatch(/tomorrow|next monday/);
    expect(sha256(dbOf(dir))).toBe(before);
    expect(await followups(dir)).toEqual([]);
  });

  it("defaults to today without --due", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "grace", "--note", "call back"]);
    expect((await followups(dir))[0]).toMatchObject({ dueAt: "2026-03-02", contactName: "Grace Hopper", note: "call back" });
  });
});

describe("recurring follow-ups", () => {
  it("a weekly one completed late is next due on the first weekly date after now, from its due date", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "turing", "--due", "2026-02-09", "--every", "1w", "--note", "weekly sync"], at("2026-02-01T09:00"));
    await ok(dir, ["followup", "done", "1"]); // Monday 2 March: three weeks late
    const [first, next] = await followups(dir);
    expect(first).toMatchObject({ id: 1, status: "done", doneAt: "2026-03-02T09:00:00.000Z" });
    expect(next).toMatchObject({ id: 2, status: "open", dueAt: "2026-03-09", every: "1w", note: "weekly sync", contactName: "Alan Turing" });
    // Completing the new one on time schedules the one after, never back into the past.
    await ok(dir, ["followup", "done", "2"], at("2026-03-09T10:00"));
    expect((await followups(dir, [], at("2026-03-09T10:00"))).at(-1)).toMatchObject({ dueAt: "2026-03-16", status: "open" });
  });

  it("a timed one keeps its time of day", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "turing", "--due", "2026-02-10 15:00", "--every", "1w"], at("2026-02-01T09:00"));
    await ok(dir, ["followup", "done", "1"]);
    expect((await followups(dir, ["--status", "open"])).map((f: any) => f.dueAt)).toEqual(["2026-03-03T15:00:00.000Z"]);
  });

  it("rejects an unreadable --every with exit 2", async () => {
    const dir = await withContacts();
    const r = await run(dir, ["followup", "add", "ada", "--every", "fortnightly-ish"], MONDAY);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"fortnightly-ish"');
    expect(await followups(dir)).toEqual([]);
  });
});

describe("bulk follow-ups", () => {
  it("--tag adds one follow-up per tagged contact and prints their ids", async () => {
    const dir = await withContacts();
    const out = await ok(dir, ["followup", "add", "--tag", "CLIENT", "--due", "friday", "--note", "Ask for a testimonial"]);
    expect(out).toBe("1\n2\n");
    expect((await followups(dir)).map((f: any) => [f.contactName, f.dueAt, f.note])).toEqual([
      ["Ada Lovelace", "2026-03-06", "Ask for a testimonial"],
      ["Grace Hopper", "2026-03-06", "Ask for a testimonial"],
    ]);
  });

  it("an unknown tag exits 3, a missing --note or --due exits 2, and nothing is written", async () => {
    const dir = await withContacts();
    const before = sha256(dbOf(dir));
    const unknown = await run(dir, ["followup", "add", "--tag", "nosuch", "--due", "friday", "--note", "x"], MONDAY);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('"nosuch"');
    expect((await run(dir, ["followup", "add", "--tag", "client", "--due", "friday"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "add", "--tag", "client", "--note", "x"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "add", "ada", "--tag", "client", "--due", "friday", "--note", "x"], MONDAY)).code).toBe(2);
    expect(sha256(dbOf(dir))).toBe(before);
  });

  const withCustomers = fixtureDir(async (dir) => {
    await addContacts(dir);
    // Two customers: Ada bought often and recently, Grace once long ago.
    const db = new Database(dbOf(dir));
    const buy = db.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (?, ?, 'EUR', ?, ?)");
    for (const day of ["2026-02-20", "2026-02-24", "2026-02-27"]) buy.run(1, 50000, `${day}T10:00:00.000Z`, `${day}T10:00:00.000Z`);
    buy.run(2, 1000, "2025-01-10T10:00:00.000Z", "2025-01-10T10:00:00.000Z");
    db.close();
  });

  it("--segment adds one follow-up per member of an RFM segment", async () => {
    const dir = await withCustomers();
    const segments = await runJson(dir, ["report", "segments", "--detail"], MONDAY);
    const adaSegment = segments.find((c: any) => c.contactId === 1).segment;
    const members = segments.filter((c: any) => c.segment === adaSegment).map((c: any) => c.contactId);
    const r = await run(dir, ["followup", "add", "--segment", adaSegment, "--due", "friday", "--note", "thank you"], MONDAY);
    expect(r.code, r.stderr).toBe(0);
    expect((await followups(dir)).map((f: any) => f.contactId).sort()).toEqual(members.sort());
  });

  it("--segment refuses an unknown segment with exit 2, naming it", async () => {
    const dir = await withCustomers();
    const bad = await run(dir, ["followup", "add", "--segment", "Royalty", "--due", "friday", "--note", "x"], MONDAY);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Royalty"');
  });
});

describe("deal links", () => {
  const withDeals = fixtureDir(async (dir) => {
    await addContacts(dir);
    // Deals have their own commands; rows written straight into the file are enough to link to.
    const db = new Database(dbOf(dir));
    const insert = db.prepare("insert into deals(contact_id, title, currency, stage, created_at, updated_at) values (?, ?, 'EUR', 'proposal', ?, ?)");
    insert.run(1, "Website redesign", "2026-02-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z");
    insert.run(2, "Training", "2026-02-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z");
    db.close();
  });

  it("--deal links the contact's deal; without a contact it follows up with the deal's contact", async () => {
    const dir = await withDeals();
    await ok(dir, ["followup", "add", "ada", "--deal", "1", "--due", "friday"]);
    await ok(dir, ["followup", "add", "--deal", "2", "--due", "friday", "--note", "Send the agenda"]);
    expect((await followups(dir)).map((f: any) => [f.contactName, f.dealId, f.dealTitle])).toEqual([
      ["Ada Lovelace", 1, "Website redesign"],
      ["Grace Hopper", 2, "Training"],
    ]);
  });

  it("an unknown deal exits 3, another contact's deal or a bad id exits 2, and nothing is written", async () => {
    const dir = await withDeals();
    const before = sha256(dbOf(dir));
    const unknown = await run(dir, ["followup", "add", "ada", "--deal", "42"], MONDAY);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("#42");
    expect((await run(dir, ["followup", "add", "ada", "--deal", "2"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "add", "ada", "--deal", "forty"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "add", "--tag", "client", "--deal", "1", "--due", "friday", "--note", "x"], MONDAY)).code).toBe(2);
    expect(sha256(dbOf(dir))).toBe(before);
  });
});

describe("list, snooze, rm", () => {
  const populated = fixtureDir(async (dir) => {
    await addContacts(dir);
    const add = (ref: string, due: string, note: string) => ok(dir, ["followup", "add", ref, "--due", due, "--note", note], at("2026-02-01T09:00"));
    await add("ada", "2026-02-20", "overdue");
    await add("grace", "2026-03-02", "today");
    await add("turing", "2026-03-06", "this week");
    await add("ada", "2026-04-01", "later");
    await add("grace", "2026-02-25", "finished");
    await ok(dir, ["followup", "done", "5"], at("2026-02-26T09:00"));
  });
  const notes = async (dir: string, args: string[]) => (await runJson(dir, ["followup", "list", ...args], MONDAY)).map((f: any) => f.note);

  it("filters by due range, contact and status, soonest first", async () => {
    const dir = await populated();
    expect(await notes(dir, [])).toEqual(["overdue", "today", "this week", "later"]);
    expect(await notes(dir, ["--overdue"])).toEqual(["overdue"]);
    expect(await notes(dir, ["--due", "today"])).toEqual(["overdue", "today"]);
    expect(await notes(dir, ["--due", "week"])).toEqual(["overdue", "today", "this week"]);
    expect(await notes(dir, ["--contact", "ada"])).toEqual(["overdue", "later"]);
    expect(await notes(dir, ["--status", "done"])).toEqual(["finished"]);
    expect(await notes(dir, ["--status", "all", "--contact", "grace"])).toEqual(["finished", "today"]);
  });

  it("prints stable JSON fields", async () => {
    const dir = await populated();
    const [f] = await runJson(dir, ["followup", "list", "--overdue"], MONDAY);
    expect(Object.keys(f)).toEqual([
      "id",
      "contactId",
      "contactName",
      "dueAt",
      "allDay",
      "note",
      "every",
      "dealId",
      "dealTitle",
      "status",
      "overdue",
      "doneAt",
      "createdAt",
      "updatedAt",
    ]);
    expect(f).toMatchObject({ id: 1, contactId: 1, contactName: "Ada Lovelace", dueAt: "2026-02-20", overdue: true, status: "open" });
  });

  it("prints a plain table without colour or borders when piped", async () => {
    const dir = await populated();
    const table = await ok(dir, ["followup", "list"]);
    expect(table.split("\n")[0]).toMatch(/^ID\s+DUE\s+CONTACT\s+NOTE/);
    expect(table).toContain("10 days overdue");
    expect(table).not.toMatch(/\x1b\[|[│┌─]/);
  });

  it("prints CSV with the same fields as JSON", async () => {
    const dir = await populated();
    const csv = await ok(dir, ["followup", "list", "--format", "csv"]);
    expect(csv.split("\n")[0]).toBe("id,contactId,contactName,dueAt,allDay,note,every,dealId,dealTitle,status,overdue,doneAt,createdAt,updatedAt");
  });

  it("rejects bad filters with exit 2 and an unknown contact with exit 3", async () => {
    const dir = await populated();
    expect((await run(dir, ["followup", "list", "--overdue", "--due", "today"], MONDAY)).code).toBe(2);
    const due = await run(dir, ["followup", "list", "--due", "fortnight"], MONDAY);
    expect(due.code).toBe(2);
    expect(due.stderr).toContain('"fortnight"');
    expect((await run(dir, ["followup", "list", "--status", "closed"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "list", "--contact", "nobody"], MONDAY)).code).toBe(3);
  });

  it("snooze moves the due date", async () => {
    const dir = await populated();
    await ok(dir, ["followup", "snooze", "1", "--until", "next monday"]);
    expect((await followups(dir)).find((f: any) => f.id === 1)).toMatchObject({ dueAt: "2026-03-09", overdue: false });
  });

  it("snooze into the past or without a readable --until exits 2, a done one 4, an unknown one 3, writing nothing", async () => {
    const dir = await populated();
    const before = sha256(dbOf(dir));
    const past = await run(dir, ["followup", "snooze", "2", "--until", "yesterday"], MONDAY);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain("2026-03-01");
    expect((await run(dir, ["followup", "snooze", "2"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "snooze", "2", "--until", "whenever"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "snooze", "5", "--until", "friday"], MONDAY)).code).toBe(4);
    expect((await run(dir, ["followup", "snooze", "99", "--until", "friday"], MONDAY)).code).toBe(3);
    expect(sha256(dbOf(dir))).toBe(before);
  });

  it("done and rm take several ids, all or none: an unknown id exits 3, a done one 4", async () => {
    const dir = await populated();
    const before = sha256(dbOf(dir));
    expect((await run(dir, ["followup", "done", "1", "99"], MONDAY)).code).toBe(3);
    expect((await run(dir, ["followup", "done", "1", "5"], MONDAY)).code).toBe(4);
    expect((await run(dir, ["followup", "done", "one"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["followup", "rm", "2", "99"], MONDAY)).code).toBe(3);
    expect(sha256(dbOf(dir))).toBe(before);
    await ok(dir, ["followup", "done", "1", "2"]);
    await ok(dir, ["followup", "rm", "3", "4"]);
    expect((await followups(dir)).map((f: any) => [f.id, f.status])).toEqual([
      [1, "done"],
      [5, "done"],
      [2, "done"],
    ]);
  });
});

describe("crm remind", () => {
  async function buildMixed(dir: string): Promise<void> {
    await addContacts(dir);
    await ok(dir, ["add", "Katherine Johnson", "--cadence", "30d"], at("2026-01-01T09:00")); // never contacted: due 31 Jan
    await ok(dir, ["add", "Linus Torvalds", "--cadence", "2w"], at("2026-01-01T09:00"));
    await ok(dir, ["log", "linus", "Coffee", "--type", "meeting", "--at", "2026-02-25 10:00"]); // due 11 March: not yet
    const add = (args: string[]) => ok(dir, ["followup", "add", ...args], at("2026-02-01T09:00"));
    await add(["ada", "--due", "2026-02-20", "--note", "Send the proposal"]);
    await add(["grace", "--due", "2026-03-02", "--note", "Call back"]);
    await add(["turing", "--due", "2026-03-04", "--note", "Next week's thing"]);
    await add(["grace", "--due", "2026-03-02 16:00", "--note", "Afternoon call"]);
    await add(["turing", "--due", "2026-02-10", "--note", "Already handled"]);
    await ok(dir, ["followup", "done", "5"], at("2026-02-10T12:00"));
  }
  const mixed = fixtureDir(buildMixed);

  it("lists exactly what is due, one plain line each, oldest first, and exits 0", async () => {
    const dir = await mixed();
    const r = await run(dir, ["remind"], MONDAY);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Katherine Johnson (#4) — keep in touch (every 30d; never contacted) — 30 days overdue",
        "Ada Lovelace — follow-up #1: Send the proposal — 10 days overdue",
        "Grace Hopper — follow-up #2: Call back — due today",
        "",
      ].join("\n"),
    );
    expect(r.stdout).not.toMatch(/\x1b\[|[│┌─]|\t/);
    expect((await run(dir, ["remind", "--quiet"], MONDAY)).stdout).toBe(r.stdout);
  });

  it("--within adds what falls due in that window", async () => {
    const dir = await mixed();
    const lines = (await ok(dir, ["remind", "--within", "3d"])).trim().split("\n");
    expect(lines.slice(3)).toEqual([
      "Grace Hopper — follow-up #4: Afternoon call — due today at 16:00",
      "Alan Turing — follow-up #3: Next week's thing — due in 2 days",
    ]);
    expect((await ok(dir, ["remind", "--within", "2w"])).trim().split("\n")).toHaveLength(6); // + Linus on 11 March
    expect((await run(dir, ["remind", "--within", "soon"], MONDAY)).code).toBe(2);
  });

  it("has stable JSON fields", async () => {
    const dir = await mixed();
    const items = await runJson(dir, ["remind"], MONDAY);
    expect(items.map((i: any) => i.kind)).toEqual(["keep-in-touch", "followup", "followup"]);
    expect(Object.keys(items[1])).toEqual([
      "kind",
      "followupId",
      "contactId",
      "contactName",
      "contactEmail",
      "dueAt",
      "allDay",
      "daysOverdue",
      "what",
      "due",
      "note",
      "every",
      "dealId",
      "lastContactAt",
    ]);
    expect(items[1]).toMatchObject({
      followupId: 1,
      contactName: "Ada Lovelace",
      contactEmail: "ada@example.com",
      dueAt: "2026-02-20",
      daysOverdue: 10,
      due: "10 days overdue",
      note: "Send the proposal",
    });
    expect(items[0]).toMatchObject({ followupId: null, contactName: "Katherine Johnson", dueAt: "2026-01-31", every: "30d", lastContactAt: null });
  });

  const nothingDue = fixtureDir(async (dir) => {
    await buildMixed(dir);
    await ok(dir, ["followup", "done", "1", "2"]);
    await ok(dir, ["log", "katherine", "Lunch", "--type", "meeting"]);
  });

  it("--quiet prints zero bytes, on stdout and stderr, when nothing is due, in every format", async () => {
    const dir = await nothingDue();
    // Cron mails any output, so nothing may reach the process's own streams behind the Io either.
    const leaked = [vi.spyOn(process.stdout, "write"), vi.spyOn(process.stderr, "write")];
    try {
      for (const format of [[], ["--format", "json"], ["--format", "csv"]]) {
        const r = await run(dir, ["remind", "--quiet", ...format], MONDAY);
        expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
      }
      // On an empty database too.
      expect(await run(freshDbDir(), ["remind", "--quiet"], MONDAY)).toEqual({ code: 0, stdout: "", stderr: "" });
      for (const write of leaked) expect(write).not.toHaveBeenCalled();
    } finally {
      for (const write of leaked) write.mockRestore();
    }
  });

  it("without --quiet, says nothing is due on stderr, and JSON stays valid", async () => {
    const dir = await nothingDue();
    const loud = await run(dir, ["remind"], MONDAY);
    expect(loud.stdout).toBe("");
    expect(loud.stderr).toMatch(/nothing due/);
    expect(await runJson(dir, ["remind"], MONDAY)).toEqual([]);
  });
});

describe("crm today", () => {
  const agendaDb = fixtureDir(async (dir) => {
    await addContacts(dir);
    await ok(dir, ["add", "Katherine Johnson", "--cadence", "30d"], at("2026-01-01T09:00"));
    await ok(dir, ["followup", "add", "ada", "--due", "2026-02-27", "--note", "Send the proposal"], at("2026-02-01T09:00"));
    await ok(dir, ["followup", "add", "grace", "--due", "today", "--note", "Call back"]);
    await ok(dir, ["followup", "add", "turing", "--due", "friday", "--note", "Not yet"]);
    await ok(dir, ["log", "turing", "Invoice was wrong", "--type", "issue", "--at", "2026-02-25 10:00"]);
  });

  it("shows each section, most urgent first, as plain text when piped", async () => {
    const dir = await agendaDb();
    const out = await ok(dir, ["today"]);
    expect(out).not.toMatch(/\x1b\[|[│┌─]/);
    const order = ["Overdue follow-ups (1)", "Open issues (1)", "Due today (1)", "Keep in touch (1)"].map((title) => out.indexOf(title));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toMatch(/#1\s+Ada Lovelace\s+Send the proposal\s+3 days overdue/);
    expect(out).toMatch(/#1\s+Alan Turing\s+Invoice was wrong\s+open for 5 days/);
    expect(out).toMatch(/#2\s+Grace Hopper\s+Call back\s+due today/);
    expect(out).toMatch(/Katherine Johnson\s+every 30d; never contacted\s+30 days overdue/);
    expect(out).not.toContain("Not yet");
  });

  it("has a JSON form with every section and stable item fields", async () => {
    const dir = await agendaDb();
    const agenda = await runJson(dir, ["today"], MONDAY);
    expect(agenda).toMatchObject({ asOf: { date: "2026-03-02", at: "2026-03-02T09:00:00.000Z" }, date: "2026-03-02" });
    expect(agenda.sections.map((s: any) => [s.key, s.count])).toEqual([
      ["overdue", 1],
      ["issues", 1],
      ["awaiting-reply", 0],
      ["today", 1],
      ["deals-closing", 0],
      ["deals-stale", 0],
      ["keep-in-touch", 1],
      ["at-risk", 0],
    ]);
    const item = agenda.sections[0].items[0];
    expect(Object.keys(item)).toEqual(["kind", "id", "contactId", "contactName", "text", "date", "detail", "urgency", "extra"]);
    expect(item).toMatchObject({ kind: "followup", id: 1, contactName: "Ada Lovelace", date: "2026-02-27", detail: "3 days overdue", urgency: 3 });
    expect(agenda.sections[1].items[0]).toMatchObject({ kind: "issue", id: 1, text: "Invoice was wrong" });
  });

  it("loses an issue once `crm log resolve` marks it resolved", async () => {
    const dir = await agendaDb();
    await ok(dir, ["log", "resolve", "1"]);
    const agenda = await runJson(dir, ["today"], MONDAY);
    expect(agenda.sections.find((s: any) => s.key === "issues").count).toBe(0);
    expect((await runJson(dir, ["log", "list", "--type", "issue"], MONDAY))[0].resolvedAt).toBe("2026-03-02T09:00:00.000Z");
    expect(await ok(dir, ["today"])).not.toContain("Open issues");
  });

  it("`crm log resolve`: unknown exits 3, not an issue 2, already resolved 4", async () => {
    const dir = await agendaDb();
    await ok(dir, ["log", "ada", "Called", "--type", "call"]);
    expect((await run(dir, ["log", "resolve", "99"], MONDAY)).code).toBe(3);
    expect((await run(dir, ["log", "resolve", "2"], MONDAY)).code).toBe(2);
    expect((await run(dir, ["log", "resolve", "x"], MONDAY)).code).toBe(2);
    await ok(dir, ["log", "resolve", "1"]);
    expect((await run(dir, ["log", "resolve", "1"], MONDAY)).code).toBe(4);
  });

  it("says so when there is nothing on the agenda", async () => {
    const out = await ok(freshDbDir(), ["today"]);
    expect(out).toMatch(/Nothing on the agenda/);
  });
});

describe("follow-ups elsewhere", () => {
  it("appear in `crm contact show` with how overdue they are", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "ada", "--due", "2026-02-27", "--note", "Send the proposal"], at("2026-02-01T09:00"));
    await ok(dir, ["followup", "add", "ada", "--due", "friday 14:00", "--every", "2w", "--note", "Pricing call"]);
    const out = await ok(dir, ["contact", "show", "ada"]);
    expect(out).toMatch(/Open follow-ups\n\s+#1 2026-02-27 \(3 days overdue\)\s+Send the proposal\n\s+#2 2026-03-06 14:00 .*every 2w\s+Pricing call/);
    expect((await runJson(dir, ["contact", "show", "ada"], MONDAY)).openFollowups.map((f: any) => f.id)).toEqual([1, 2]);
  });

  it("are found by `crm find` through their note, until removed", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "grace", "--due", "friday", "--note", "Quarterly pricing review"]);
    const [hit] = await runJson(dir, ["find", "pricing"], MONDAY);
    expect(hit).toMatchObject({ kind: "followup", id: 1, contactName: "Grace Hopper" });
    await ok(dir, ["followup", "rm", "1"]);
    expect(await runJson(dir, ["find", "pricing"], MONDAY)).toEqual([]);
  });

  it("the demo database has follow-ups in every state and a populated agenda", async () => {
    const dir = tempDir();
    const db = path.join(dir, "demo.db");
    expect((await run(dir, ["--db", db, "demo"], MONDAY)).code).toBe(0);
    const all = await runJson(db, ["followup", "list", "--status", "all"], MONDAY);
    expect(all.some((f: any) => f.status === "done")).toBe(true);
    expect(all.some((f: any) => f.overdue)).toBe(true);
    expect(all.some((f: any) => f.status === "open" && f.dueAt.startsWith("2026-03-02"))).toBe(true);
    expect(all.some((f: any) => f.status === "open" && f.dueAt > "2026-03-03")).toBe(true);
    expect(all.some((f: any) => f.every && f.status === "open")).toBe(true);
    expect(all.some((f: any) => !f.allDay)).toBe(true);
    const agenda = await runJson(db, ["today"], MONDAY);
    for (const s of agenda.sections) expect(s.count, s.key).toBeGreaterThan(0);
    const keep = agenda.sections.find((s: any) => s.key === "keep-in-touch").count;
    expect(keep).toBeLessThanOrEqual(10);
  });
});

describe("a recurring series keeps to its first date", () => {
  /** Completes the open follow-up of the series at `asOf` and returns the next one's due value. */
  async function completeOpen(dir: string, asOf: string, tz = "UTC"): Promise<string> {
    const opts = at(asOf, { TZ: tz });
    const [open] = await runJson(dir, ["followup", "list"], opts);
    await ok(dir, ["followup", "done", String(open.id)], opts);
    const [next] = await runJson(dir, ["followup", "list"], opts);
    return next.dueAt;
  }

  it("monthly from 31 January falls on the last day of short months and back on the 31st", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "ada", "--due", "2024-01-31", "--every", "1m"], at("2024-01-02T09:00"));
    const seen = [];
    for (const asOf of ["2024-01-31T10:00", "2024-02-29T10:00", "2024-03-31T10:00", "2024-04-30T10:00", "2025-01-31T10:00"])
      seen.push(await completeOpen(dir, asOf));
    expect(seen).toEqual(["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31", "2025-02-28"]);
  });

  it("yearly from 29 February is on 28 February in common years and 29 February in leap years", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "ada", "--due", "2024-02-29", "--every", "1y"], at("2024-01-02T09:00"));
    const seen = [];
    for (const asOf of ["2024-02-29T10:00", "2025-02-28T10:00", "2026-02-28T10:00", "2027-02-28T10:00"]) seen.push(await completeOpen(dir, asOf));
    expect(seen).toEqual(["2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]);
  });

  it("a weekly 02:30 in Berlin is back at 02:30 after the week the clocks skip it", async () => {
    const dir = await withContacts();
    const tz = "Europe/Berlin";
    await ok(dir, ["followup", "add", "ada", "--due", "2026-03-22 02:30", "--every", "1w"], at("2026-03-20T09:00", { TZ: tz }));
    const seen = [];
    for (const asOf of ["2026-03-22T03:00", "2026-03-29T04:00", "2026-04-05T04:00"]) seen.push(await completeOpen(dir, asOf, tz));
    // 29 March 02:30 does not exist (the clocks go from 02:00 to 03:00): that one is at 03:30.
    expect(seen).toEqual(["2026-03-29T01:30:00.000Z", "2026-04-05T00:30:00.000Z", "2026-04-12T00:30:00.000Z"]);
  });

  it("a snoozed occurrence does not move the series", async () => {
    const dir = await withContacts();
    await ok(dir, ["followup", "add", "ada", "--due", "2026-01-31", "--every", "1m"], at("2026-01-02T09:00"));
    const [f] = await runJson(dir, ["followup", "list"], at("2026-01-02T09:00"));
    await ok(dir, ["followup", "snooze", String(f.id), "--until", "2026-02-03"], at("2026-01-30T09:00"));
    expect(await completeOpen(dir, "2026-02-03T10:00")).toBe("2026-02-28");
  });

  it("a series that would leave the year 9999 ends there, quickly, with a message", async () => {
    const dir = await withContacts();
    for (const due of ["9999-12-31", "9999-12-31 10:00"]) {
      await ok(dir, ["followup", "add", "ada", "--due", due, "--every", "1d"], at("9999-12-30T09:00"));
    }
    const ids = (await runJson(dir, ["followup", "list"], at("9999-12-31T12:00"))).map((f: any) => String(f.id));
    const started = Date.now();
    const r = await run(dir, ["followup", "done", ...ids], at("9999-12-31T12:00"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the series ends: its next date would fall after the year 9999/);
    const all = await runJson(dir, ["followup", "list", "--status", "all"], at("9999-12-31T12:00"));
    expect(all).toHaveLength(2);
    expect(all.every((f: any) => f.status === "done")).toBe(true);
  });
});

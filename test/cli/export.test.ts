// `crm export`: CSV that spreadsheets cannot turn into formulas, vCards, an iCalendar of open follow-ups
// that an independent parser (ical.js) reads with stable UIDs, `all` as one JSON document or one CSV per
// entity, everything about one person, and export → import into an empty database without loss.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { parse as parseCsv } from "csv-parse/sync";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { fixtureDir, freshDbDir, run, runJson, runOk } from "../helpers.js";
import { formatMinor } from "../../src/io/money.js";
import { localDate } from "../../src/io/dates.js";

function sql(dir: string, statements: string): void {
  const db = new Database(path.join(dir, "crm.db"));
  try {
    db.exec(statements);
  } finally {
    db.close();
  }
}

/** A small database with one of everything for two people, built once and copied per test. */
const populated = fixtureDir(async (dir) => {
  await runOk(dir, [
    "add",
    "Ada Lovelace",
    "--email",
    "ada@example.com",
    "--phone",
    "+44 20 7946 0001",
    "--company",
    "Analytical Engines",
    "--title",
    "Founder",
    "--tag",
    "client",
    "--tag",
    "vip",
    "--field",
    "birthday=1815-12-10",
    "--field",
    'notes, with comma=a "quoted" value',
    "--note",
    "Line one\nLine two, with comma",
    "--cadence",
    "30d",
    "--source",
    "Royal Society",
  ]);
  await runOk(dir, ["add", "Bob Stone", "--tag", "prospect"]);
  await runOk(dir, ["log", "ada@example.com", "Called about the Q3 proposal", "--type", "call", "--at", "2026-01-05 10:00"]);
  await runOk(dir, ["log", "Bob Stone", "Coffee, then a walk", "--type", "meeting", "--at", "2026-01-06"]);
  await runOk(dir, ["log", "ada@example.com", "Invoice was wrong", "--type", "issue", "--at", "2026-01-07 09:30"]);
  sql(
    dir,
    `
    update interactions set resolved_at = '2026-01-08T12:00:00.000Z' where type = 'issue';
    insert into deals(id, contact_id, title, amount_minor, currency, stage, close_on, created_at, updated_at)
      values (1, 1, 'Website rebuild', 1200050, 'EUR', 'proposal', '2026-03-31', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
    insert into deal_stage_changes(deal_id, from_stage, to_stage, at) values (1, null, 'lead', '2026-01-02T00:00:00.000Z'), (1, 'lead', 'proposal', '2026-01-10T00:00:00.000Z');
    insert into followups(id, contact_id, deal_id, due_at, note, every, status, created_at, updated_at) values
      (1, 1, 1, '2026-03-06', 'Send the revised quote', null, 'open', '2026-01-01T00:00:00.000Z', '2026-01-03T00:00:00.000Z'),
      (2, 2, null, '2026-03-07T14:30:00.000Z', 'Call back; ask about budget, timing', '2w', 'open', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
      (3, 1, null, '2026-01-01', 'Old one', null, 'done', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    insert into purchases(contact_id, amount_minor, currency, at, note, source, external_ref, created_at) values
      (1, 19999, 'EUR', '2026-01-15T00:00:00.000Z', 'Workshop', 'shop', 'A-1', '2026-01-15T00:00:00.000Z'),
      (2, 500, 'GBP', '2026-01-16T00:00:00.000Z', null, 'manual', null, '2026-01-16T00:00:00.000Z');
    insert into surveys(id, name, type, created_at) values (1, 'NPS 2026', 'nps', '2026-01-01T00:00:00.000Z');
    insert into responses(survey_id, contact_id, score, comment, at, created_at) values
      (1, 1, 9, 'Great work', '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
      (1, 2, 6, 'Slow replies', '2026-02-02T00:00:00.000Z', '2026-02-02T00:00:00.000Z');
  `,
  );
});

describe("crm export as CSV", () => {
  it("neutralises cells a spreadsheet would run as formulas (=, +, -, @, tab, CR)", async () => {
    const dir = freshDbDir();
    await runOk(dir, ["add", '=HYPERLINK("http://x","y")', "--phone", "+44 20 7946 0000", "--company", "@corp", "--note", "-5 for a start", "--tag", "client"]);
    const text = await runOk(dir, ["export", "contacts"]);
    const [header, row] = parseCsv(text) as string[][];
    const cell = (name: string) => row![header!.indexOf(name)];
    expect(cell("name")).toBe(`'=HYPERLINK("http://x","y")`);
    // A phone number is no formula: written as it is.
    expect(cell("phone")).toBe("+44 20 7946 0000");
    expect(cell("company")).toBe("'@corp");
    expect(cell("note")).toBe("'-5 for a start");
    expect(cell("tags")).toBe("client");
    // No other cell of the file starts a formula.
    for (const c of row!) if (c !== cell("phone")) expect(c).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("writes each purchase's customer, amounts and local day as formatMinor and localDate give them, around clock changes", async () => {
    const dir = freshDbDir();
    // Instants on both sides of clock changes and of midnights (Lord Howe's fall within a UTC hour), in order (as the export reads them),
    // a few written by hand in other forms, and amounts of every shape in currencies of 0, 2 and 3 decimals.
    const instants = [
      "2024-03-30T22:59:59.999Z",
      "2024-03-30T23:00:00.000Z",
      "2024-03-31T00:59:59.999Z",
      "2024-03-31T01:00:00.000Z",
      "2024-04-06T15:29:59.999Z",
      "2024-04-06T15:30:00.000Z",
      "2024-04-06T16:00:00.000Z",
      "2024-04-07T13:10:00.000Z",
      "2024-04-07T13:40:00.000Z",
      "2024-09-07T03:59:59.999Z",
      "2024-09-07T04:00:00.000Z",
      "2024-10-26T22:30:00.000Z",
      "2024-10-27T00:30:00.000Z",
      "2024-10-27T01:30:00.000Z",
      "2024-10-27T22:59:59.999Z",
      "2024-10-27T23:00:00.000Z",
      "2024-10-28T10:00:00Z",
      "2024-10-28T11:00:00+02:00",
      "not a date",
    ];
    const amounts: [number, number, string][] = [
      [1999, 0, "EUR"],
      [5, 5, "EUR"],
      [100, 0, "USD"],
      [-1250, 0, "EUR"],
      [1500, 0, "JPY"],
      [1234, 1000, "BHD"],
      [9007199254740991, 0, "EUR"],
      [0, 0, "GBP"],
    ];
    // Every other purchase is a guest sale; the others are a customer's whose name needs quoting and
    // neutralising (with more purchases than contacts, names come from memory rather than a join).
    const customer = { name: '=Ünal "Ace", Ödül', email: "unal@example.com" };
    sql(
      dir,
      `insert into contacts(id, name, email, created_at, updated_at) values (1, '${customer.name}', '${customer.email}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');\n` +
        instants
          .map((at, i) => {
            const [minor, refunded, currency] = amounts[i % amounts.length]!;
            return `insert into purchases(contact_id, amount_minor, refunded_minor, currency, at, source, created_at) values (${i % 2 ? 1 : "null"}, ${minor}, ${refunded}, '${currency}', '${at}', 'manual', '2026-01-01T00:00:00.000Z');`;
          })
          .join("\n"),
    );
    for (const zone of ["Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "UTC"]) {
      const rows = parseCsv(await runOk(dir, ["export", "purchases"], { env: { TZ: zone } }), { columns: true }) as Record<string, string>[];
      const saved = process.env.TZ;
      process.env.TZ = zone;
      try {
        const expected = instants.map((at, i) => {
          const [minor, refunded, currency] = amounts[i % amounts.length]!;
          const cell = (text: string) => (text.startsWith("-") ? `'${text}` : text);
          return {
            contactName: i % 2 ? `'${customer.name}` : "",
            contactEmail: i % 2 ? customer.email : "",
            at,
            localDate: localDate(new Date(at)),
            amount: cell(formatMinor(minor, currency)),
            refunded: cell(formatMinor(refunded, currency)),
          };
        });
        const seen = rows.map((r) => ({
          contactName: r.contactName,
          contactEmail: r.contactEmail,
          at: r.at,
          localDate: r.localDate,
          amount: r.amount,
          refunded: r.refunded,
        }));
        expect(seen, zone).toEqual(expected);
      } finally {
        process.env.TZ = saved;
      }
    }
  });

  it("exports each entity with documented columns and amounts as decimal strings", async () => {
    const dir = await populated();
    const purchases = parseCsv(await runOk(dir, ["export", "purchases"]), { columns: true }) as Record<string, string>[];
    expect(Object.keys(purchases[0]!)).toEqual([
      "id",
      "contactId",
      "contactName",
      "contactEmail",
      "amount",
      "refunded",
      "currency",
      "at",
      "localDate",
      "note",
      "source",
      "externalRef",
      "dealId",
      "createdAt",
    ]);
    expect(purchases.map((p) => [p.contactName, p.amount, p.currency, p.externalRef])).toEqual([
      ["Ada Lovelace", "199.99", "EUR", "A-1"],
      ["Bob Stone", "5.00", "GBP", ""],
    ]);
    const deals = await runJson(dir, ["export", "deals"]);
    expect(deals).toEqual([
      expect.objectContaining({
        id: 1,
        contactName: "Ada Lovelace",
        title: "Website rebuild",
        amount: "12000.50",
        currency: "EUR",
        stage: "proposal",
        stageChanges: [
          { fromStage: null, toStage: "lead", at: "2026-01-02T00:00:00.000Z" },
          { fromStage: "lead", toStage: "proposal", at: "2026-01-10T00:00:00.000Z" },
        ],
      }),
    ]);
    expect((await runJson(dir, ["export", "responses"])).map((r: any) => [r.survey, r.contactName, r.score, r.comment])).toEqual([
      ["NPS 2026", "Ada Lovelace", 9, "Great work"],
      ["NPS 2026", "Bob Stone", 6, "Slow replies"],
    ]);
    expect((await runJson(dir, ["export", "followups"])).map((f: any) => [f.id, f.status])).toEqual([
      [3, "done"],
      [1, "open"],
      [2, "open"],
    ]);
    expect((await runJson(dir, ["export", "interactions", "--contact", "Bob Stone"])).map((i: any) => i.summary)).toEqual(["Coffee, then a walk"]);
  });

  it("writes -o files owner-only, picking the format from the extension", async () => {
    const dir = await populated();
    const file = path.join(dir, "contacts.json");
    const r = await run(dir, ["export", "contacts", "-o", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`wrote 2 contacts to ${file}`);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).map((c: any) => c.name)).toEqual(["Ada Lovelace", "Bob Stone"]);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    expect(fs.readdirSync(dir).filter((f) => f.includes(".partial"))).toEqual([]);
  });

  it("refuses what it cannot do, with exit 2 and the fix", async () => {
    const dir = await populated();
    const cases: [string[], RegExp][] = [
      [["export", "widgets"], /unknown export "widgets"/],
      [["export"], /what should be exported/],
      [["export", "interactions", "--format", "vcf"], /--format vcf is for contacts/],
      [["export", "contacts", "--format", "ics"], /--format ics is for follow-ups/],
      [["export", "contacts", "--format", "xml"], /unknown --format "xml"/],
      [["export", "all", "--format", "csv"], /needs a directory.*-o <directory>/],
      [["export", "--contact", "ada@example.com", "--format", "csv"], /exported as JSON/],
    ];
    for (const [args, message] of cases) {
      const r = await run(dir, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect((await run(dir, ["export", "--contact", "nobody"])).code).toBe(3);
    // Never over the database, and never a file over a directory.
    const db = path.join(dir, "crm.db");
    const before = await runJson(dir, ["contact", "list"]);
    const overDb = await run(dir, ["export", "all", "--format", "json", "-o", db]);
    expect(overDb.code).toBe(2);
    expect(overDb.stderr).toContain("is the database itself");
    expect(await runJson(dir, ["contact", "list"])).toEqual(before);
    expect((await run(dir, ["export", "contacts", "-o", dir])).stderr).toContain("is a directory");
  });
});

describe("crm export followups --format ics", () => {
  it("is a calendar an independent parser reads: open follow-ups confirmed, all-day for dates, stable UIDs", async () => {
    const dir = await populated();
    const text = await runOk(dir, ["export", "followups", "--format", "ics"]);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    const cal = new ICAL.Component(ICAL.parse(text));
    const all = cal.getAllSubcomponents("vevent");
    // The done one is there only as a cancellation.
    const events = all.filter((v) => v.getFirstPropertyValue("status") === "CONFIRMED").map((v) => new ICAL.Event(v));
    expect(all.filter((v) => v.getFirstPropertyValue("status") === "CANCELLED").length).toBe(all.length - events.length);
    expect(events.map((e) => e.uid)).toEqual(["followup-1@crm.local", "followup-2@crm.local"]);
    const [quote, call] = events;
    expect(quote!.startDate.isDate).toBe(true);
    expect(quote!.startDate.toString()).toBe("2026-03-06");
    expect(quote!.summary).toBe("Follow up: Ada Lovelace — Send the revised quote");
    expect(quote!.description).toContain("Deal: Website rebuild");
    expect(quote!.description).toContain("crm followup done 1");
    expect(call!.startDate.isDate).toBe(false);
    expect(call!.startDate.toJSDate().toISOString()).toBe("2026-03-07T14:30:00.000Z");
    expect(call!.endDate.toJSDate().toISOString()).toBe("2026-03-07T15:00:00.000Z");
    expect(call!.summary).toBe("Follow up: Bob Stone — Call back; ask about budget, timing");
    expect(call!.description).toContain("Repeats every 2w");

    // Exporting again (later, after a change) keeps every UID: calendars update instead of duplicating.
    sql(dir, "update followups set due_at = '2026-03-09', updated_at = '2026-03-01T00:00:00.000Z' where id = 1");
    await runOk(dir, ["--as-of", "2026-03-02", "export", "followups", "-o", path.join(dir, "f.ics")]);
    const again = new ICAL.Component(ICAL.parse(fs.readFileSync(path.join(dir, "f.ics"), "utf8")));
    const moved = again
      .getAllSubcomponents("vevent")
      .filter((v) => v.getFirstPropertyValue("status") === "CONFIRMED")
      .map((v) => new ICAL.Event(v));
    expect(moved.map((e) => [e.uid, e.startDate.toString()])).toEqual([
      ["followup-2@crm.local", "2026-03-07T14:30:00Z"],
      ["followup-1@crm.local", "2026-03-09"],
    ]);
  });
});

describe("crm export all and --contact", () => {
  it("all --format json is one document with every entity", async () => {
    const dir = await populated();
    const doc = JSON.parse(await runOk(dir, ["export", "all"]));
    expect(Object.keys(doc)).toEqual([
      "exportedAt",
      "schemaVersion",
      "settings",
      "surveys",
      "contacts",
      "interactions",
      "followups",
      "deals",
      "purchases",
      "responses",
    ]);
    expect([
      doc.contacts.length,
      doc.interactions.length,
      doc.followups.length,
      doc.deals.length,
      doc.purchases.length,
      doc.responses.length,
      doc.surveys.length,
    ]).toEqual([2, 3, 3, 1, 2, 2, 1]);
    expect(doc.contacts[0]).toMatchObject({ name: "Ada Lovelace", tags: ["client", "vip"], fields: { birthday: "1815-12-10" } });
  });

  it("all --format csv writes one file per entity into the -o directory", async () => {
    const dir = await populated();
    const target = path.join(dir, "export");
    const r = await run(dir, ["export", "all", "--format", "csv", "-o", target]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(target).sort()).toEqual([
      "contacts.csv",
      "deals.csv",
      "followups.csv",
      "interactions.csv",
      "purchases.csv",
      "responses.csv",
      "surveys.csv",
    ]);
    expect((parseCsv(fs.readFileSync(path.join(target, "interactions.csv"), "utf8"), { columns: true }) as unknown[]).length).toBe(3);
  });

  it("--contact gives everything held about one person, and nothing about anyone else", async () => {
    const dir = await populated();
    const doc = await runJson(dir, ["export", "--contact", "ada@example.com"]);
    expect(doc.contact).toMatchObject({ id: 1, name: "Ada Lovelace", email: "ada@example.com", tags: ["client", "vip"] });
    expect(doc.interactions.map((i: any) => i.summary)).toEqual(["Called about the Q3 proposal", "Invoice was wrong"]);
    expect(doc.followups.map((f: any) => f.note)).toEqual(["Old one", "Send the revised quote"]);
    expect(doc.deals).toEqual([expect.objectContaining({ title: "Website rebuild", stageChanges: expect.any(Array) })]);
    expect(doc.purchases).toEqual([expect.objectContaining({ amount: "199.99", externalRef: "A-1" })]);
    expect(doc.responses).toEqual([expect.objectContaining({ survey: "NPS 2026", score: 9, comment: "Great work" })]);
    expect(JSON.stringify(doc)).not.toMatch(/Bob|Coffee|Slow replies/);
  });
});

describe("export → import round trip", () => {
  const comparable = (c: any) => {
    const { id: _id, updatedAt: _u, ...rest } = c;
    return rest;
  };

  it("CSV: contacts (tags, fields, notes, formula-like values) and interactions arrive unchanged in an empty database", async () => {
    const dir = await populated();
    await runOk(dir, ["add", '=HYPERLINK("http://x","y")', "--phone", "+1 555 0100", "--note", "@mention and -dash", "--field", "code=+A1"]);
    const contactsCsv = path.join(dir, "contacts.csv");
    const interactionsCsv = path.join(dir, "interactions.csv");
    await runOk(dir, ["export", "contacts", "-o", contactsCsv]);
    await runOk(dir, ["export", "interactions", "-o", interactionsCsv]);

    const fresh = freshDbDir();
    const c = await run(fresh, ["import", "contacts", contactsCsv]);
    expect(c.code, c.stderr).toBe(0);
    const i = await run(fresh, ["import", "interactions", interactionsCsv]);
    expect(i.code, i.stderr).toBe(0);

    expect((await runJson(fresh, ["contact", "list"])).map(comparable)).toEqual((await runJson(dir, ["contact", "list"])).map(comparable));
    const logs = async (d: string) => (await runJson(d, ["log", "list"])).map(({ id: _id, contactId: _c, ...rest }: any) => rest);
    expect(await logs(fresh)).toEqual(await logs(dir));
    // And importing the same files again adds nothing.
    expect((await run(fresh, ["import", "interactions", interactionsCsv])).stderr).toMatch(/0 new, 3 already imported/);
    expect((await run(fresh, ["import", "contacts", contactsCsv])).stderr).toMatch(/0 new/);
  });

  it("vCard: contacts with tags, fields, notes and cadence come back the same", async () => {
    const dir = await populated();
    const vcf = path.join(dir, "contacts.vcf");
    await runOk(dir, ["export", "contacts", "-o", vcf]);
    expect(fs.readFileSync(vcf, "utf8")).toMatch(/^BEGIN:VCARD\r\nVERSION:4.0\r\n/);
    const fresh = freshDbDir();
    const r = await run(fresh, ["import", "contacts", vcf]);
    expect(r.code, r.stderr).toBe(0);
    const strip = (c: any) => {
      const { id: _i, updatedAt: _u, createdAt: _c, lastInteractionAt: _l, ...rest } = c;
      return rest;
    };
    expect((await runJson(fresh, ["contact", "list"])).map(strip)).toEqual((await runJson(dir, ["contact", "list"])).map(strip));
  });

  it("CSV: purchases re-import into a fresh database with their amounts, dates, sources and ids", async () => {
    const dir = await populated();
    const contactsCsv = path.join(dir, "contacts.csv");
    const purchasesCsv = path.join(dir, "purchases.csv");
    await runOk(dir, ["export", "contacts", "-o", contactsCsv]);
    await runOk(dir, ["export", "purchases", "-o", purchasesCsv]);
    const fresh = freshDbDir();
    await runOk(fresh, ["import", "contacts", contactsCsv]);
    const r = await run(fresh, ["import", "purchases", purchasesCsv]);
    expect(r.code, r.stderr).toBe(0);
    const rows = async (d: string) =>
      (await runJson(d, ["export", "purchases"])).map(({ id: _i, contactId: _c, createdAt: _t, externalRef, ...rest }: any) => ({
        ...rest,
        hasRef: Boolean(externalRef),
      }));
    expect(await rows(fresh)).toEqual((await rows(dir)).map((p: any) => ({ ...p, hasRef: true })));
    expect((await run(fresh, ["import", "purchases", purchasesCsv])).stderr).toMatch(/0 new, 2 already imported/);
  });
});

// Hostile files and references against a real database, property-based (fast-check): CSV and vCard
// files of any shape go through the purchase, contact and interaction importers, and any text goes
// through the contact reference resolver. Every run ends in a report or a clear CrmError (exit 2, 3 or
// 4, one line); a refused or rolled-back import writes nothing; what is committed is exactly what the
// report says; the database stays sound. RUNS / FILE_RUNS are the generated inputs per property.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { addContact, resolveContact } from "../../src/core/contacts/contacts.js";
import { fold } from "../../src/core/contacts/search.js";
import { importPurchases } from "../../src/core/import/purchases.js";
import { importContacts } from "../../src/core/import/contacts.js";
import { importInteractions } from "../../src/core/import/interactions.js";
import type { ImportReport } from "../../src/core/import/engine.js";
import { CrmError } from "../../src/errors.js";
import { tempDir } from "../helpers.js";

const RUNS = Number(process.env.CRM_FUZZ_RUNS ?? 1000);
const FILE_RUNS = Math.max(10, Math.round(RUNS / 4));
const NOW = new Date(2026, 2, 2, 9, 30);

/** Names that break naive SQL, LIKE patterns, quoting and terminals. */
const TRICKY_NAMES = [
  "Ada Lovelace",
  "Ada Byron",
  `O'Brien "Bob" Smith`,
  "100% Pure_Joy \\ Ltd",
  "Robert'); DROP TABLE contacts;--",
  "שלום עולם",
  "مرحبا بالعالم",
  "🙂 Smiley 👩‍👩‍👧",
  "Tab\tand\u0000NUL",
  "\u202eevil reversed",
  "x".repeat(10_000),
];

let dir: string;
let store: Store;
const known: { id: number; name: string; email: string | null }[] = [];

beforeAll(() => {
  dir = tempDir();
  store = openStore(path.join(dir, "crm.db"));
  TRICKY_NAMES.forEach((name, i) => {
    const email = i % 2 === 0 ? `person${i}@example.com` : null;
    known.push({ id: addContact(store, { name, email }, NOW), name, email });
  });
});

afterAll(() => {
  expect(store.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
  expect(store.sqlite.pragma("foreign_key_check")).toEqual([]);
  store.sqlite.close();
});

const NASTY = ["\u0000", "\u001b[31m", "\u202e", "🙂", "ש", "\r\n", "\n", "\t", "'", '"', '""', "\\", "%", "_", ";", ",", "=", "'=1+1", "\ufeff", "\ud800"];
const nastyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 5 })), { maxLength: 6 }).map((p) => p.join("")),
);

function clearRefusal(err: unknown): void {
  if (!(err instanceof CrmError)) throw err;
  expect([2, 3, 4]).toContain(err.exitCode);
  expect(err.message).not.toMatch(/[\r\n]/);
}

// ---------------------------------------------------------------------------------------------
// The reference resolver

describe(`resolveContact (${RUNS} references per property)`, () => {
  const refs = fc.oneof(
    nastyText,
    fc.constantFrom(
      ...TRICKY_NAMES.map((n) => n.slice(0, 40)),
      "%",
      "_",
      "%%",
      "\\",
      "'",
      "ada",
      "ADA",
      "a",
      "@",
      "person0@EXAMPLE.com",
      "1",
      "0",
      "-1",
      "99999999999999999999",
      " 2 ",
    ),
    fc.tuple(fc.constantFrom(...TRICKY_NAMES), fc.nat(), fc.nat()).map(([n, a, b]) => n.slice(Math.min(a, b) % n.length, Math.max(a, b) % (n.length + 1))),
  );

  it("finds the one contact the reference names (id, exact email, or a name containing it), or exits 2, 3 or 4", () => {
    fc.assert(
      fc.property(refs, (ref) => {
        let found: { id: number; name: string };
        try {
          found = resolveContact(store, ref);
        } catch (err) {
          clearRefusal(err);
          return;
        }
        const text = ref.trim();
        const c = known.find((k) => k.id === found.id)!;
        expect(c.name).toBe(found.name);
        // An id as typed or as crm prints it: "12", "#12", "012".
        const byId = /^#?\d+$/.test(text) && Number(text.replace("#", "")) === c.id;
        const byEmail = c.email !== null && c.email === text.toLowerCase();
        // Names match without accents and case (`chloe` finds Chloé; "Ụ" finds a name with a u).
        const byName = c.name.toLowerCase().includes(text.toLowerCase()) || c.name.includes(text) || fold(c.name).includes(fold(text));
        expect(byId || byEmail || byName, `${JSON.stringify(ref)} resolved to #${c.id}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("every contact is found by its id and email, and by its full name unless another name contains it (exit 4 then)", () => {
    for (const c of known) {
      expect(resolveContact(store, String(c.id)).id).toBe(c.id);
      if (c.email) expect(resolveContact(store, c.email.toUpperCase()).id).toBe(c.id);
      const r = (() => {
        try {
          return resolveContact(store, c.name);
        } catch (err) {
          return err as CrmError;
        }
      })();
      if (r instanceof CrmError) {
        // Only a name that is all blanks after trimming, or one shared as a substring, may be refused.
        expect([2, 4]).toContain(r.exitCode);
      } else expect(r.id).toBe(c.id);
    }
    // LIKE wildcards are literal: "%" matches the one name with a percent sign in it.
    expect(resolveContact(store, "%").name).toBe("100% Pure_Joy \\ Ltd");
    expect(resolveContact(store, "_").name).toBe("100% Pure_Joy \\ Ltd");
  });
});

// ---------------------------------------------------------------------------------------------
// Import files

/** Plausible values per column, valid and invalid, so that files import in part, in full or not at all. */
const EMAILS = ["person0@example.com", "PERSON2@Example.com", "new@example.com", "new2@example.com", "not-an-email", "a@b", ""];
const DATES = ["2025-03-05", "20250305", "2025/3/5", "03/05/2025", "2025-03-05T10:00:00Z", "2025-03-05 14:30", "2025-02-30", "0001-01-01", "+99999y", ""];
const PLAUSIBLE: Record<string, readonly string[]> = {
  email: EMAILS,
  "E-mail 1 - Value": EMAILS,
  date: DATES,
  "Order Date": DATES,
  "resolved at": DATES,
  createdAt: ["2025-01-01T00:00:00Z", "yesterday", ""],
  amount: ["12.50", "1,200.00", "€9", "9 USD", "-3", "1e5", "0", "12,5", "99999999999999999", ""],
  Total: ["7", "0.001", "JPY 5", "abc"],
  currency: ["EUR", "usd", "JPY", "XXX", "E", ""],
  "contact id": ["1", "2", "999", "x", ""],
  "customer id": ["C-1", "C-2", ""],
  "order id": ["o-1", "o-2", "o-1", ""],
  "external id": ["a-1", "a-2", ""],
  name: ["Ada Lovelace", "Ada Byron", "Ada", "New Person", ""],
  "First Name": ["Grace", ""],
  "Last Name": ["Hopper", ""],
  type: ["call", "email", "issue", "phone", "gossip", ""],
  summary: ["Called about the invoice", ""],
  note: ["Punch cards", ""],
  phone: ["+44 20 7946 0001", ""],
  company: ["Acme", ""],
  Labels: ["* myContacts ::: Friends", "a,b", "x".repeat(70)],
  tags: ["client;vip", "bad\ntag", ""],
  fields: ['{"k":"v"}', "{not json", "[1]", '{"":"x"}'],
  cadence: ["30d", "2w", "sometimes", ""],
  birthday: ["1815-12-10", "0/0/00"],
  source: ["shop", ""],
};
const PURCHASE_COLUMNS = {
  required: [
    ["email", "contact id", "customer id"],
    ["date", "Order Date"],
    ["amount", "Total"],
  ],
  optional: ["currency", "order id", "note", "name", "source"],
};
const CONTACT_COLUMNS = {
  required: [["name", "First Name", "email", "E-mail 1 - Value", "company", "phone"]],
  optional: ["Last Name", "email", "phone", "company", "Labels", "tags", "fields", "cadence", "note", "birthday", "createdAt", "source"],
};
const INTERACTION_COLUMNS = { required: [["email", "name", "contact id"], ["summary"], ["date"]], optional: ["type", "resolved at", "external id", "source"] };

const cellFor = (column: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(Object.hasOwn(PLAUSIBLE, column) ? PLAUSIBLE[column]! : [""])) },
    { weight: 1, arbitrary: nastyText },
    { weight: 1, arbitrary: fc.constant("") },
  );

/** A CSV file: the columns an import needs (usually), extras, hostile headers now and then; rows of
 * plausible and hostile cells; quoted properly or, sometimes, raw (malformed). Now and then random bytes. */
function csvFile(spec: { required: string[][]; optional: string[] }) {
  const header = fc
    .tuple(
      fc.tuple(...spec.required.map((group) => fc.constantFrom(...group))),
      fc.subarray(spec.optional),
      fc.array(nastyText, { maxLength: 1 }),
      fc.boolean(),
      fc.nat(),
    )
    .map(([required, optional, odd, dropOne, n]) => {
      const columns = [...new Set([...required, ...optional, ...odd])];
      if (dropOne && n % 8 === 0) columns.splice(n % columns.length, 1);
      return columns.length ? columns : ["x"];
    });
  const table = header.chain((columns) =>
    fc.tuple(
      fc.constant(columns),
      fc.array(fc.tuple(...columns.map(cellFor)), { maxLength: 12 }),
      fc.constantFrom(",", ",", ";", "\t"),
      fc.constantFrom("quoted", "quoted", "quoted", "quoted", "raw"),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
    ),
  );
  const text = table.map(([columns, rows, delimiter, style, eol, bom]) => {
    const q = (v: string) => (style === "raw" ? v : /[",;\t\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);
    const lines = [columns, ...rows].map((r) => r.map(q).join(delimiter)).join(eol) + eol;
    return Buffer.from((bom ? "\ufeff" : "") + lines, "utf8");
  });
  return fc.oneof({ weight: 19, arbitrary: text }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) });
}

const counts = () =>
  Object.fromEntries(
    ["contacts", "contact_tags", "contact_fields", "purchases", "interactions"].map((t) => [
      t,
      store.sqlite.prepare(`select count(*) from ${t}`).pluck().get() as number,
    ]),
  ) as Record<"contacts" | "contact_tags" | "contact_fields" | "purchases" | "interactions", number>;

let fileNo = 0;
function writeInput(bytes: Buffer, ext: string): string {
  const file = path.join(dir, `input-${fileNo++}.${ext}`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Runs an import and checks the all-or-nothing contract against the counts before and after. */
async function checkImport(
  table: "purchases" | "contacts" | "interactions",
  run: () => Promise<{ report: ImportReport }>,
  opts: { skipInvalid: boolean; dryRun: boolean },
) {
  const before = counts();
  let report: ImportReport;
  try {
    ({ report } = await run());
  } catch (err) {
    clearRefusal(err);
    expect(counts()).toEqual(before);
    return;
  }
  for (const issue of report.invalid) expect(issue.reason).not.toMatch(/[\r\n]/);
  expect(report.committed).toBe(!opts.dryRun && (report.invalid.length === 0 || opts.skipInvalid));
  const after = counts();
  if (!report.committed) {
    expect(after).toEqual(before);
    return;
  }
  if (table === "contacts") expect(after.contacts - before.contacts).toBe(report.added);
  else {
    expect(after[table] - before[table]).toBe(report.added);
    expect(after.contacts - before.contacts).toBe(report.createdContacts);
  }
}

const flags = fc.record({ skipInvalid: fc.boolean(), dryRun: fc.boolean(), createContacts: fc.boolean() });

describe(`importers on hostile files (${FILE_RUNS} files per property)`, () => {
  it("purchases", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile(PURCHASE_COLUMNS), flags, async (bytes, opts) => {
        const file = writeInput(bytes, "csv");
        await checkImport("purchases", () => importPurchases(store, file, NOW, opts), opts);
      }),
      { numRuns: FILE_RUNS },
    );
  });

  it("contacts from CSV", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile(CONTACT_COLUMNS), flags, fc.constantFrom("skip", "update", "error"), async (bytes, opts, onDuplicate) => {
        const file = writeInput(bytes, "csv");
        await checkImport("contacts", () => importContacts(store, file, NOW, { ...opts, onDuplicate }), opts);
      }),
      { numRuns: FILE_RUNS },
    );
  });

  it("contacts from vCard", async () => {
    const value = fc.oneof(
      nastyText,
      fc.constantFrom(...EMAILS, "Ada Lovelace", "a;b;c;;", "tel:+15550001", "1985-04-12", "x=y", "30d", "client,vip", "\\n\\,\\;"),
    );
    const prop = fc.tuple(
      fc.constantFrom("FN", "N", "EMAIL", "TEL", "ORG", "NOTE", "CATEGORIES", "BDAY", "X-CRM-FIELD", "X-CRM-CADENCE", "ADR", "URL", "NICKNAME", "TITLE"),
      fc.constantFrom("", ";TYPE=work", ";PREF=1", ";VALUE=date", ";;"),
      value,
    );
    const card = fc
      .tuple(fc.constantFrom("3.0", "4.0", "2.1"), fc.array(prop, { maxLength: 7 }), fc.boolean())
      .map(([v, props, closed]) =>
        ["BEGIN:VCARD", `VERSION:${v}`, ...props.map(([n, p, val]) => `${n}${p}:${val.replace(/\r?\n/g, "\\n")}`), ...(closed ? ["END:VCARD"] : [])].join(
          "\r\n",
        ),
      );
    const vcf = fc.oneof(
      { weight: 9, arbitrary: fc.array(card, { minLength: 1, maxLength: 5 }).map((cards) => Buffer.from(cards.join("\r\n") + "\r\n")) },
      { weight: 1, arbitrary: nastyText.map((t) => Buffer.from(t)) },
    );
    await fc.assert(
      fc.asyncProperty(vcf, flags, async (bytes, opts) => {
        const file = writeInput(bytes, "vcf");
        await checkImport("contacts", () => importContacts(store, file, NOW, opts), opts);
      }),
      { numRuns: FILE_RUNS },
    );
  });

  it("interactions", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile(INTERACTION_COLUMNS), flags, async (bytes, opts) => {
        const file = writeInput(bytes, "csv");
        await checkImport("interactions", () => importInteractions(store, file, NOW, opts), opts);
      }),
      { numRuns: FILE_RUNS },
    );
  });
});

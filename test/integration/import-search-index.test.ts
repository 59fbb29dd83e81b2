// Imports index their rows for crm find in one bulk insert at the end instead of a trigger per row:
// the index must end up exactly as the triggers would have left it, the triggers must be back
// afterwards, and an import that writes nothing must leave both untouched.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/db/open.js";
import { importContacts } from "../../src/core/import/contacts.js";
import { importInteractions } from "../../src/core/import/interactions.js";
import { search } from "../../src/core/contacts/search.js";
import { tempDir } from "../helpers.js";

const NOW = new Date("2026-03-02T09:00:00Z");
const INDEX = "select rowid, kind, ref_id, contact_id, title, body from search_index order by rowid";
const triggers = (store: Store) => store.sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all();

function setup(): { dir: string; store: Store } {
  const dir = tempDir();
  return { dir, store: openStore(path.join(dir, "crm.db")) };
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The index as the per-row triggers build it: the same rows inserted one by one with plain SQL. */
function indexByTriggers(rows: { name: string; email: string; company: string }[], interactions: [number, string, string][]): unknown[] {
  const { store } = setup();
  const contact = store.sqlite.prepare("insert into contacts(name, email, company, created_at, updated_at) values (?, ?, ?, ?, ?)");
  for (const r of rows) contact.run(r.name, r.email, r.company || null, NOW.toISOString(), NOW.toISOString());
  const interaction = store.sqlite.prepare(
    "insert into interactions(contact_id, type, summary, at, source, external_ref, created_at) values (?, ?, ?, ?, 'import', ?, ?)",
  );
  interactions.forEach(([contactId, type, summary], i) => interaction.run(contactId, type, summary, NOW.toISOString(), `a${i}`, NOW.toISOString()));
  const index = store.sqlite.prepare(INDEX).raw().all();
  store.sqlite.close();
  return index;
}

describe("imports and the search index", () => {
  it("index contacts and interactions exactly as the triggers do, and put the triggers back", async () => {
    const { dir, store } = setup();
    const before = triggers(store);
    const people = Array.from({ length: 60 }, (_, i) => ({ name: `Person ${i} Lovelace`, email: `p${i}@example.com`, company: i % 3 ? `Company ${i}` : "" }));
    await importContacts(store, write(dir, "c.csv", "name,email,company\n" + people.map((p) => `${p.name},${p.email},${p.company}`).join("\n") + "\n"), NOW);
    const acts: [number, string, string][] = people.map((_, i) => [i + 1, i % 2 ? "call" : "email", `Talked about the refund ${i}`]);
    await importInteractions(
      store,
      write(
        dir,
        "i.csv",
        "contact id,type,summary,date,activity id\n" + acts.map(([id, type, s], i) => `${id},${type},${s},2026-03-01,a${i}`).join("\n") + "\n",
      ),
      NOW,
      { source: "import" },
    );
    expect(store.sqlite.prepare(INDEX).raw().all()).toEqual(indexByTriggers(people, acts));
    expect(triggers(store)).toEqual(before);
    expect(search(store, "refund 17").map((h) => h.id)).toEqual([18]);
    // The triggers work again for what comes after.
    store.sqlite.prepare("insert into contacts(name, created_at, updated_at) values ('Grace Hopper', ?, ?)").run(NOW.toISOString(), NOW.toISOString());
    expect(search(store, "hopper")).toHaveLength(1);
  });

  it("keep one, current entry for a contact added and then updated by the same file", async () => {
    const { dir, store } = setup();
    await importContacts(store, write(dir, "c.csv", "name,email,company\nAda,ada@example.com,Analytical\nAda Lovelace,ada@example.com,Engines Ltd\n"), NOW, {
      onDuplicate: "update",
    });
    expect(store.sqlite.prepare("select title, body from search_index").raw().all()).toEqual([["Ada Lovelace", "ada@example.com Engines Ltd"]]);
    expect(search(store, "engines")).toHaveLength(1);
    expect(search(store, "analytical")).toHaveLength(0);
  });

  it("leave the index and the triggers untouched when the import writes nothing", async () => {
    const { dir, store } = setup();
    const before = triggers(store);
    const bad = await importContacts(store, write(dir, "c.csv", "name,email\nAda,ada@example.com\nBob,not-an-email\n"), NOW);
    expect(bad.report.committed).toBe(false);
    const dry = await importContacts(store, write(dir, "d.csv", "name,email\nAda,ada@example.com\n"), NOW, { dryRun: true });
    expect(dry.report.committed).toBe(false);
    expect(store.sqlite.prepare("select count(*) from search_index").pluck().get()).toBe(0);
    expect(triggers(store)).toEqual(before);
  });
});

// crm's migrations (drizzle/), and the schema they make: what a database of a given schema version must
// hold — derived by applying the migrations to an in-memory database, never kept by hand — so that a
// table, index, trigger or view crm did not create (a hostile trigger in a restored file) is refused.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { CrmError, storageError, quote } from "../errors.js";
import { openSqlite } from "./driver.js";

function migrationsFolder(): string {
  // The bundle lives in dist/; the migrations ship beside it in drizzle/. Tests running the sources
  // directly (src/db/) find the same folder two levels up.
  // Bundles built elsewhere in the tree (the benchmark's probes in test/bench/out/) look further up.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, "..", "drizzle");
    if (fs.existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
  }
  throw new CrmError("the crm installation is incomplete: its drizzle/ migrations folder is missing", 1);
}

/** One migration: its SQL statements, in order. */
type Migration = string[];

let loaded: Migration[] | undefined;

/**
 * The migrations shipped with this binary, in order: migration N takes a database to schema N + 1.
 * Read as drizzle-kit writes them (meta/_journal.json names each <tag>.sql, whose statements are
 * separated by `--> statement-breakpoint`) and as drizzle-orm's readMigrationFiles reads them, without
 * the checksum of each file it also computes (that loaded node:crypto into every command). Only read
 * when a database is upgraded or created, or the schema is derived from the sources.
 */
function migrations(): Migration[] {
  if (loaded) return loaded;
  const folder = migrationsFolder();
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  return (loaded = journal.entries.map(({ tag }) => {
    let text: string;
    try {
      text = fs.readFileSync(path.join(folder, `${tag}.sql`), "utf8");
    } catch {
      throw new CrmError(`the crm installation is incomplete: the migration ${tag}.sql is missing from ${folder}`, 1);
    }
    return text.split("--> statement-breakpoint");
  }));
}

/** Runs migrations `from` (the database's schema version) up to `to`, in the caller's transaction. */
export function applyMigrations(sqlite: Database.Database, from: number, to: number): void {
  for (const migration of migrations().slice(from, to)) {
    for (const statement of migration) if (statement.trim()) sqlite.exec(statement);
  }
}

interface SchemaObject {
  type: string;
  name: string;
  sql: string | null;
}

const SCHEMA_SQL = "select type, name, sql from sqlite_master order by type, name";
/** Tables SQLite itself makes as the database is used (AUTOINCREMENT, ANALYZE), not part of crm's schema. */
const SQLITE_OWN = new Set(["sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"]);

// Per version, for this process only: the migrations on disk do not change while it runs.
const expectedByVersion = new Map<number, Map<string, SchemaObject>>();

const an = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

const keyOf = (o: { type: string; name: string }) => `${o.type} ${o.name}`;

/** Where the build writes the current schema's objects, beside the bundle (`dist/expected-schema.json`). */
const SNAPSHOT = "expected-schema.json";

/**
 * The objects of schema `version` as the build wrote them (`crm __schema`), so that opening a current
 * database does not apply every migration to a scratch database first (about 12 ms of every command).
 * Undefined when running from the sources or when the snapshot is of another version.
 */
function builtSchema(version: number): SchemaObject[] | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, SNAPSHOT), "utf8");
    } catch {
      continue;
    }
    const snapshot = JSON.parse(text) as { version: number; objects: SchemaObject[] };
    return snapshot.version === version ? snapshot.objects : undefined;
  }
  return undefined;
}

/** The snapshot the build writes (`crm __schema`): the objects of the newest schema, derived from the migrations. */
export function expectedSchemaJson(): string {
  const version = migrations().length;
  return JSON.stringify({ version, objects: [...derivedSchema(version).values()] }) + "\n";
}

/** The objects crm's migrations make for schema `version`: the build's snapshot, else derived. */
function expectedSchema(version: number): Map<string, SchemaObject> {
  let expected = expectedByVersion.get(version);
  if (!expected) {
    const built = builtSchema(version);
    if (built) {
      expected = new Map(built.map((o) => [keyOf(o), o]));
      expectedByVersion.set(version, expected);
    }
  }
  return expected ?? derivedSchema(version);
}

/** The objects crm's migrations make for schema `version`, applied to an empty in-memory database. */
function derivedSchema(version: number): Map<string, SchemaObject> {
  let expected = expectedByVersion.get(version);
  if (!expected) {
    const memory = openSqlite(":memory:");
    try {
      memory.transaction(() => applyMigrations(memory, 0, version))();
      const objects = memory.prepare<[], SchemaObject>(SCHEMA_SQL).all();
      expected = new Map(objects.filter((o) => !SQLITE_OWN.has(o.name)).map((o) => [keyOf(o), o]));
    } finally {
      memory.close();
    }
    expectedByVersion.set(version, expected);
  }
  return expected;
}

/**
 * Refuses (exit 5, naming the object) a database of schema `version` that holds a table, index, trigger
 * or view crm's migrations do not make for that version, lacks one they make, or has one defined
 * differently. `what` names the file in the message.
 */
export function checkSchema(sqlite: Database.Database, what: string, version: number): void {
  const problem = schemaProblems(sqlite, version)[0];
  if (problem) throw storageError(`${quote(what)} ${problem}`, "it was changed by another program: restore a backup with `crm restore`");
}

/** Every way the database's schema differs from what crm's migrations make for `version`, in words. */
export function schemaProblems(sqlite: Database.Database, version: number): string[] {
  const expected = expectedSchema(version);
  const actual = sqlite
    .prepare<[], SchemaObject>(SCHEMA_SQL)
    .all()
    .filter((o) => !SQLITE_OWN.has(o.name));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const o of actual) {
    const key = keyOf(o);
    seen.add(key);
    const mine = expected.get(key);
    if (!mine) problems.push(`has ${an(o.type)} ${quote(o.name)} that crm does not create`);
    else if (mine.sql !== o.sql) problems.push(`has ${an(o.type)} ${quote(o.name)} that differs from the one crm creates`);
  }
  for (const [key, o] of expected) if (!seen.has(key)) problems.push(`lacks the ${o.type} ${quote(o.name)} that crm creates`);
  return problems;
}

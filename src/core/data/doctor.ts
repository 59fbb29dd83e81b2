// `crm doctor`: checks a database as it is, without migrating or changing it — the schema against what
// crm's migrations make for its version (no object crm did not create), SQLite's integrity check, the
// foreign keys, the full-text search index against its content — and, when asked, rebuilds what can be
// rebuilt from the records (the search index, the indexes).
import fs from "node:fs";
import type Database from "better-sqlite3";
import { checkCrmDatabase, checkHeader } from "../../db/open.js";
import { openSqlite } from "../../db/driver.js";
import { schemaProblems } from "../../db/migrations.js";
import { notFound, quote } from "../../errors.js";

export interface Check {
  name: "schema" | "integrity" | "foreign keys" | "search index";
  problems: string[];
}

export interface DoctorReport {
  checks: Check[];
  /** What --repair rebuilt. */
  repaired: string[];
}

const MAX_PROBLEMS = 20;

function searchIndexProblems(db: Database.Database): string[] {
  const hasIndex = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'search_index'").get() !== undefined;
  if (!hasIndex) return [];
  try {
    // rank 1: also compares the index with the text it was made from.
    db.prepare("insert into search_index(search_index, rank) values ('integrity-check', 1)").run();
    return [];
  } catch (err) {
    return [`the search index does not match its content (${(err as Error).message})`];
  }
}

function examine(db: Database.Database, version: number): Check[] {
  const schema = schemaProblems(db, version);
  const integrity = (db.pragma(`integrity_check(${MAX_PROBLEMS})`, { simple: false }) as { integrity_check: string }[])
    .map((r) => r.integrity_check)
    .filter((m) => m !== "ok");
  const foreignKeys = (db.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[])
    .slice(0, MAX_PROBLEMS)
    .map((r) => `${r.table} row ${r.rowid} refers to a missing ${r.parent} record`);
  // The search index is looked at only in a file whose schema is crm's.
  const search = schema.length ? [] : searchIndexProblems(db);
  return [
    { name: "schema", problems: schema },
    { name: "integrity", problems: integrity },
    { name: "foreign keys", problems: foreignKeys },
    { name: "search index", problems: search },
  ];
}

/**
 * Examines the database at `file`; with `repair`, rebuilds the indexes (REINDEX) when the integrity
 * check found problems and the search index when it does not match its content, in one write
 * transaction, then examines it again. Objects crm did not create are never repaired, only reported.
 */
export function doctor(file: string, opts: { repair?: boolean; busyTimeoutMs?: number } = {}): DoctorReport {
  if (!fs.existsSync(file)) throw notFound(`there is no crm database at ${quote(file)}`);
  checkHeader(file);
  const db = openSqlite(file, { timeout: opts.busyTimeoutMs });
  try {
    const { version } = checkCrmDatabase(db, file);
    let checks = examine(db, version);
    const repaired: string[] = [];
    const failing = (name: Check["name"]) => checks.find((c) => c.name === name)!.problems.length > 0;
    if (opts.repair && !failing("schema") && (failing("integrity") || failing("search index"))) {
      db.transaction(() => {
        if (failing("integrity")) {
          db.exec("REINDEX");
          repaired.push("indexes");
        }
        if (failing("search index") || failing("integrity")) {
          db.prepare("insert into search_index(search_index) values ('rebuild')").run();
          repaired.push("search index");
        }
      }).immediate();
      checks = examine(db, version);
    }
    return { checks, repaired };
  } finally {
    db.close();
  }
}

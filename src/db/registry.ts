// Lets the database layer hand out a drizzle instance without loading drizzle on every start-up:
// src/db/schema.ts registers the factory when it is first imported, which is exactly when a module
// that builds drizzle queries (it needs the tables) is loaded. Hot paths use prepared SQL and never pay.
import type Database from "better-sqlite3";

type OrmFactory = (sqlite: Database.Database) => unknown;
let factory: OrmFactory | undefined;

export function registerOrm(make: OrmFactory): void {
  factory = make;
}

export function makeOrm(sqlite: Database.Database): unknown {
  if (!factory) throw new Error("internal: store.db used before src/db/schema.ts was loaded");
  return factory(sqlite);
}

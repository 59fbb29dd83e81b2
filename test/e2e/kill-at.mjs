// Loaded into a real crm process with `node --import` (test/e2e/privacy.test.ts) to crash it at an exact
// point of its work. It wraps the methods of better-sqlite3's addon — the same addon file crm loads, so
// the same objects — that run SQL or close a database, and numbers each call from 1:
// - CRM_TEST_STEPS=<file>: appends each step to the file, one line each (the SQL, or "close");
// - CRM_TEST_KILL_BEFORE=<n>: SIGKILLs the process just before step n runs (a kill(2) of itself: no
//   exit handlers, no finally blocks, as if killed from outside at that moment).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const addon = require(path.join(path.dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node"));
const log = process.env.CRM_TEST_STEPS;
const killBefore = Number(process.env.CRM_TEST_KILL_BEFORE ?? 0);
let step = 0;

function wrap(proto, name, describe) {
  const original = proto[name];
  proto[name] = function (...args) {
    step++;
    if (step === killBefore) process.kill(process.pid, "SIGKILL");
    if (log) fs.appendFileSync(log, `${describe(this, args).replace(/\s+/g, " ")}\n`);
    return original.apply(this, args);
  };
}

for (const name of ["run", "get", "all", "iterate"]) wrap(addon.Statement.prototype, name, (statement) => statement.source);
wrap(addon.Database.prototype, "exec", (_db, [sql]) => sql);
wrap(addon.Database.prototype, "close", () => "close");

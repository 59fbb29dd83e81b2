// `npm run bench`: the performance figures of PRODUCT.md, each against a baseline or limit measured in
// the same run on the same machine. Generates the scale data set (seeded, see data.mjs) into a temp
// directory, imports it with crm's own import commands, then measures, group by group:
//   start-up  crm --version / contact list (1,000 contacts) / followup list / remind / today  vs  node -e 0
//   list      crm contact list (10,000 contacts)  vs  a bare better-sqlite3 script printing the same rows
//   import    crm import purchases (1,000,000 rows)  vs  a bare better-sqlite3 insert loop; peak memory
//   scale     today and contact show at scale (warm, and the first run); every report, remind and
//             contact list --limit 50: wall time and peak memory
//   find      crm find <word>: the whole command, and the search itself (open + query, in-process)
//   export    crm export purchases --format csv -o FILE  vs  the sqlite3 shell's CSV of the same rows
//   cdnow     BG/NBD + Gamma-Gamma fit time  vs  the lifetimes library's published timings
//   mail      the first crm mail sync of 10,000 messages against a local Dovecot (mail.mjs)
// Baselines and subjects are interleaved round by round (the machine may be busy) and the medians
// compared. Prints a table; writes test/bench/results.json (`node test/bench/readme-table.mjs` turns
// it into the README's table).
//
// Flags: --only <group>[,<group>…] (just those groups; the scale database is still built when one of
// them needs it), --scale <f> (fraction of the data set, for trying the harness; results.json is only
// written at full scale unless --out is given), --scale-db <file> (a copy of this already imported scale
// database serves the scale, find and export groups instead of a fresh import), --runs <n> (rounds
// for the scale commands), --keep (keep the temp directory), --out <file>.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { SCALE, NOW, writeAll, writeContacts, writeInteractions, writePurchases, dealsAndFollowups, insertDealsAndFollowups } from "./data.mjs";
import { bundleSources, run, check, median, memoryMethod } from "./measure.mjs";

// Every process of the run, this one included, works in one fixed zone with daylight saving, so local
// day arithmetic (reports count purchases per local day) costs what it costs for most users, whatever
// the machine's own zone.
const TZ = "Europe/Berlin";
process.env.TZ = TZ;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const BIN = path.join(ROOT, "bin", "crm.js");
const NODE = process.execPath;

const GROUPS = ["start-up", "list", "import", "scale", "find", "export", "cdnow", "mail"];
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const only = flag("--only");
const selected = new Set(only ? only.split(",").map((g) => g.trim()) : GROUPS);
const unknown = [...selected].filter((g) => !GROUPS.includes(g));
if (unknown.length) {
  process.stderr.write(`crm bench: unknown group ${unknown.join(", ")} (groups: ${GROUPS.join(", ")})\n`);
  process.exit(2);
}
const want = (group) => selected.has(group);
const scale = Number(flag("--scale", "1"));
const full = scale === 1;
const counts = Object.fromEntries(Object.entries(SCALE).map(([k, v]) => [k, Math.max(10, Math.round(v * scale))]));
const givenScaleDb = flag("--scale-db");
const STARTUP_ROUNDS = Number(flag("--startup-runs", "21"));
const SCALE_ROUNDS = Number(flag("--runs", "5"));
const IMPORT_ROUNDS = Number(flag("--import-runs", full ? "3" : "2"));
const FIND_ROUNDS = Number(flag("--find-runs", "11"));
const EXPORT_ROUNDS = Number(flag("--export-runs", "3"));
const CDNOW_ROUNDS = Number(flag("--cdnow-runs", "11"));
// A partial run (--only) never overwrites the committed results: it needs --out.
const outFile = flag("--out", full && !only ? path.join(HERE, "results.json") : undefined);
const keep = argv.includes("--keep");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-bench-"));
const env = { ...process.env, TZ, NO_COLOR: "1" };
delete env.CRM_DB;
delete env.CRM_NOW;
const scaleEnv = { ...env, CRM_NOW: NOW };
const log = (text) => process.stderr.write(text + "\n");
const secs = (ms) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const crm = (db, args, opts = {}) => check(run(NODE, [BIN, "--db", db, ...args], { env: opts.env ?? scaleEnv, ...opts }), `crm ${args.join(" ")}`);
const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));
const thousands = (n) => n.toLocaleString("en");
const removeDb = (file) => {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
};

/** Checkpoints and closes, so copying the main file copies the whole database. */
function settle(db) {
  const d = new Database(db);
  d.pragma("wal_checkpoint(TRUNCATE)");
  d.close();
}
/** One value from a read-only connection. */
const scalar = (db, sql) => {
  const d = new Database(db, { readonly: true });
  const v = d.prepare(sql).pluck().get();
  d.close();
  return v;
};
const count = (db, table) => scalar(db, `select count(*) from ${table}`);

/**
 * Every figure: `measured` (ms), optionally a `baseline` ({ name, ms }) and its `ratio`, `peakRssMb`
 * (MiB), the `target` in words and whether it `pass`es — `target` and `pass` null for an informational
 * figure; `skipped` (why) for one that could not be measured on this machine.
 */
const figures = [];
const loadAtStart = load();
const started = Date.now();

log(`crm benchmark — data in ${dir}${full ? "" : ` (scale ${scale})`}${only ? `; groups ${[...selected].join(", ")}` : ""}`);

/** Medians of interleaved rounds: each round runs every subject once; negative rounds warm up. */
function interleaved(subjects, rounds, warmup) {
  const samples = subjects.map(() => []);
  for (let round = -warmup; round < rounds; round++)
    subjects.forEach((s, i) => {
      const ms = s();
      if (round >= 0) samples[i].push(ms);
    });
  return samples.map(median);
}

// ---------------------------------------------------------------------------------------------
// Start-up: a 1,000-contact database with purchases, interactions, deals and follow-ups (so that
// `today` has something in each section), commands spawned as a user would.

if (want("start-up")) {
  log("start-up: 1,000 contacts");
  const small = path.join(dir, "small.db");
  const csv = (name) => path.join(dir, `small-${name}.csv`);
  writeContacts(csv("contacts"), 1000);
  writePurchases(csv("purchases"), 5000, 1000);
  writeInteractions(csv("interactions"), 2000, 1000);
  crm(small, ["config", "set", "currency", "EUR"], { env });
  for (const what of ["contacts", "purchases", "interactions"]) crm(small, ["import", what, csv(what)], { env });
  const d = new Database(small);
  insertDealsAndFollowups(d, dealsAndFollowups({ deals: 20, followups: 200 }, 1000, new Date()));
  d.close();

  const subjects = [
    { name: "node -e 0", args: ["-e", "0"] },
    { name: "crm --version", args: [BIN, "--version"] },
    { name: "crm contact list (1,000 contacts)", args: [BIN, "--db", small, "contact", "list"] },
    { name: "crm followup list", args: [BIN, "--db", small, "followup", "list"] },
    { name: "crm remind", args: [BIN, "--db", small, "remind"] },
    { name: "crm today (1,000 contacts, 5,000 purchases)", args: [BIN, "--db", small, "today"] },
  ];
  const medians = interleaved(
    subjects.map((s) => () => check(run(NODE, s.args, { env }), s.name).ms),
    STARTUP_ROUNDS,
    2,
  );
  const base = medians[0];
  subjects.slice(1).forEach((s, i) => {
    const m = medians[i + 1];
    figures.push({
      group: "start-up",
      name: s.name,
      unit: "ms",
      measured: m,
      baseline: { name: "node -e 0", ms: base },
      ratio: m / base,
      target: "≤ 1.5× node -e 0",
      pass: m / base <= 1.5,
      runs: STARTUP_ROUNDS,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// contact list at 10,000 contacts (20,000 interactions, so every row has its last contact to look up)
// against bare-contact-list.mjs, whose output must be crm's, line for line.

if (want("list")) {
  const n = Math.max(100, Math.round(10_000 * scale));
  log(`list: ${thousands(n)} contacts`);
  const db = path.join(dir, "list.db");
  const contactsCsv = path.join(dir, "list-contacts.csv");
  const interactionsCsv = path.join(dir, "list-interactions.csv");
  writeContacts(contactsCsv, n);
  writeInteractions(interactionsCsv, 2 * n, n);
  crm(db, ["import", "contacts", contactsCsv], { env });
  crm(db, ["import", "interactions", interactionsCsv], { env });
  settle(db);

  const bare = () => check(run(NODE, [path.join(HERE, "bare-contact-list.mjs"), db], { env }), "bare contact list");
  const subject = () => crm(db, ["contact", "list"], { env });
  const a = bare().stdout.split("\n");
  const b = subject().stdout.split("\n");
  if (a.length !== b.length || a.length !== n + 2) throw new Error(`contact list printed ${b.length - 2} rows, the bare script ${a.length - 2}, of ${n}`);
  const differing = a.filter((l, i) => l !== b[i]).length;
  if (differing) log(`  warning: ${differing} of ${n + 1} lines differ between crm and the bare script, e.g.\n  crm:  ${b[a.findIndex((l, i) => l !== b[i])]}`);
  const [base, m] = interleaved([() => bare().ms, () => subject().ms], STARTUP_ROUNDS, 2);
  figures.push({
    group: "list",
    name: `crm contact list (${thousands(n)} contacts)`,
    unit: "ms",
    measured: m,
    baseline: { name: "bare better-sqlite3 script printing the same rows", ms: base },
    ratio: m / base,
    target: "≤ 1.3× bare script",
    pass: m / base <= 1.3,
    runs: STARTUP_ROUNDS,
    sameOutput: differing === 0,
  });
}

// ---------------------------------------------------------------------------------------------
// The scale database: contacts through crm import; then the purchases import against the bare loop
// (the import group), or a single import when only a later group needs the database.

const needScaleDb = ["scale", "find", "export"].some(want);
const needFiles = want("import") || (needScaleDb && !givenScaleDb);
const scaleDb = path.join(dir, "scale.db");
const importTimes = {};
let files;
if (needFiles) {
  const t = Date.now();
  files = writeAll(dir, counts);
  log(
    `generated ${Object.entries(counts)
      .map(([k, v]) => `${thousands(v)} ${k}`)
      .join(", ")} in ${secs(Date.now() - t)} s`,
  );
}

if (needFiles) {
  const contactsDb = path.join(dir, "contacts.db");
  crm(contactsDb, ["config", "set", "currency", "EUR"]);
  let t = Date.now();
  crm(contactsDb, ["import", "contacts", files.contacts]);
  importTimes.contacts = Date.now() - t;
  log(`crm import contacts: ${thousands(counts.contacts)} rows in ${secs(importTimes.contacts)} s`);
  settle(contactsDb);
  // The last crm import becomes the scale database, unless one was given.
  const importInto = (target) => {
    fs.copyFileSync(contactsDb, target);
    const r = crm(target, ["import", "purchases", files.purchases], { memory: true });
    const n = count(target, "purchases");
    if (n !== counts.purchases) throw new Error(`crm import purchases stored ${n} rows`);
    return r;
  };

  if (want("import")) {
    log(`crm import purchases vs bare insert loop: ${IMPORT_ROUNDS} rounds of ${thousands(counts.purchases)} rows`);
    const bare = [];
    const imports = [];
    let rss = 0;
    for (let round = 0; round < IMPORT_ROUNDS; round++) {
      const bareDb = path.join(dir, `bare-${round}.db`);
      fs.copyFileSync(contactsDb, bareDb);
      const b = check(run(NODE, [path.join(HERE, "bare-insert.mjs"), bareDb, files.purchases], { env }), "bare insert loop");
      const { ms, rows } = JSON.parse(b.stdout);
      if (rows !== counts.purchases) throw new Error(`bare loop inserted ${rows} rows`);
      bare.push(ms);
      removeDb(bareDb);

      const last = round === IMPORT_ROUNDS - 1 && needScaleDb && !givenScaleDb;
      const target = last ? scaleDb : path.join(dir, `import-${round}.db`);
      const r = importInto(target);
      imports.push(r.ms);
      rss = Math.max(rss, r.rssKb ?? 0);
      if (!last) removeDb(target);
      log(`  round ${round + 1}: bare ${secs(ms)} s, crm ${secs(r.ms)} s, peak ${(r.rssKb / 1024).toFixed(0)} MiB`);
    }
    const m = median(imports);
    const base = median(bare);
    const rssMb = rss / 1024;
    figures.push({
      group: "import",
      name: `crm import purchases (${thousands(counts.purchases)} rows)`,
      unit: "ms",
      measured: m,
      baseline: { name: "bare better-sqlite3 insert loop", ms: base },
      ratio: m / base,
      peakRssMb: rssMb,
      target: "≤ 1.2× bare insert loop, ≤ 200 MiB",
      pass: m / base <= 1.2 && rssMb <= 200,
      runs: IMPORT_ROUNDS,
    });
  } else if (!givenScaleDb) {
    t = Date.now();
    importInto(scaleDb);
    importTimes.purchases = Date.now() - t;
    log(`crm import purchases: ${thousands(counts.purchases)} rows in ${secs(importTimes.purchases)} s`);
  }
  removeDb(contactsDb);
}

if (needScaleDb && givenScaleDb) {
  log(`scale database: a copy of ${givenScaleDb}`);
  const g = new Database(givenScaleDb, { readonly: true });
  await g.backup(scaleDb);
  g.close();
} else if (needScaleDb) {
  let t = Date.now();
  crm(scaleDb, ["import", "interactions", files.interactions]);
  importTimes.interactions = Date.now() - t;
  crm(scaleDb, ["survey", "create", "Customer NPS", "--type", "nps"]);
  crm(scaleDb, ["survey", "create", "Support CSAT", "--type", "csat"]);
  t = Date.now();
  crm(scaleDb, ["import", "responses", "Customer NPS", files.nps]);
  crm(scaleDb, ["import", "responses", "Support CSAT", files.csat]);
  importTimes.responses = Date.now() - t;
  const d = new Database(scaleDb);
  t = Date.now();
  insertDealsAndFollowups(d, dealsAndFollowups(counts, counts.contacts, new Date(NOW)));
  importTimes.dealsAndFollowups = Date.now() - t;
  d.close();
  settle(scaleDb);
  log(`crm import interactions: ${thousands(counts.interactions)} rows in ${secs(importTimes.interactions)} s`);
  log(`crm import responses: ${thousands(counts.responses)} rows in ${secs(importTimes.responses)} s`);
  log(
    `deals and follow-ups have no import command: ${thousands(counts.deals)} deals and ${thousands(counts.followups)} ` +
      `follow-ups inserted directly with better-sqlite3 (${secs(importTimes.dealsAndFollowups)} s)`,
  );
}
const scaleSize = needScaleDb ? `${thousands(count(scaleDb, "contacts"))} contacts, ${thousands(count(scaleDb, "purchases"))} purchases` : "";

// ---------------------------------------------------------------------------------------------
// today and contact show at scale: the per-person views, measured warm (a first run may store what
// later runs read), with the first run on an untouched copy of the database reported beside them.
// The person shown is the customer with the most purchases.

if (want("scale")) {
  const contact = scalar(
    scaleDb,
    "select contact_id from purchases where contact_id is not null group by contact_id order by count(*) desc, contact_id limit 1",
  );
  const theirs = scalar(scaleDb, `select count(*) from purchases where contact_id = ${contact}`);
  const views = [
    { name: `crm today at scale (${scaleSize})`, args: ["today"] },
    { name: `crm contact show <id> at scale (#${contact}, ${thousands(theirs)} purchases)`, args: ["contact", "show", String(contact)] },
  ];
  log(`today and contact show at scale: the first run of each on a fresh copy, then ${SCALE_ROUNDS} warm rounds`);
  const firsts = views.map((v, i) => {
    const copy = path.join(dir, `first-${i}.db`);
    fs.copyFileSync(scaleDb, copy);
    const r = crm(copy, v.args, { memory: true });
    removeDb(copy);
    return r;
  });
  const warm = views.map(() => ({ ms: [], rss: [] }));
  for (let round = -1; round < SCALE_ROUNDS; round++)
    views.forEach((v, i) => {
      const r = crm(scaleDb, v.args, { memory: true });
      if (round < 0) return;
      warm[i].ms.push(r.ms);
      warm[i].rss.push(r.rssKb ?? NaN);
    });
  views.forEach((v, i) => {
    const m = median(warm[i].ms);
    figures.push({
      group: "scale",
      name: `${v.name}, warm`,
      unit: "ms",
      measured: m,
      peakRssMb: Math.max(...warm[i].rss) / 1024,
      target: "≤ 0.2 s",
      pass: m <= 200,
      runs: SCALE_ROUNDS,
    });
    figures.push({
      group: "scale",
      name: `${v.name}, first run`,
      unit: "ms",
      measured: firsts[i].ms,
      peakRssMb: firsts[i].rssKb / 1024,
      target: null,
      pass: null,
      runs: 1,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Every report and the daily commands at scale: wall time < 3 s, peak memory < 300 MB.

const SCALE_COMMANDS = [
  ["report", "segments"],
  ["report", "segments", "--method", "kmeans"],
  ["report", "clv"],
  ["report", "churn"],
  ["report", "retention"],
  ["report", "nps"],
  ["report", "csat"],
  ["report", "pipeline"],
  ["remind"],
  ["contact", "list", "--limit", "50"],
];
if (want("scale")) {
  log(`scale commands: ${SCALE_ROUNDS} rounds`);
  const samples = SCALE_COMMANDS.map(() => ({ ms: [], rss: [] }));
  for (let round = -1; round < SCALE_ROUNDS; round++) {
    SCALE_COMMANDS.forEach((args, i) => {
      const r = crm(scaleDb, args, { memory: true });
      if (round < 0) return;
      samples[i].ms.push(r.ms);
      samples[i].rss.push(r.rssKb ?? NaN);
    });
  }
  SCALE_COMMANDS.forEach((args, i) => {
    const m = median(samples[i].ms);
    const rssMb = Math.max(...samples[i].rss) / 1024;
    figures.push({
      group: "scale",
      name: `crm ${args.join(" ")} at scale`,
      unit: "ms",
      measured: m,
      peakRssMb: rssMb,
      target: "< 3 s, < 300 MB",
      pass: m < 3000 && rssMb < 300,
      runs: SCALE_ROUNDS,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// For the in-process probes (find, cdnow): the product's own functions, bundled from src/ like the
// CLI is. Written under test/bench/out/ (git-ignored), from where better-sqlite3 resolves in node_modules.

const probeLib = path.join(HERE, "out", "probe-lib.mjs");
if (want("find") || want("cdnow"))
  await bundleSources(
    [
      'export { openStore } from "./src/db/open.ts";',
      'export { search } from "./src/core/contacts/search.ts";',
      'export { fitBgNbd } from "./src/analytics/bgnbd.ts";',
      'export { fitGammaGamma } from "./src/analytics/gammagamma.ts";',
    ],
    probeLib,
  );

// ---------------------------------------------------------------------------------------------
// crm find: the whole command (start-up included) and the search itself (open + query, in-process).
// "renewal" is in about 60,000 of the 200,000 interactions (see data.mjs); "Lovelace" is a name.

if (want("find")) {
  const words = [
    { word: "renewal", what: "a word in many rows" },
    { word: "Lovelace", what: "a name" },
  ];
  for (const { word, what } of words) {
    const d = new Database(scaleDb, { readonly: true });
    const rows = d.prepare("select count(*) from search_index where search_index match ?").pluck().get(`"${word}"*`);
    d.close();
    const whole = [];
    const query = [];
    for (let round = -1; round < FIND_ROUNDS; round++) {
      const r = crm(scaleDb, ["find", word]);
      const p = JSON.parse(check(run(NODE, [path.join(HERE, "probe.mjs"), probeLib, "find", scaleDb, word], { env: scaleEnv }), "find probe").stdout);
      if (round < 0) continue;
      whole.push(r.ms);
      query.push(p.ms);
    }
    const label = `crm find ${word} (${what}: ${thousands(rows)} matching rows)`;
    const w = median(whole);
    const q = median(query);
    figures.push({ group: "find", name: `${label}, whole command`, unit: "ms", measured: w, target: "≤ 100 ms", pass: w <= 100, runs: FIND_ROUNDS, rows });
    figures.push({
      group: "find",
      name: `${label}, search: open + query in-process`,
      unit: "ms",
      measured: q,
      target: "≤ 100 ms",
      pass: q <= 100,
      runs: FIND_ROUNDS,
      rows,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Export: crm's CSV of every purchase (with the buyer's name and email) against the sqlite3 shell's
// CSV of the same join — same columns, same order, amounts in major units, the local calendar day in
// the run's zone (the shell's 'localtime' reads TZ as crm does). The shell quotes differently (any
// text with a space), so the files are compared as parsed rows at both ends and by row count.

/** The sqlite3 shell's version, or undefined when it is not installed. */
function sqliteShell() {
  const r = spawnSync("sqlite3", ["-version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split(" ")[0] : undefined;
}

const EXPORT_SQL = `select p.id as id, p.contact_id as contactId, c.name as contactName, c.email as contactEmail,
  printf('%.2f', p.amount_minor / 100.0) as amount, printf('%.2f', p.refunded_minor / 100.0) as refunded, p.currency as currency,
  p.at as at, date(p.at, 'localtime') as localDate, p.note as note, p.source as source, p.external_ref as externalRef,
  p.deal_id as dealId, p.created_at as createdAt
from purchases p left join contacts c on c.id = p.contact_id order by p.at, p.id;`;

/** The rows of a CSV file's first and last `bytes` (whole lines), and its number of lines. */
function csvEnds(file, bytes = 1 << 18) {
  const fd = fs.openSync(file, "r");
  const size = fs.fstatSync(fd).size;
  const read = (from, length) => {
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, from);
    return buf.toString("utf8");
  };
  const head = read(0, Math.min(bytes, size));
  const tail = read(Math.max(0, size - bytes), Math.min(bytes, size));
  let lines = 0;
  const chunk = Buffer.alloc(1 << 20);
  for (let pos = 0, n; (n = fs.readSync(fd, chunk, 0, chunk.length, pos)) > 0; pos += n) for (let i = 0; i < n; i++) if (chunk[i] === 10) lines++;
  fs.closeSync(fd);
  return { first: parse(head.slice(0, head.lastIndexOf("\n") + 1)), last: parse(tail.slice(tail.indexOf("\n") + 1)), lines };
}

if (want("export")) {
  const shell = sqliteShell();
  const name = `crm export purchases --format csv -o FILE (${thousands(count(scaleDb, "purchases"))} purchases)`;
  if (!shell) {
    log("export: SKIPPED — the sqlite3 shell is not installed (Debian: apt-get install sqlite3); no baseline to compare with");
    figures.push({ group: "export", name, unit: "ms", target: "≤ 1.2× sqlite3 shell CSV", pass: null, skipped: "the sqlite3 shell is not installed" });
  } else {
    log(`export: crm vs the sqlite3 shell ${shell}, ${EXPORT_ROUNDS} rounds`);
    const crmFile = path.join(dir, "export-crm.csv");
    const shellFile = path.join(dir, "export-sqlite3.csv");
    const bare = () =>
      check(run("sqlite3", ["-readonly", "-csv", "-header", "-cmd", `.output ${shellFile}`, scaleDb, EXPORT_SQL], { env: scaleEnv }), "sqlite3 shell");
    const subject = () => crm(scaleDb, ["export", "purchases", "--format", "csv", "-o", crmFile], { memory: true });
    let rss = 0;
    const [base, m] = interleaved(
      [
        () => bare().ms,
        () => {
          fs.rmSync(crmFile, { force: true });
          const r = subject();
          rss = Math.max(rss, r.rssKb ?? 0);
          return r.ms;
        },
      ],
      EXPORT_ROUNDS,
      0,
    );
    const a = csvEnds(shellFile);
    const b = csvEnds(crmFile);
    if (a.lines !== b.lines) throw new Error(`crm exported ${b.lines - 1} rows, the sqlite3 shell ${a.lines - 1}`);
    // The files differ in size (quoting), so their windows hold different numbers of rows: compare the rows both hold.
    const k = Math.min(a.first.length, b.first.length, a.last.length, b.last.length);
    const ends = (e) => JSON.stringify([e.first.slice(0, k), e.last.slice(-k)]);
    const same = ends(a) === ends(b);
    if (!same) log(`  warning: crm's CSV and the shell's differ in their first or last rows:\n  crm:    ${b.first[1]}\n  sqlite3: ${a.first[1]}`);
    figures.push({
      group: "export",
      name,
      unit: "ms",
      measured: m,
      baseline: { name: `sqlite3 ${shell} shell: -csv -header of the same join`, ms: base },
      ratio: m / base,
      peakRssMb: rss / 1024,
      target: "≤ 1.2× sqlite3 shell CSV",
      pass: m / base <= 1.2,
      runs: EXPORT_ROUNDS,
      sameRows: same,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// BG/NBD + Gamma-Gamma on CDNOW, against lifetimes' published fit times (BetaGeoFitter 0.065 s,
// GammaGammaFitter 0.03 s on the same summary). Each sample is a fresh process: a cold first fit.

if (want("cdnow")) {
  const LIFETIMES = { bgnbd: 65, gammaGamma: 30 };
  const bg = [];
  const gg = [];
  let params;
  for (let round = 0; round < CDNOW_ROUNDS; round++) {
    const p = JSON.parse(
      check(run(NODE, [path.join(HERE, "probe.mjs"), probeLib, "cdnow", path.join(ROOT, "test", "fixtures", "cdnow")], { env }), "cdnow probe").stdout,
    );
    bg.push(p.bgnbdMs);
    gg.push(p.gammaGammaMs);
    params = { bgnbd: p.bgnbd, gammaGamma: p.gammaGamma };
  }
  const sum = bg.map((b, i) => b + gg[i]);
  const m = median(sum);
  const base = LIFETIMES.bgnbd + LIFETIMES.gammaGamma;
  figures.push({
    group: "cdnow",
    name: "BG/NBD + Gamma-Gamma fit on CDNOW (2,357 customers)",
    unit: "ms",
    measured: m,
    baseline: { name: "lifetimes (published: 0.065 s + 0.03 s)", ms: base },
    ratio: m / base,
    parts: { bgnbdMs: median(bg), gammaGammaMs: median(gg) },
    params,
    target: "≤ 1× lifetimes",
    pass: m <= base,
    runs: CDNOW_ROUNDS,
  });
}

// ---------------------------------------------------------------------------------------------
// Mail: the first `crm mail sync` of 10,000 messages against a local Dovecot (informational; see mail.mjs).

if (want("mail")) {
  const { mailSyncFigure } = await import("./mail.mjs");
  const f = await mailSyncFigure({ messages: Math.max(100, Math.round(10_000 * scale)), env, log });
  if (f) figures.push(f);
}

// ---------------------------------------------------------------------------------------------
// Report

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model?.trim() ?? "unknown",
  cores: cpus.length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  sqlite: new Database(":memory:").prepare("select sqlite_version() v").get().v,
};
const loadAtEnd = load();

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const rows = figures.map((f) => [
  f.name,
  f.skipped ? "—" : fmt(f.measured),
  f.ratio !== undefined ? `${f.ratio.toFixed(2)}× (${fmt(f.baseline.ms)})` : "",
  f.peakRssMb !== undefined ? `${f.peakRssMb.toFixed(0)} MiB` : "",
  f.target ?? "informational",
  f.skipped ? `skipped: ${f.skipped}` : f.pass === null ? "" : f.pass ? "ok" : "MISSED",
]);
const header = ["figure", "median", "ratio (baseline)", "peak RSS", "target", ""];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
const line = (r) =>
  r
    .map((c, i) => c + " ".repeat(widths[i] - [...c].length))
    .join("  ")
    .trimEnd();
const targeted = figures.filter((f) => f.target && !f.skipped);
const skipped = figures.filter((f) => f.skipped);
const imported = Object.entries(importTimes).filter(([k]) => k !== "dealsAndFollowups");
process.stdout.write(
  [
    "",
    `crm benchmark — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, SQLite ${machine.sqlite}, TZ ${TZ}`,
    `load average at start ${loadAtStart.join(" ")}, at end ${loadAtEnd.join(" ")}; peak memory: ${memoryMethod}`,
    needScaleDb || needFiles
      ? givenScaleDb
        ? `scale set: a copy of ${givenScaleDb} (${scaleSize})`
        : `scale set: ${Object.entries(counts)
            .map(([k, v]) => `${thousands(v)} ${k}`)
            .join(", ")} (deals and follow-ups inserted directly: they have no import command)`
      : "",
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    imported.length ? `other imports (informational): ${imported.map(([k, v]) => `${k} ${secs(v)} s`).join(", ")}` : "",
    `${targeted.filter((f) => f.pass).length} of ${targeted.length} targets met${skipped.length ? `, ${skipped.length} skipped` : ""}; ` +
      `total ${Math.round((Date.now() - started) / 1000)} s`,
    "",
  ].join("\n"),
);

if (outFile) {
  const round = (v, to) => (v === undefined ? undefined : Math.round(v * to) / to);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine,
    conditions: {
      tz: TZ,
      now: NOW,
      scale: givenScaleDb ? `a copy of ${givenScaleDb}` : counts,
      groups: [...selected],
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      memoryMethod,
    },
    imports: { ...Object.fromEntries(Object.entries(importTimes).map(([k, v]) => [`${k}Ms`, v])) },
    figures: figures.map((f) => ({
      ...f,
      measured: round(f.measured, 10),
      ratio: round(f.ratio, 100),
      peakRssMb: round(f.peakRssMb, 1),
      baseline: f.baseline && { ...f.baseline, ms: round(f.baseline.ms, 10) },
    })),
  };
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  log(`wrote ${path.relative(process.cwd(), outFile)} (the README's table: node test/bench/readme-table.mjs ${path.relative(process.cwd(), outFile)})`);
}

if (keep) log(`kept ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });

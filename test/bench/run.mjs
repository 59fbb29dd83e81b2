// `npm run bench`: the performance figures of PRODUCT.md, each against a baseline or limit measured in
// the same run on the same machine. Generates the scale data set (seeded, see data.mjs) into a temp
// directory, imports it with crm's own import commands, then measures:
//   start-up        crm --version / contact list (1,000 contacts) / followup list / remind  vs  node -e 0
//   import          crm import purchases (1,000,000 rows)  vs  a bare better-sqlite3 insert loop
//   scale           every report, today, remind, contact list --limit 50: wall time and peak memory
//   find            crm find <word>: the whole command, and the search itself (open + query)
//   CDNOW           BG/NBD + Gamma-Gamma fit time  vs  the lifetimes library's published timings
//   mail            the first crm mail sync of 10,000 messages against a local Dovecot (mail.mjs)
// Baselines and subjects are interleaved round by round (the machine may be busy) and the medians
// compared. Prints a table; writes test/bench/results.json.
//
// Flags: --scale <f> (fraction of the data set, for trying the harness; results.json is only written
// at full scale unless --out is given), --runs <n> (rounds for the scale commands), --keep (keep the
// temp directory), --out <file>.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { build } from "esbuild";
import { SCALE, NOW, writeAll, writeContacts, dealsAndFollowups, insertDealsAndFollowups } from "./data.mjs";
import { run, check, median, memoryMethod } from "./measure.mjs";

// Every process of the run, this one included, works in one fixed zone with daylight saving, so local
// day arithmetic (reports count purchases per local day) costs what it costs for most users, whatever
// the machine's own zone.
const TZ = "Europe/Berlin";
process.env.TZ = TZ;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const BIN = path.join(ROOT, "bin", "crm.js");
const NODE = process.execPath;

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const scale = Number(flag("--scale", "1"));
const full = scale === 1;
const counts = Object.fromEntries(Object.entries(SCALE).map(([k, v]) => [k, Math.max(10, Math.round(v * scale))]));
const STARTUP_ROUNDS = Number(flag("--startup-runs", "21"));
const SCALE_ROUNDS = Number(flag("--runs", "5"));
const IMPORT_ROUNDS = Number(flag("--import-runs", full ? "3" : "2"));
const FIND_ROUNDS = Number(flag("--find-runs", "11"));
const CDNOW_ROUNDS = Number(flag("--cdnow-runs", "11"));
const outFile = flag("--out", full ? path.join(HERE, "results.json") : undefined);
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

/** Checkpoints and closes, so copying the main file copies the whole database. */
function settle(db) {
  const d = new Database(db);
  d.pragma("wal_checkpoint(TRUNCATE)");
  d.close();
}
const count = (db, table) => {
  const d = new Database(db, { readonly: true });
  const n = d.prepare(`select count(*) n from ${table}`).get().n;
  d.close();
  return n;
};

const figures = [];
const loadAtStart = load();
const started = Date.now();

// ---------------------------------------------------------------------------------------------
// Data

log(`crm benchmark — data in ${dir}${full ? "" : ` (scale ${scale})`}`);
let t = Date.now();
const files = writeAll(dir, counts);
log(
  `generated ${Object.entries(counts)
    .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
    .join(", ")} in ${secs(Date.now() - t)} s`,
);

// For the in-process probes: the product's own functions, bundled from src/ like the CLI is.
// Written under test/bench/out/ (git-ignored), from where better-sqlite3 resolves in node_modules.
const outDir = path.join(HERE, "out");
fs.mkdirSync(outDir, { recursive: true });
const probeLib = path.join(outDir, "probe-lib.mjs");
await build({
  stdin: {
    contents: [
      'export { openStore } from "./src/db/open.ts";',
      'export { search } from "./src/core/contacts/search.ts";',
      'export { fitBgNbd } from "./src/analytics/bgnbd.ts";',
      'export { fitGammaGamma } from "./src/analytics/gammagamma.ts";',
    ].join("\n"),
    resolveDir: ROOT,
    loader: "ts",
  },
  outfile: probeLib,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["better-sqlite3"],
  logLevel: "warning",
  banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
});

// ---------------------------------------------------------------------------------------------
// Start-up: a 1,000-contact database with a few follow-ups, commands spawned as a user would.

{
  log("start-up: 1,000 contacts");
  const small = path.join(dir, "small.db");
  const smallCsv = path.join(dir, "contacts-1000.csv");
  writeContacts(smallCsv, 1000);
  crm(small, ["config", "set", "currency", "EUR"], { env });
  crm(small, ["import", "contacts", smallCsv], { env });
  const d = new Database(small);
  insertDealsAndFollowups(d, dealsAndFollowups({ deals: 20, followups: 200 }, 1000, new Date()));
  d.close();

  const subjects = [
    { name: "node -e 0", args: ["-e", "0"] },
    { name: "crm --version", args: [BIN, "--version"] },
    { name: "crm contact list (1,000 contacts)", args: [BIN, "--db", small, "contact", "list"] },
    { name: "crm followup list", args: [BIN, "--db", small, "followup", "list"] },
    { name: "crm remind", args: [BIN, "--db", small, "remind"] },
  ];
  const samples = subjects.map(() => []);
  for (let round = -2; round < STARTUP_ROUNDS; round++) {
    subjects.forEach((s, i) => {
      const r = check(run(NODE, s.args, { env }), s.name);
      if (round >= 0) samples[i].push(r.ms);
    });
  }
  const base = median(samples[0]);
  subjects.slice(1).forEach((s, i) => {
    const m = median(samples[i + 1]);
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
// The scale database: contacts through crm import; then the purchases import against the bare loop.

const scaleDb = path.join(dir, "scale.db");
const importTimes = {};
{
  const contactsDb = path.join(dir, "contacts.db");
  crm(contactsDb, ["config", "set", "currency", "EUR"]);
  t = Date.now();
  crm(contactsDb, ["import", "contacts", files.contacts]);
  importTimes.contacts = Date.now() - t;
  log(`crm import contacts: ${counts.contacts.toLocaleString("en")} rows in ${secs(importTimes.contacts)} s`);
  settle(contactsDb);

  log(`crm import purchases vs bare insert loop: ${IMPORT_ROUNDS} rounds of ${counts.purchases.toLocaleString("en")} rows`);
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
    for (const f of [bareDb, `${bareDb}-wal`, `${bareDb}-shm`]) fs.rmSync(f, { force: true });

    const target = round === IMPORT_ROUNDS - 1 ? scaleDb : path.join(dir, `import-${round}.db`);
    fs.copyFileSync(contactsDb, target);
    const r = crm(target, ["import", "purchases", files.purchases], { memory: true });
    imports.push(r.ms);
    rss = Math.max(rss, r.rssKb ?? 0);
    const n = count(target, "purchases");
    if (n !== counts.purchases) throw new Error(`crm import purchases stored ${n} rows`);
    if (target !== scaleDb) for (const f of [target, `${target}-wal`, `${target}-shm`]) fs.rmSync(f, { force: true });
    log(`  round ${round + 1}: bare ${secs(ms)} s, crm ${secs(r.ms)} s`);
  }
  const m = median(imports);
  const base = median(bare);
  figures.push({
    group: "import",
    name: `crm import purchases (${counts.purchases.toLocaleString("en")} rows)`,
    unit: "ms",
    measured: m,
    baseline: { name: "bare better-sqlite3 insert loop", ms: base },
    ratio: m / base,
    peakRssMb: rss / 1024,
    target: "≤ 2× bare insert loop",
    pass: m / base <= 2,
    runs: IMPORT_ROUNDS,
  });
  fs.rmSync(contactsDb, { force: true });
}

{
  t = Date.now();
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
  log(`crm import interactions: ${counts.interactions.toLocaleString("en")} rows in ${secs(importTimes.interactions)} s`);
  log(`crm import responses: ${counts.responses.toLocaleString("en")} rows in ${secs(importTimes.responses)} s`);
  log(
    `deals and follow-ups have no import command: ${counts.deals.toLocaleString("en")} deals and ${counts.followups.toLocaleString("en")} ` +
      `follow-ups inserted directly with better-sqlite3 (${secs(importTimes.dealsAndFollowups)} s)`,
  );
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
  ["today"],
  ["remind"],
  ["contact", "list", "--limit", "50"],
];
{
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
      name: `crm ${args.join(" ")}`,
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
// crm find: the whole command (start-up included) and the search itself (open + query, in-process).

{
  const words = [
    { word: "refund", what: "a common word" },
    { word: "Lovelace", what: "a name" },
  ];
  for (const { word, what } of words) {
    const whole = [];
    const query = [];
    let hits = 0;
    for (let round = -1; round < FIND_ROUNDS; round++) {
      const r = crm(scaleDb, ["find", word]);
      const p = JSON.parse(check(run(NODE, [path.join(HERE, "probe.mjs"), probeLib, "find", scaleDb, word], { env: scaleEnv }), "find probe").stdout);
      if (round < 0) continue;
      whole.push(r.ms);
      query.push(p.ms);
      hits = p.hits;
    }
    const q = median(query);
    const w = median(whole);
    figures.push({
      group: "find",
      name: `crm find ${word} (${what}): search, open + query in-process`,
      unit: "ms",
      measured: q,
      target: "< 100 ms",
      pass: q < 100,
      runs: FIND_ROUNDS,
      hits,
    });
    figures.push({
      group: "find",
      name: `crm find ${word} (${what}): whole command`,
      unit: "ms",
      measured: w,
      target: "< 100 ms",
      pass: w < 100,
      runs: FIND_ROUNDS,
      hits,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// BG/NBD + Gamma-Gamma on CDNOW, against lifetimes' published fit times (BetaGeoFitter 0.065 s,
// GammaGammaFitter 0.03 s on the same summary). Each sample is a fresh process: a cold first fit.

{
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

{
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

const fmt = (f) => {
  if (f.unit === "ms") return f.measured >= 1000 ? `${(f.measured / 1000).toFixed(2)} s` : `${f.measured.toFixed(f.measured < 100 ? 1 : 0)} ms`;
  return String(f.measured);
};
const rows = figures.map((f) => [
  f.name,
  fmt(f),
  f.ratio !== undefined ? `${f.ratio.toFixed(2)}× (${fmt({ unit: "ms", measured: f.baseline.ms })})` : "",
  f.peakRssMb !== undefined ? `${f.peakRssMb.toFixed(0)} MB` : "",
  f.target,
  f.pass ? "ok" : "MISSED",
]);
const header = ["figure", "median", "ratio (baseline)", "peak RSS", "target", ""];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
const line = (r) =>
  r
    .map((c, i) => c + " ".repeat(widths[i] - [...c].length))
    .join("  ")
    .trimEnd();
process.stdout.write(
  [
    "",
    `crm benchmark — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, SQLite ${machine.sqlite}, TZ ${TZ}`,
    `load average at start ${loadAtStart.join(" ")}, at end ${loadAtEnd.join(" ")}; peak memory: ${memoryMethod}`,
    `scale set: ${Object.entries(counts)
      .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
      .join(", ")}` + ` (deals and follow-ups inserted directly: they have no import command)`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `other imports (informational): contacts ${secs(importTimes.contacts)} s, interactions ${secs(importTimes.interactions)} s, ` +
      `survey responses ${secs(importTimes.responses)} s`,
    `${figures.filter((f) => f.pass).length} of ${figures.length} targets met; total ${Math.round((Date.now() - started) / 1000)} s`,
    "",
  ].join("\n"),
);

if (outFile) {
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine,
    conditions: { tz: TZ, now: NOW, scale: counts, loadAverage: { start: loadAtStart, end: loadAtEnd }, memoryMethod },
    imports: { ...Object.fromEntries(Object.entries(importTimes).map(([k, v]) => [`${k}Ms`, v])) },
    figures: figures.map((f) => ({
      ...f,
      measured: Math.round(f.measured * 10) / 10,
      ratio: f.ratio === undefined ? undefined : Math.round(f.ratio * 100) / 100,
      peakRssMb: f.peakRssMb === undefined ? undefined : Math.round(f.peakRssMb),
      baseline: f.baseline && { ...f.baseline, ms: Math.round(f.baseline.ms * 10) / 10 },
    })),
  };
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  log(`wrote ${path.relative(process.cwd(), outFile)}`);
}

if (keep) log(`kept ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });

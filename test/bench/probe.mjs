// In-process timings of the product's own code, for figures where the whole command's wall time
// would mostly measure Node's start-up: run.mjs bundles src/ functions (esbuild) into `lib` and runs
// this file in a fresh process per sample, so each timing is the cold, first call a command makes.
// Usage: node probe.mjs <lib.mjs> find <db> <word>     → open the database + search, in ms
//        node probe.mjs <lib.mjs> cdnow <fixtures dir>  → BG/NBD fit and Gamma-Gamma fit, in ms
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [libFile, what, ...rest] = process.argv.slice(2);
const lib = await import(pathToFileURL(libFile).href);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

if (what === "find") {
  const [db, word] = rest;
  const t0 = process.hrtime.bigint();
  const store = lib.openStore(db);
  const hits = lib.search(store, word, 20);
  const total = ms(t0);
  store.sqlite.close();
  process.stdout.write(JSON.stringify({ ms: total, hits: hits.length }) + "\n");
} else if (what === "cdnow") {
  const dir = rest[0];
  const rows = (file) =>
    fs
      .readFileSync(path.join(dir, file), "utf8")
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim())
      .map((l) => l.split(",").map(Number));
  const summary = rows("cdnow_customers_summary.csv").map(([, x, tx, T]) => ({ x, tx, T }));
  const spend = rows("cdnow_customers_summary_with_transactions.csv")
    .filter((r) => r[1] > 0)
    .map(([, x, , , zbar]) => ({ x, mbar: zbar }));
  let t0 = process.hrtime.bigint();
  const bg = lib.fitBgNbd(summary);
  const bgMs = ms(t0);
  t0 = process.hrtime.bigint();
  const gg = lib.fitGammaGamma(spend);
  const ggMs = ms(t0);
  process.stdout.write(
    JSON.stringify({
      bgnbdMs: bgMs,
      gammaGammaMs: ggMs,
      bgnbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, customers: bg.customers },
      gammaGamma: { p: gg.p, q: gg.q, gamma: gg.gamma, customers: gg.customers },
    }) + "\n",
  );
} else {
  throw new Error(`unknown probe ${what}`);
}

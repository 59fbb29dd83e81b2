// Running a command and measuring it: wall time from spawn to exit (the parent's clock), and the peak
// resident memory of the process as the kernel counts it (ru_maxrss of the child).
//
// Peak memory: under GNU time (`/usr/bin/time -f %M -o <file>`) when it is installed — it reads the
// child's rusage from wait4(), so nothing is sampled and nothing is missed. Without it, the child runs
// with `--import peak-rss.mjs`, which writes `process.resourceUsage().maxRSS` (the same ru_maxrss, of the
// node process itself) when the process exits. Both are the high-water mark of the whole process, in kB.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GNU_TIME = "/usr/bin/time";

function hasGnuTime() {
  if (process.env.CRM_BENCH_NO_GNU_TIME) return false; // to try the fallback
  if (!fs.existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" });
  return r.status === 0 && /^\d+\s*$/.test(r.stderr.trim().split("\n").pop() ?? "");
}

export const memoryMethod = hasGnuTime()
  ? "GNU time (/usr/bin/time -f %M): ru_maxrss of the child from wait4()"
  : "process.resourceUsage().maxRSS written at exit by a preloaded module (--import)";
const useGnuTime = memoryMethod.startsWith("GNU");
const rssFile = path.join(os.tmpdir(), `crm-bench-rss-${process.pid}.txt`);

/**
 * Runs `file args` once. Returns { ms, rssKb?, status, stdout, stderr }. With `memory`, the process
 * runs under GNU time (or with the preload); without, it is spawned directly (start-up timings).
 */
export function run(file, args, { env, memory = false, input, cwd } = {}) {
  let command = file;
  let argv = args;
  if (memory) {
    fs.rmSync(rssFile, { force: true });
    if (useGnuTime) {
      command = GNU_TIME;
      argv = ["-f", "%M", "-o", rssFile, file, ...args];
    } else {
      argv = ["--import", path.join(HERE, "peak-rss.mjs"), ...args];
      env = { ...env, CRM_BENCH_RSS_FILE: rssFile };
    }
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, argv, { env, input, cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  let rssKb;
  if (memory) {
    const text = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, "utf8").trim().split("\n").pop() : "";
    rssKb = Number(text) || undefined;
  }
  return { ms, rssKb, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Fails loudly: a benchmark of a command that failed measures nothing. */
export function check(r, what) {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
  return r;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ROOT = path.resolve(HERE, "..", "..");

/**
 * Bundles the product's own TypeScript modules named by `exports` (lines of `export … from "./src/…"`)
 * into one ES module at `outfile`, for a plain Node script; better-sqlite3 stays external, resolved
 * from node_modules. Returns `outfile`.
 */
export async function bundleSources(exports, outfile) {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    stdin: { contents: exports.join("\n"), resolveDir: ROOT, loader: "ts" },
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["better-sqlite3"],
    logLevel: "warning",
    banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
  });
  return outfile;
}

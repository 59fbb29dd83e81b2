// Test helpers: a temp directory per test, and the built binary spawned the way users and cron run it
// (no TTY, a fixed clock, no colour unless asked).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin", "crm.js");

export function tempDir(prefix = "crm-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
}

/** Spawns `crm` with a database in `dir` (unless args or env name another). stdin is a pipe: no TTY. */
export function crm(dbOrDir: string, args: string[], opts: RunOptions = {}): RunResult {
  const db = dbOrDir.endsWith(".db") ? dbOrDir : path.join(dbOrDir, "crm.db");
  const env: Record<string, string | undefined> = { ...process.env, CRM_DB: db, CRM_NOW: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, TZ: process.env.TZ ?? "UTC", ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, input: opts.input ?? "", encoding: "utf8", cwd: opts.cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and parses stdout as JSON, failing loudly with stderr when the command failed. */
export function crmJson<T = any>(dbOrDir: string, args: string[], opts: RunOptions = {}): T {
  const r = crm(dbOrDir, [...args, "--format", "json"], opts);
  if (r.code !== 0) throw new Error(`crm ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The result of a command that must succeed; throws with its stderr otherwise. */
export function ok(r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r;
}

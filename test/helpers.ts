// Test helpers: a temp directory per test; crm run in-process through main(argv, io) for the CLI's
// contract, and the built binary spawned the way users and cron run it for what needs a process.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../src/main.js";
import type { Io } from "../src/cli/io.js";
import { openStore } from "../src/db/open.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin", "crm.js");

const made: string[] = [];
/** What was built in those directories and is forgotten with them (see removeTempDirs). */
const builtInTempDirs: (() => void)[] = [];

/**
 * A new temp directory, removed when the test file ends (test/setup.ts). It may be on a file system in
 * memory (vitest.config.ts); `onDisk` asks for the system's usual temp directory instead.
 */
export function tempDir(prefix = "crm-test-", onDisk = false): string {
  const dir = fs.mkdtempSync(path.join((onDisk && process.env.CRM_TEST_DISK_TMPDIR) || os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Removes every directory tempDir() made in this test file, and forgets the template database and the
 * fixtures built in them: test files run one after another in a worker that keeps its modules
 * (vitest.config.ts), so the next file builds its own.
 */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const forget of builtInTempDirs) forget();
}

let template: string | undefined;
builtInTempDirs.push(() => (template = undefined));

/**
 * A temp directory holding `crm.db`: a copy of one database migrated once per test file, so a test
 * gets an empty, current database without paying for the migrations.
 */
export function freshDbDir(): string {
  if (!template) {
    template = path.join(tempDir("crm-template-"), "crm.db");
    openStore(template).sqlite.close();
  }
  const dir = tempDir();
  fs.copyFileSync(template, path.join(dir, "crm.db"));
  fs.chmodSync(path.join(dir, "crm.db"), 0o600);
  return dir;
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
  const env: Record<string, string | undefined> = {
    ...process.env,
    CRM_DB: db,
    CRM_NOW: undefined,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    TZ: process.env.TZ ?? "UTC",
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, input: opts.input ?? "", encoding: "utf8", cwd: opts.cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The result of a command that must succeed; throws with its stderr otherwise. */
export function ok(r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r;
}

export interface TestIoOptions {
  env?: Record<string, string | undefined>;
  /** What the command reads on stdin (a pipe, not a terminal). */
  input?: string;
  /** Pretend stdout and stderr are terminals (of `columns` columns, default 100). */
  tty?: boolean;
  columns?: number;
}

/** An Io whose output is collected in memory; not a terminal unless asked. */
export function testIo(opts: TestIoOptions = {}): { io: Io; stdout: () => string; stderr: () => string } {
  const collect = () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
        done();
      },
    }) as Writable & { isTTY?: boolean; columns?: number };
    if (opts.tty) {
      stream.isTTY = true;
      stream.columns = opts.columns ?? 100;
    }
    return { stream, text: () => chunks.join("") };
  };
  const out = collect();
  const err = collect();
  const stdin = new PassThrough();
  stdin.end(opts.input ?? "");
  return { io: { stdout: out.stream, stderr: err.stream, stdin, env: { ...opts.env } }, stdout: out.text, stderr: err.text };
}

/**
 * `crm` run in-process through main(argv, io), with the same defaults as the spawned `crm()`: the
 * database in `dbOrDir`, UTC unless `env.TZ` says otherwise, no colour, no TTY. Use it for the CLI's
 * contract; spawn only for what needs a real process (pipes, signals, concurrency, crashes).
 */
export async function run(dbOrDir: string, args: string[], opts: TestIoOptions = {}): Promise<RunResult> {
  const db = dbOrDir.endsWith(".db") ? dbOrDir : path.join(dbOrDir, "crm.db");
  const env: Record<string, string | undefined> = { CRM_DB: db, TZ: "UTC", ...opts.env };
  const { io, stdout, stderr } = testIo({ ...opts, env });
  const tz = process.env.TZ;
  if (env.TZ !== tz) process.env.TZ = env.TZ;
  try {
    const code = await main(args, io);
    return { code, stdout: stdout(), stderr: stderr() };
  } finally {
    if (process.env.TZ !== tz) {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  }
}

/** run() and parse stdout as JSON, failing loudly with stderr when the command failed. */
export async function runJson<T = any>(dbOrDir: string, args: string[], opts: TestIoOptions = {}): Promise<T> {
  const r = await run(dbOrDir, [...args, "--format", "json"], opts);
  if (r.code !== 0) throw new Error(`crm ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * A fixture built once per test file, in-process, by `build` on a fresh database directory; each call
 * gives a private copy of that directory (the database and any files built beside it) for one test.
 */
export function fixtureDir(build: (dir: string) => Promise<void> | void): () => Promise<string> {
  let built: Promise<string> | undefined;
  builtInTempDirs.push(() => (built = undefined));
  return async () => {
    built ??= (async () => {
      const dir = freshDbDir();
      await build(dir);
      return dir;
    })();
    const dir = tempDir();
    fs.cpSync(await built, dir, { recursive: true });
    return dir;
  };
}

/** run() that must succeed: its stdout, or an error with its stderr. */
export async function runOk(dbOrDir: string, args: string[], opts: TestIoOptions = {}): Promise<string> {
  const r = await run(dbOrDir, args, opts);
  if (r.code !== 0) throw new Error(`crm ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/**
 * run(), with whatever the command wrote to the process's own stdout and stderr instead of its Io —
 * through process.stdout/stderr or straight to file descriptors 1 and 2 — added to the result: what a
 * user of the real process would see, whichever way the text went. `bypassedIo` is that part alone.
 */
export async function runSeen(dbOrDir: string, args: string[], opts: TestIoOptions = {}): Promise<RunResult & { bypassedIo: string }> {
  const caught: Record<1 | 2, Buffer[]> = { 1: [], 2: [] };
  const streams = [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const;
  const originalWrites = streams.map(([s]) => s.write);
  for (const [s, fd] of streams) {
    s.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      caught[fd].push(Buffer.from(chunk));
      (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
      return true;
    }) as typeof s.write;
  }
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (fd !== 1 && fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    if (typeof data === "string") {
      caught[fd].push(Buffer.from(data));
      return Buffer.byteLength(data);
    }
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const offset = typeof rest[0] === "number" ? rest[0] : 0;
    const length = typeof rest[1] === "number" ? rest[1] : bytes.length - offset;
    caught[fd].push(Buffer.from(bytes.subarray(offset, offset + length)));
    return length;
  }) as typeof fs.writeSync;
  try {
    const r = await run(dbOrDir, args, opts);
    const out = Buffer.concat(caught[1]).toString("utf8");
    const err = Buffer.concat(caught[2]).toString("utf8");
    return { code: r.code, stdout: r.stdout + out, stderr: r.stderr + err, bypassedIo: out + err };
  } finally {
    streams.forEach(([s], i) => (s.write = originalWrites[i]!));
    fs.writeSync = writeSync;
  }
}

const SLEEP_SYSCALLS = new Set([35, 230]); // nanosleep, clock_nanosleep (x86-64)

/**
 * True when process `pid` has `db` open and its main thread is asleep in SQLite's busy handler (it
 * sleeps between tries for a lock). Where /proc cannot say (another architecture or system), true once
 * the database is open: crm then reaches the lock after at most a few milliseconds of work.
 */
export function waitingForLock(pid: number, db: string): boolean {
  let open = false;
  try {
    open = fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `${db}-shm`;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
  if (!open) return false;
  if (process.arch !== "x64") return true;
  try {
    return SLEEP_SYSCALLS.has(Number(fs.readFileSync(`/proc/${pid}/syscall`, "utf8").split(" ")[0]));
  } catch {
    return true;
  }
}

/** Polls `condition` every few milliseconds until it holds (the test's own timeout bounds it). */
export async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

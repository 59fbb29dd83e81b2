// Everything a command needs from the outside world, resolved once: the clock (--as-of/CRM_NOW), the
// database (opened on first use), the output format and whether colour and prompts are allowed.
import type { Command } from "commander";
import { parseAsOf } from "../io/dates.js";
import { busyTimeoutMs, openStore, resolveDbPath, translateSqliteError, type OpenOptions, type Store } from "../db/open.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "../db/errors.js";
import { parseFormat, type Format } from "./render/output.js";
import { terminalSafe } from "./render/safe-text.js";
import { makeColors, type Colors } from "./render/colors.js";
import { colorAllowed, type Io } from "./io.js";

export interface Ctx {
  /** The streams and environment this command talks through. */
  io: Io;
  now: Date;
  format: Format;
  outputFile?: string;
  /** "box" on a TTY, "plain" (aligned, borderless) when stdout is piped. */
  tableStyle: "box" | "plain";
  useColor: boolean;
  color: Colors;
  /** Colour decision for stderr (it may be a TTY while stdout is piped). */
  errColor: Colors;
  interactive: boolean;
  dbPath: string;
  /** The --db flag as given, if any. */
  dbFlag?: string;
  store(): Store;
  /** Data on stdout (ids printed by add commands, values): never personal data on stderr. */
  print(text: string): void;
  /** How the database is opened: CRM_BUSY_TIMEOUT_MS, and the upgrade message told through info(). */
  openOptions(): OpenOptions;
  /** CRM_BUSY_TIMEOUT_MS for error messages; the default when it cannot be read (reported on opening). */
  busyTimeoutMs(): number;
  /** A message for the person at the terminal (stderr). */
  info(message: string): void;
  warn(message: string): void;
  close(): void;
}

export interface GlobalOptions {
  db?: string;
  asOf?: string;
  color?: boolean;
  format?: string;
  output?: string;
}

export async function makeContext(cmd: Command, io: Io, formats?: readonly string[]): Promise<Ctx> {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const env = io.env;
  const asOf = opts.asOf ?? env.CRM_NOW;
  const now = asOf ? await parseAsOf(asOf, new Date()) : new Date();
  const useColor = colorAllowed(io.stdout, env, opts.color);
  const errColorOn = colorAllowed(io.stderr, env, opts.color);
  const color = makeColors(useColor);
  const errColor = makeColors(errColorOn);
  const dbPath = resolveDbPath(opts.db, env);
  let store: Store | undefined;
  const ctx: Ctx = {
    io,
    now,
    format: parseFormat(opts.format, formats),
    outputFile: opts.output,
    tableStyle: io.stdout.isTTY && !opts.output ? "box" : "plain",
    useColor: useColor && !opts.output,
    color: opts.output ? makeColors(false) : color,
    errColor,
    interactive: Boolean(io.stdin.isTTY),
    dbPath,
    dbFlag: opts.db,
    store() {
      if (!store) {
        try {
          store = openStore(dbPath, ctx.openOptions());
        } catch (err) {
          throw translateSqliteError(err, dbPath);
        }
      }
      return store;
    },
    print(text) {
      io.stdout.write(text);
    },
    openOptions() {
      return { busyTimeoutMs: busyTimeoutMs(env), onUpgrade: (message) => ctx.info(message) };
    },
    busyTimeoutMs() {
      try {
        return busyTimeoutMs(env);
      } catch {
        return DEFAULT_BUSY_TIMEOUT_MS;
      }
    },
    info(message) {
      io.stderr.write(terminalSafe(message) + "\n");
    },
    warn(message) {
      io.stderr.write(errColor.yellow("warning: ") + terminalSafe(message) + "\n");
    },
    close() {
      store?.sqlite.close();
      store = undefined;
    },
  };
  return ctx;
}

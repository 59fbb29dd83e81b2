// Everything a command needs from the outside world, resolved once: the clock (--as-of/CRM_NOW), the
// database (opened on first use), the output format and whether colour and prompts are allowed.
import type { Command } from "commander";
import { parseAsOf } from "../io/dates.js";
import { busyTimeoutMs, DatabasePathError, openStore, resolveDbPath, translateSqliteError, type OpenOptions, type Store } from "../db/open.js";
import { CrmError } from "../errors.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "../db/errors.js";
import { parseFormat } from "./render/output.js";
import type { Out } from "./render/out.js";
import { terminalSafe } from "./render/safe-text.js";
import { makeColors, type Colors } from "./render/colors.js";
import { colorLevel, type ColorFlag, type Io } from "./io.js";
import { readDateOrderFrom } from "./flags.js";

/** A command's context; it is also the renderers' `Out` (format, table style, colour, where to write). */
export interface Ctx extends Out {
  /** The streams and environment this command talks through. */
  io: Io;
  now: Date;
  /** Colour decision for stderr (it may be a TTY while stdout is piped). */
  errColor: Colors;
  interactive: boolean;
  /** The --db flag as given, if any. */
  dbFlag?: string;
  store(): Store;
  /** Data on stdout (ids printed by add commands, values): never personal data on stderr. */
  print(text: string): void;
  /** How the database is opened: CRM_BUSY_TIMEOUT_MS, and the upgrade message told through info(). */
  openOptions(): OpenOptions;
  /** CRM_BUSY_TIMEOUT_MS for error messages; the default when it cannot be read (reported on opening). */
  busyTimeoutMs(): number;
  warn(message: string): void;
  close(): void;
}

export interface GlobalOptions {
  db?: string;
  asOf?: string;
  color?: ColorFlag;
  format?: string;
  output?: string;
}

/** The database path comes from --db or CRM_DB: a path that cannot hold the database says so. */
const DATABASE_PATH_HINTS: Record<DatabasePathError["problem"], string> = {
  directory: "pass a file path with --db",
  "cannot-create": "check the directory's permissions, or choose another path with --db or CRM_DB",
};

/** `run`, with core's refusal of a database path given the hint that names --db and CRM_DB. */
export function withDatabasePathHint<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof DatabasePathError) throw new CrmError(err.message, err.exitCode, DATABASE_PATH_HINTS[err.problem]);
    throw err;
  }
}

export async function makeContext(cmd: Command, io: Io, formats?: readonly string[]): Promise<Ctx> {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const env = io.env;
  const asOf = opts.asOf ?? env.CRM_NOW;
  const now = asOf ? await parseAsOf(asOf, new Date(), opts.asOf !== undefined ? "--as-of date" : "CRM_NOW date") : new Date();
  // The one colour decision, for each stream; -o files never get colour.
  const level = opts.output ? 0 : colorLevel(io.stdout, env, opts.color);
  const errColor = await makeColors(colorLevel(io.stderr, env, opts.color));
  const color = await makeColors(level);
  const dbPath = resolveDbPath(opts.db, env);
  let store: Store | undefined;
  const ctx: Ctx = {
    io,
    now,
    format: parseFormat(opts.format, formats),
    outputFile: opts.output,
    tableStyle: io.stdout.isTTY && !opts.output ? "box" : "plain",
    useColor: level > 0,
    color,
    stdout: io.stdout,
    errColor,
    interactive: Boolean(io.stdin.isTTY),
    dbPath,
    dbFlag: opts.db,
    store() {
      if (!store) {
        try {
          store = withDatabasePathHint(() => openStore(dbPath, ctx.openOptions()));
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
  // Slash dates typed in flags (--due 03/05/2026) read by the date-order setting, looked up only then.
  readDateOrderFrom(async () => (await import("../core/config/settings.js")).dateOrder(ctx.store()));
  return ctx;
}

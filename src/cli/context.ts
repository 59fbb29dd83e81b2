// Everything a command needs from the outside world, resolved once: the clock (--as-of/CRM_NOW), the
// database (opened on first use), the output format and whether colour and prompts are allowed.
import type { Command } from "commander";
import { parseAsOf } from "../io/dates.js";
import { busyTimeoutMs, DatabasePathError, openStore, resolveDbPath, translateSqliteError, type OpenOptions, type Store } from "../db/open.js";
import { CrmError } from "../errors.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "../db/errors.js";
import { chooseFormat, FORMATS } from "./render/output.js";
import type { Format, Out } from "./render/out.js";
import { terminalSafe } from "./render/safe-text.js";
import { makeColors, type Colors } from "./render/colors.js";
import { colorLevel, terminalSize, type ColorFlag, type Io } from "./io.js";
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
  /** Prints what the pager still holds, or waits until the person quits the pager. */
  finishOutput(): Promise<void>;
}

export interface GlobalOptions {
  db?: string;
  asOf?: string;
  color?: ColorFlag;
  format?: string;
  output?: string;
  wide?: boolean;
  bom?: boolean;
  pager?: boolean;
}

/** The database path comes from --db or CRM_DB: a path that cannot hold the database says so. */
const DATABASE_PATH_HINTS: Record<DatabasePathError["problem"], string> = {
  directory: "pass a file path with --db",
  "not-a-file": "pass the path of a regular file with --db or CRM_DB",
  "cannot-create": "check the directory's permissions, or choose another path with --db or CRM_DB",
  missing: "point crm at your database with --db <file> or CRM_DB=<file> (`crm config path` shows the one in use), or add a contact to start a new one",
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

/** The pager for output taller than the terminal (./render/pager.ts), loaded only on a terminal. */
async function pagedOutput(io: Io) {
  const { PagedOutput, pagerCommand } = await import("./render/pager.js");
  const command = pagerCommand(io.env);
  return command === undefined ? undefined : new PagedOutput(io, command, terminalSize(io).rows);
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
  // A command that prints records (it has -o) only reads: it never starts a database where there is none.
  const onlyReads = cmd.options.some((o) => o.long === "--output");
  const pager = io.stdout.isTTY && !opts.output && opts.pager !== false ? await pagedOutput(io) : undefined;
  const stdout = pager ?? io.stdout;
  let store: Store | undefined;
  const ctx: Ctx = {
    io,
    now,
    format: chooseFormat(opts.format, opts.output, (formats ?? FORMATS) as readonly Format[], "table"),
    outputFile: opts.output,
    bom: opts.bom,
    tableStyle: io.stdout.isTTY && !opts.output ? "box" : "plain",
    width: io.stdout.isTTY && !opts.output && !opts.wide ? terminalSize(io).columns : undefined,
    useColor: level > 0,
    color,
    stdout,
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
      stdout.write(text);
    },
    openOptions() {
      return { busyTimeoutMs: busyTimeoutMs(env), onUpgrade: (message) => ctx.info(message), onWarning: (message) => ctx.warn(message), create: !onlyReads };
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
    async finishOutput() {
      await pager?.finish();
    },
  };
  // Slash dates typed in flags (--due 03/05/2026) read by the date-order setting, looked up only then.
  readDateOrderFrom(async () => (await import("../core/config/settings.js")).dateOrder(ctx.store()));
  return ctx;
}

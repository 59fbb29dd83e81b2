// The outside world as one value: the three streams, the environment, and what the terminal is.
// main(argv, io) takes it, so a command's whole contract (output, messages, exit code) runs in-process
// in tests (test/helpers.ts testIo), and the real process wires it once with `systemIo()`.

/** A stream crm writes to; `isTTY` and `columns` say whether a person is looking, and how wide. */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number; destroyed?: boolean; writableEnded?: boolean };
export type InStream = NodeJS.ReadableStream & { isTTY?: boolean };

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Readonly<Record<string, string | undefined>>;
}

let pipeWatched = false;

/** The process's own streams and environment. */
export function systemIo(): Io {
  if (!pipeWatched) {
    pipeWatched = true;
    // A reader that stops reading (`crm contact list | head -1`) is not a failure: the rest of the
    // output is dropped and crm ends as usual, instead of dying of an unhandled EPIPE with a stack trace.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
      process.stderr.write(`crm: cannot write the output: ${err.code ?? err.message}\n`);
      process.exitCode = 1;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** A positive whole number from the environment, else undefined. */
const envSize = (value: string | undefined) => (value && /^[1-9]\d*$/.test(value) ? Number(value) : undefined);

/**
 * The terminal's size as output should use it: $COLUMNS and $LINES when set (as less and ls read them),
 * else what the terminal says, else 80×24.
 */
export function terminalSize(io: Io): { columns: number; rows: number } {
  return {
    columns: envSize(io.env.COLUMNS) ?? (io.stdout.columns || 80),
    rows: envSize(io.env.LINES) ?? (io.stdout.rows || 24),
  };
}

/** chalk's colour levels: 0 none, 1 basic ANSI, 2 256 colours, 3 truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

/** `--color <when>` (auto is the default rule), or false for `--no-color`. */
export type ColorFlag = boolean | "auto" | "always" | "never" | undefined;

/** FORCE_COLOR as chalk and supports-color read it: unset → undefined; "", "true", "1"–"3" → a level; "0", "false" → 0. */
function forcedLevel(value: string | undefined): ColorLevel | undefined {
  if (value === undefined) return undefined;
  if (value === "" || value === "true") return 1;
  if (value === "false") return 0;
  const n = Number(value);
  return n === 0 || n === 1 || n === 2 || n === 3 ? n : 1;
}

/**
 * The chalk level for `stream`, decided once for the whole command, in this order:
 * `--color always|never` / `--no-color`; NO_COLOR when present and not empty (https://no-color.org);
 * FORCE_COLOR; then colour only on a terminal that is not TERM=dumb. crm uses only the sixteen basic
 * colours, which every level above 0 writes the same way, so "on" is basic ANSI unless FORCE_COLOR asks
 * for more.
 */
export function colorLevel(stream: OutStream, env: Io["env"], flag: ColorFlag): ColorLevel {
  const forced = forcedLevel(env.FORCE_COLOR);
  if (flag === false || flag === "never") return 0;
  if (flag === "always") return forced || 1;
  if (env.NO_COLOR) return 0;
  if (forced !== undefined) return forced;
  return stream.isTTY && env.TERM !== "dumb" ? 1 : 0;
}

/** The colour flag as written in `argv`, for messages printed before (or without) the parsed options. */
export function colorFlagIn(argv: readonly string[]): ColorFlag {
  let flag: ColorFlag;
  argv.forEach((arg, i) => {
    if (arg === "--no-color") flag = false;
    else if (arg === "--color") flag = argv[i + 1] as ColorFlag;
    else if (arg.startsWith("--color=")) flag = arg.slice("--color=".length) as ColorFlag;
  });
  return flag;
}

// The outside world as one value: the three streams, the environment, and what the terminal is.
// main(argv, io) takes it, so a command's whole contract (output, messages, exit code) runs in-process
// in tests (test/helpers.ts testIo), and the real process wires it once with `systemIo()`.

/** A stream crm writes to; `isTTY` and `columns` say whether a person is looking, and how wide. */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; destroyed?: boolean; writableEnded?: boolean };
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

/** chalk's colour levels: 0 none, 1 basic ANSI, 2 256 colours, 3 truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * Colour on `stream`, decided once for the whole command: only on a terminal, never with `--no-color`,
 * never when NO_COLOR is set (https://no-color.org).
 */
function colorAllowed(stream: OutStream, env: Io["env"], flag: boolean | undefined): boolean {
  return Boolean(stream.isTTY) && flag !== false && env.NO_COLOR === undefined;
}

/**
 * The chalk level for `stream`: basic ANSI (crm uses only the sixteen basic colours, which every level
 * above 0 writes the same way) where colour is allowed, else 0.
 */
export function colorLevel(stream: OutStream, env: Io["env"], flag: boolean | undefined): ColorLevel {
  return colorAllowed(stream, env, flag) ? 1 : 0;
}

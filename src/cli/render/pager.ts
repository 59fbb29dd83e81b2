// The pager, as git and gh use one: on a terminal, output taller than the screen goes through
// $CRM_PAGER, else $PAGER, else `less -FRX`. Output is held until it is known to be taller than the
// screen (shorter output is printed as it is, with no pager flashing by); from then on it streams into
// the pager. A pager that cannot start means the output is printed directly; quitting the pager early
// (q in less) stops the output quietly, like a closed pipe.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import type { Io, OutStream } from "../io.js";

/** The pager command: $CRM_PAGER, else $PAGER, else `less -FRX`; none when it is empty or `cat`. */
export function pagerCommand(env: Io["env"]): string | undefined {
  const command = (env.CRM_PAGER ?? env.PAGER ?? "less -FRX").trim();
  return command === "" || command === "cat" ? undefined : command;
}

/** Whether the command's first word is a program that exists (the shell would say "not found" too late). */
function canRun(command: string, env: Io["env"]): boolean {
  const program = command.split(/\s+/)[0]!;
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes("/")) return executable(program);
  return (env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && executable(path.join(dir, program)));
}

/** A stream with a file descriptor (the process's own) is handed to the pager as it is; others are piped. */
const fdOf = (stream: OutStream) => (stream as OutStream & { fd?: unknown }).fd;

/**
 * stdout for a command on a terminal: holds up to `rows` lines, then starts the pager and streams into
 * it. `finish()` (after the command) prints what is held, or ends the pager's input and waits for the
 * person to quit it.
 */
export class PagedOutput extends Writable {
  private held: string[] = [];
  private lines = 0;
  private target: OutStream | undefined;
  private pager: ChildProcess | undefined;

  constructor(
    private readonly io: Io,
    private readonly command: string,
    private readonly height: number,
  ) {
    super({ decodeStrings: false });
  }

  /** A terminal is what this stands for (tables are drawn for it). */
  readonly isTTY = true;
  get columns(): number | undefined {
    return this.io.stdout.columns;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (this.target) return this.forward(text, done);
    this.held.push(text);
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lines++;
    if (this.lines < this.height) return done();
    void this.startPager().then(() => this.forward(this.held.splice(0).join(""), done));
  }

  private forward(text: string, done: (error?: Error | null) => void): void {
    const target = this.target!;
    if (target.destroyed || target.writableEnded) {
      // The pager was quit: no more output is wanted.
      this.destroy();
      return done();
    }
    if (target.write(text)) return done();
    const go = () => {
      target.off("drain", go).off("close", go).off("error", go);
      done();
    };
    target.once("drain", go).once("close", go).once("error", go);
  }

  /** Starts the pager; when it cannot start, the output goes straight to stdout. */
  private startPager(): Promise<void> {
    this.target = this.io.stdout;
    if (!canRun(this.command, this.io.env)) return Promise.resolve();
    const out = fdOf(this.io.stdout) !== undefined ? this.io.stdout : "pipe";
    const err = fdOf(this.io.stderr) !== undefined ? this.io.stderr : "pipe";
    return new Promise((resolve) => {
      const child = spawn(this.command, {
        shell: true,
        stdio: ["pipe", out as never, err as never],
        env: { ...this.io.env, LESS: this.io.env.LESS ?? "FRX", LV: this.io.env.LV ?? "-c" } as NodeJS.ProcessEnv,
      });
      child.stdout?.pipe(this.io.stdout, { end: false });
      child.stderr?.pipe(this.io.stderr, { end: false });
      child.once("error", () => {
        this.pager = undefined;
        resolve();
      });
      child.once("spawn", () => {
        this.pager = child;
        this.target = child.stdin!;
        // The person quit the pager before the end: writing on is pointless, and not an error.
        child.stdin!.on("error", () => undefined);
        resolve();
      });
    });
  }

  /** After the command: print what is held, or close the pager's input and wait until it is quit. */
  async finish(): Promise<void> {
    if (!this.destroyed && !this.writableEnded) await new Promise<void>((resolve) => this.end(resolve));
    if (this.held.length) this.io.stdout.write(this.held.splice(0).join(""));
    const pager = this.pager;
    if (!pager) return;
    pager.stdin!.end();
    if (pager.exitCode === null && pager.signalCode === null) await new Promise((resolve) => pager.once("close", resolve));
  }
}

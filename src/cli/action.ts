// Glue between commander and the command modules: resolve the context once, load the command's code
// on demand, run it, close the database, and let errors travel to the one printer.
import type { Command } from "commander";
import type { Ctx } from "./context.js";
import type { Io } from "./io.js";
import { translateSqliteError } from "../db/errors.js";
import { oneOf } from "./flags.js";
import type { Format } from "./render/out.js";

/**
 * A command's code: the context, the positional arguments (variadic ones spread in place, each already
 * through its argParser), and the options as the command declares them — a typed interface per command
 * (`FollowupAddOptions`), whose values the flag parsers (./flags.ts) have already made typed.
 */
export type Handler<O extends object = object, A extends readonly unknown[] = string[]> = (ctx: Ctx, args: A, opts: O) => Promise<void> | void;

/** Any handler, whatever its options and arguments: what `lazy` accepts. */
type AnyHandler = (ctx: Ctx, args: never, opts: never) => unknown;

const ios = new WeakMap<Command, Io>();

/** Gives the program the Io its commands talk through. */
export function attachIo(program: Command, io: Io): void {
  ios.set(program, io);
}

function ioOf(cmd: Command): Io {
  let root = cmd;
  while (root.parent) root = root.parent;
  const io = ios.get(root);
  if (!io) throw new Error("internal: the program has no Io attached");
  return io;
}

/** `lazy(() => import("../commands/x.js"), "name")`: the action for commander. */
export function lazy<M extends Record<K, AnyHandler>, K extends string>(load: () => Promise<M>, name: K, formats?: readonly string[]) {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    // What commander parsed, as the handler declares it: the one place untyped values become typed.
    const opts = params[params.length - 2] as object;
    const args = params.slice(0, -2).flat();
    // The context (and with it the database driver and the renderers) loads only when a command runs.
    const { makeContext } = await import("./context.js");
    const ctx = await makeContext(cmd, ioOf(cmd), formats);
    try {
      const mod = await load();
      await (mod[name] as unknown as Handler<object, unknown[]>)(ctx, args, opts);
    } catch (err) {
      throw translateSqliteError(err, ctx.dbPath, ctx.busyTimeoutMs());
    } finally {
      ctx.close();
      await ctx.finishOutput();
    }
  };
}

/** The options `withOutput` adds, for a command's options interface to extend. */
export interface OutputOptions {
  format?: Format;
  output?: string;
}

/** Adds `--format` and `-o/--output` to a command that prints records. */
export function withOutput(cmd: Command, formats: readonly Format[] = ["table", "json", "csv"]): Command {
  cmd
    .option("--format <format>", `output format: ${formats.join("|")} (default: table, or the -o file's extension)`, oneOf(formats))
    .option("-o, --output <file>", "write the output to a file instead of stdout (file.json, file.csv choose the format)");
  return formats.includes("csv") ? cmd.option("--bom", "start CSV with a byte order mark, for spreadsheets (Excel, LibreOffice)") : cmd;
}

/** A command group that several files add subcommands to (`report`, `import`): made once, then reused. */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

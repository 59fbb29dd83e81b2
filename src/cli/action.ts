// Glue between commander and the command modules: resolve the context once, load the command's code
// on demand, run it, close the database, and let errors travel to the one printer.
import type { Command } from "commander";
import type { Ctx } from "./context.js";
import type { Io } from "./io.js";
import { translateSqliteError } from "../db/errors.js";

export type Handler = (ctx: Ctx, args: string[], opts: Record<string, any>) => Promise<void> | void;

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
export function lazy<M>(load: () => Promise<M>, name: keyof M & string, formats?: readonly string[]) {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const opts = params[params.length - 2] as Record<string, any>;
    const args = params.slice(0, -2).flat() as string[];
    // The context (and with it the database driver and the renderers) loads only when a command runs.
    const { makeContext } = await import("./context.js");
    const ctx = await makeContext(cmd, ioOf(cmd), formats);
    try {
      const mod = await load();
      await (mod[name] as unknown as Handler)(ctx, args, opts);
    } catch (err) {
      throw translateSqliteError(err, ctx.dbPath, ctx.busyTimeoutMs());
    } finally {
      ctx.close();
    }
  };
}

/** Adds `--format` and `-o/--output` to a command that prints records. */
export function withOutput(cmd: Command, formats: readonly string[] = ["table", "json", "csv"]): Command {
  return cmd
    .option("--format <format>", `output format: ${formats.join("|")} (default: table)`)
    .option("-o, --output <file>", "write the output to a file instead of stdout");
}

/** Collects a repeatable option into an array. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A command group that several files add subcommands to (`report`, `import`): made once, then reused. */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

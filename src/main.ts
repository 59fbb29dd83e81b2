// The whole program as a function: arguments and the outside world in, an exit code out. bin/crm.js
// calls it with the process's own streams; tests call it in-process with collected ones.
import { CommanderError } from "commander";
import { buildProgram } from "./cli/program.js";
import { printError } from "./cli/errors.js";
import { systemIo, type Io } from "./cli/io.js";

/** Runs `crm <argv...>` (argv without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = systemIo()): Promise<number> {
  const program = buildProgram(io, argv);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
      if (err.code === "commander.executeSubCommandAsync") return err.exitCode;
      return 2;
    }
    return await printError(err, io, argv);
  }
}

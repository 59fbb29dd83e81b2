// The one printer of errors: a CrmError becomes one line on stderr and its exit code; anything else is
// an unexpected failure (exit 1), with the stack only when CRM_DEBUG is set.
import { CrmError, ExitCode } from "../errors.js";

export function printError(err: unknown): number {
  const red = process.stderr.isTTY && process.env.NO_COLOR === undefined && !process.argv.includes("--no-color");
  const label = red ? "\x1b[31mcrm:\x1b[39m" : "crm:";
  if (err instanceof CrmError) {
    process.stderr.write(`${label} ${err.message}${err.hint ? ` — ${err.hint}` : ""}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${label} unexpected error: ${message.split("\n")[0]} (set CRM_DEBUG=1 for details)\n`);
  if (process.env.CRM_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
  return ExitCode.failure;
}

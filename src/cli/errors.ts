// The one printer of errors: a CrmError becomes one line on stderr and its exit code; Ctrl-C at a prompt
// is exit 130; anything else is an unexpected failure (exit 1), with the stack only when CRM_DEBUG is set.
import { CrmError, ExitCode } from "../errors.js";
import { terminalSafe } from "./render/safe-text.js";
import { colorFlagIn, colorLevel, type Io } from "./io.js";

/** One line, nothing a terminal would act on: the message may quote a hostile file's contents (or argv). */
export const oneSafeLine = (text: string) => terminalSafe(text.replace(/[\r\n]+/g, " "));

export async function printError(err: unknown, io: Io, argv: readonly string[]): Promise<number> {
  // Output written straight to a pipe whose reader has gone (`crm export contacts | head`): done.
  if ((err as NodeJS.ErrnoException | undefined)?.code === "EPIPE") return ExitCode.ok;
  // The colours load here, on failure only: the entry chunk that every command loads stays small.
  const { makeColors } = await import("./render/colors.js");
  const label = (await makeColors(colorLevel(io.stderr, io.env, colorFlagIn(argv)))).red("crm:");
  if (err instanceof CrmError) {
    io.stderr.write(`${label} ${oneSafeLine(err.message)}${err.hint ? ` — ${oneSafeLine(err.hint)}` : ""}\n`);
    return err.exitCode;
  }
  // Ctrl-C at a prompt (inquirer's ExitPromptError): the person changed their mind; nothing was written
  // yet, since every command asks before it changes anything.
  if (err instanceof Error && err.name === "ExitPromptError") {
    io.stderr.write(`${label} cancelled, nothing changed\n`);
    return ExitCode.interrupted;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`${label} unexpected error: ${oneSafeLine(message.split("\n")[0]!)} (set CRM_DEBUG=1 for details)\n`);
  if (io.env.CRM_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + "\n");
  return ExitCode.failure;
}

// Questions to the person at the terminal. Only when stdin is a TTY; a script gets an error that names
// the flag to pass instead.
import type { Ctx } from "./context.js";
import { usageError } from "../errors.js";

/** Destructive commands: --yes, or a confirmation on a terminal; never silently in a script. */
export async function confirmOrYes(ctx: Ctx, question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!ctx.interactive) throw usageError(`${question.replace(/\?$/, "")}: refusing without confirmation`, "pass --yes to confirm in a script");
  const { confirm } = await import("@inquirer/prompts");
  const ok = await confirm({ message: question, default: false }, { input: ctx.io.stdin, output: ctx.io.stderr });
  if (!ok) throw usageError("cancelled, nothing changed");
}

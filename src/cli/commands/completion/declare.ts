// `crm completion bash|zsh|fish` and the hidden `crm __complete` the scripts call: declaration only;
// the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";
import { oneOf } from "../../flags.js";

export function declareCompletion(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script: commands, options, stages, survey names and tags")
    .argument("<shell>", "bash, zsh or fish", oneOf(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      `
Examples:
  source <(crm completion bash)                      # in ~/.bashrc
  source <(crm completion zsh)                       # in ~/.zshrc, after compinit
  crm completion fish > ~/.config/fish/completions/crm.fish`,
    )
    .action(lazy(() => import("./run.js"), "completion"));
  // What the scripts ask at each <Tab>: the words typed so far; the candidates, one a line. It reads
  // the command tree itself, so every command and option added later completes with no list to keep.
  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .action(lazy(() => import("./run.js").then((m) => ({ complete: m.completeFor(program) })), "complete"));
  // The manual page crm(1), from the same tree; the build writes it to man/crm.1.
  program.command("__man", { hidden: true }).action(lazy(() => import("./manpage.js").then((m) => ({ man: m.printManPage(program) })), "man"));
}

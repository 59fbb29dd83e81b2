// Shell completion. The scripts are small and the same for every version of crm: at each <Tab> they run
// `crm __complete -- <words typed so far>`, which walks commander's command tree (commands, their
// subcommands and options, the global options) and, for values, reads the database: stage names,
// survey names and tags. Choices of an option (`--format table|json|csv`) come from its parser.
import fs from "node:fs";
import type { Command, Option } from "commander";
import type { Ctx } from "../../context.js";

export type Shell = "bash" | "zsh" | "fish";

const SCRIPTS: Record<Shell, string> = {
  bash: `# crm completion for bash: source <(crm completion bash)
_crm_complete() {
  local IFS=$'\\n' candidate
  COMPREPLY=()
  for candidate in $(crm __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null); do
    COMPREPLY+=("$(printf '%q' "$candidate")")
  done
}
complete -o default -o nosort -F _crm_complete crm 2>/dev/null || complete -o default -F _crm_complete crm
`,
  zsh: `#compdef crm
# crm completion for zsh: source <(crm completion zsh), after compinit
_crm() {
  local -a candidates
  candidates=("\${(@f)$(crm __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if (( \${#candidates[@]} )) && [[ -n "\${candidates[1]}" ]]; then
    compadd -a candidates
  else
    _files
  fi
}
compdef _crm crm
`,
  fish: `# crm completion for fish: crm completion fish > ~/.config/fish/completions/crm.fish
function __crm_complete
    set -l tokens (commandline -opc) (commandline -ct)
    crm __complete -- $tokens[2..-1] 2>/dev/null
end
complete -c crm -f -a '(__crm_complete)'
`,
};

export function completion(ctx: Ctx, [shell]: [Shell]): void {
  ctx.print(SCRIPTS[shell]);
}

/** What a value is, by the name of the option or argument that takes it. */
type ValueKind = "stage" | "survey" | "tag";
const KIND_OF_NAME: Record<string, ValueKind> = { stage: "stage", survey: "survey", tag: "tag", tags: "tag" };

/** The values of one kind, from the database when there is one (never creating it). */
async function valuesOf(ctx: Ctx, kind: ValueKind): Promise<string[]> {
  if (kind === "stage") return [...(await import("../../../core/deals/pipeline.js")).STAGES];
  if (!fs.existsSync(ctx.dbPath)) return [];
  const store = ctx.store();
  if (kind === "tag") return (await import("../../../core/contacts/contacts.js")).listTags(store).map((t) => t.tag);
  return (await import("../../../core/surveys/surveys.js")).listSurveys(store, ctx.now).map((s) => s.name);
}

/** The options a command accepts: its own and those of the commands above it (the global ones). */
function optionsOf(cmd: Command): Option[] {
  const all: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) all.push(...c.options.filter((o) => !o.hidden));
  return all;
}

const takesValue = (o: Option) => o.required || o.optional;
const choicesOf = (o: Option) => o.argChoices ?? (o.parseArg as { choices?: readonly string[] } | undefined)?.choices;

/** The candidates for the last word, given the words before it. */
async function candidates(ctx: Ctx, root: Command, words: string[]): Promise<string[]> {
  const current = words[words.length - 1] ?? "";
  let cmd = root;
  let positional = 0;
  let pending: Option | undefined;
  for (const word of words.slice(0, -1)) {
    if (pending) {
      pending = undefined;
      continue;
    }
    if (word.startsWith("-")) {
      const option = optionsOf(cmd).find((o) => o.long === word.split("=")[0] || o.short === word);
      if (option && takesValue(option) && !word.includes("=")) pending = option;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) {
      cmd = sub;
      positional = 0;
    } else positional++;
  }
  let values: readonly string[] = [];
  if (pending) {
    const kind = KIND_OF_NAME[pending.attributeName()];
    values = choicesOf(pending) ?? (kind ? await valuesOf(ctx, kind) : []);
  } else if (current.startsWith("-")) {
    values = optionsOf(cmd).flatMap((o) => (o.long ? [o.long] : []));
  } else if (cmd.commands.length) {
    values = cmd
      .createHelp()
      .visibleCommands(cmd)
      .map((c) => c.name());
  } else {
    const args = cmd.registeredArguments;
    const arg = args[Math.min(positional, args.length - 1)];
    const kind = arg ? KIND_OF_NAME[arg.name()] : undefined;
    values = arg?.argChoices ?? (arg && (arg.parseArg as { choices?: readonly string[] } | undefined)?.choices) ?? (kind ? await valuesOf(ctx, kind) : []);
  }
  return [...new Set(values)].filter((v) => v.startsWith(current));
}

/** `crm __complete -- <words>` for the program `root`. */
export function completeFor(root: Command) {
  return async (ctx: Ctx, words: string[]): Promise<void> => {
    const found = await candidates(ctx, root, words);
    if (found.length) ctx.print(found.join("\n") + "\n");
  };
}

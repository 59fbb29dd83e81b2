// The crm program: global options and the command tree. Each noun the user types has its folder,
// src/cli/commands/<noun>/, whose declare.ts only declares its commands here; each action imports the
// noun's run.ts when it runs, so `crm --version` and the common commands load little more than
// commander itself. A command line naming a noun declares that noun's commands alone (`crm contact
// list` needs none of the other hundred-odd commands and options); help, completion, the manual and
// anything unexpected get the whole tree.
import { Command } from "commander";
import type { Io } from "./io.js";
import { declareContact } from "./commands/contact/declare.js";
import { declareLog } from "./commands/log/declare.js";
import { declareFind } from "./commands/find/declare.js";
import { declareFollowup } from "./commands/followup/declare.js";
import { declareRemind } from "./commands/remind/declare.js";
import { declareToday } from "./commands/today/declare.js";
import { declareConfig } from "./commands/config/declare.js";
import { declareDemo } from "./commands/demo/declare.js";
import { declareDeal } from "./commands/deal/declare.js";
import { declarePurchase } from "./commands/purchase/declare.js";
import { declarePipeline } from "./commands/pipeline/declare.js";
import { declareReport } from "./commands/report/declare.js";
import { registerImportCommands } from "./commands/import/declare.js";
import { declareExport } from "./commands/export/declare.js";
import { declareBackup } from "./commands/backup/declare.js";
import { declareRestore } from "./commands/restore/declare.js";
import { declareForget } from "./commands/forget/declare.js";
import { declareDoctor } from "./commands/doctor/declare.js";
import { declareSurvey } from "./commands/survey/declare.js";
import { declareMail } from "./commands/mail/declare.js";
import { declareCompletion } from "./commands/completion/declare.js";
import { attachIo } from "./action.js";
import { oneSafeLine } from "./errors.js";
import { flagErrorLine, oneOf } from "./flags.js";
import { quote, usageError } from "../errors.js";
import pkg from "../../package.json" with { type: "json" };

/**
 * The commands, in the order `crm --help` lists them: the words each declares at the top level (names
 * and aliases; a unit test checks them), and how. Completion and the manual page walk the whole tree,
 * so their words are not listed: they declare everything.
 */
const NOUNS: readonly { words: readonly string[]; declare: (program: Command) => void }[] = [
  { words: ["add", "contact", "tag", "untag", "tags"], declare: declareContact },
  { words: ["log"], declare: declareLog },
  { words: ["find"], declare: declareFind },
  { words: ["deal"], declare: declareDeal },
  { words: ["purchase"], declare: declarePurchase },
  { words: ["pipeline"], declare: declarePipeline },
  { words: ["report"], declare: declareReport },
  { words: ["demo"], declare: declareDemo },
  { words: ["config"], declare: declareConfig },
  { words: ["followup"], declare: declareFollowup },
  { words: ["remind"], declare: declareRemind },
  { words: ["today"], declare: declareToday },
  { words: ["import"], declare: registerImportCommands },
  { words: ["export"], declare: declareExport },
  { words: ["backup"], declare: declareBackup },
  { words: ["restore"], declare: declareRestore },
  { words: ["forget"], declare: declareForget },
  { words: ["doctor", "__schema"], declare: declareDoctor },
  { words: ["survey"], declare: declareSurvey },
  { words: ["mail"], declare: declareMail },
  { words: [], declare: declareCompletion },
];

/** The global options that take a value, whose value is not the command's word. */
const GLOBAL_WITH_VALUE = new Set(["--db", "--as-of", "--color"]);
const GLOBAL_FLAGS = new Set(["--no-color", "--wide", "--no-pager"]);
/** `crm --version` prints the version whatever follows: no command is needed for it. */
const VERSION = new Set(["-V", "--version"]);

/**
 * The command's first word (`contact` in `crm --db x.db contact list`) or `--version`, after the global
 * options; none when anything else comes first (`--help`, an unknown option): then the whole tree is
 * declared and commander answers as it always did.
 */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || VERSION.has(arg)) return arg;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!GLOBAL_FLAGS.has(arg) && !GLOBAL_WITH_VALUE.has(arg.split("=")[0]!)) return undefined;
  }
  return undefined;
}

/**
 * The program for `argv` (the words after `crm`): with `argv`, only the noun it names is declared;
 * without, the whole tree (help, completion, the manual page).
 */
export function buildProgram(io: Io, argv?: readonly string[]): Command {
  const program = new Command("crm")
    .description("A command-line CRM for solo entrepreneurs: people, follow-ups, deals, purchases and surveys in one SQLite file.")
    .version(pkg.version, "-V, --version")
    .option("--db <path>", "database file (default: $CRM_DB, else $XDG_DATA_HOME/crm/crm.db)")
    .option("--as-of <when>", "treat this date/time as now (also $CRM_NOW); a bare date means the end of that day")
    .option("--color <when>", "colour: auto (on a terminal, unless $NO_COLOR; $FORCE_COLOR forces it), always, never", oneOf(["auto", "always", "never"]))
    .option("--no-color", "no colour (same as --color never; also $NO_COLOR)")
    .option("--wide", "on a terminal, show tables whole instead of fitting them to the screen's width")
    .option("--no-pager", "on a terminal, never page output taller than the screen (pager: $CRM_PAGER, else $PAGER, else less -FRX)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      // commander quotes what was typed ("unknown command '…'"): escaped like every other message.
      outputError: (message, write) => write(`crm: ${oneSafeLine(flagErrorLine(message) ?? oneLine(message))} (see --help)\n`),
    })
    .helpCommand(false);
  attachIo(program, io);
  const word = argv === undefined ? undefined : commandWord(argv);
  const only = word === undefined ? undefined : NOUNS.find((noun) => noun.words.includes(word));
  for (const noun of only ? [only] : VERSION.has(word ?? "") ? [] : NOUNS) noun.declare(program);
  program
    .command("help [command...]")
    .description("show the help of a command, e.g. crm help report segments")
    .action((words: string[]) => helpOf(program, words).outputHelp());
  return program;
}

/** commander's message on one line: "unknown command 'contct' — did you mean contact?". */
const oneLine = (message: string) =>
  message
    .replace(/^error: /, "")
    .trimEnd()
    .replace(/\s*\n\(Did you mean (.*)\?\)$/, " — did you mean $1?");

/** The command `crm help <words>` names: `report segments` → that report. An unknown topic is exit 2. */
function helpOf(program: Command, words: readonly string[]): Command {
  let cmd = program;
  for (const word of words) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) {
      const where = ["crm", ...words.slice(0, words.indexOf(word))].join(" ");
      throw usageError(`no help topic ${quote(words.join(" "))}`, `see ${where} --help for the commands there`);
    }
    cmd = sub;
  }
  return cmd;
}

// The crm program: global options, the command tree, and the one place errors become exit codes.
// Command groups only declare their commands here; each action imports its code when it runs, so
// `crm --version` and the common commands load little more than commander itself.
import { Command, CommanderError } from "commander";
import { printError } from "./errors.js";
import { registerContactCommands } from "./groups/contacts.js";
import { registerDemoCommands } from "./groups/demo.js";
import { registerCustomerReports } from "./groups/reports-customers.js";
import { registerDealCommands } from "./groups/deals.js";
import { registerReportCommands } from "./groups/reports.js";
import { registerFollowupCommands } from "./groups/followups.js";
import { registerSurveyCommands } from "./groups/surveys.js";
import { registerSurveyReports } from "./groups/reports-surveys.js";
import { commandGroup } from "./action.js";
import { registerDataCommands } from "./groups/data.js";
import pkg from "../../package.json" with { type: "json" };

export function buildProgram(): Command {
  const program = new Command("crm")
    .description("A command-line CRM for solo entrepreneurs: people, follow-ups, deals, purchases and surveys in one SQLite file.")
    .version(pkg.version, "-V, --version")
    .option("--db <path>", "database file (default: $CRM_DB, else $XDG_DATA_HOME/crm/crm.db)")
    .option("--as-of <when>", "treat this date/time as now (also $CRM_NOW); a bare date means the end of that day")
    .option("--no-color", "no colour (also $NO_COLOR)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(message.replace(/^error: /, "crm: ").trimEnd() + " (see --help)\n"),
    });
  registerContactCommands(program);
  registerDealCommands(program);
  registerReportCommands(program);
  registerCustomerReports(program);
  registerDemoCommands(program);
  registerFollowupCommands(program);
  registerDataCommands(program);
  registerSurveyCommands(program);
  registerSurveyReports(commandGroup(program, "report", "reports over deals, purchases, customers and surveys (respect --as-of)"));
  return program;
}

/**
 * A reader that stops reading (`crm contact list | head -1`) is not a failure: the rest of the output
 * is dropped and crm ends as usual, instead of dying of an unhandled EPIPE with a stack trace.
 */
function toleratePipeClosed(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
    process.stderr.write(`crm: cannot write the output: ${err.code ?? err.message}\n`);
    process.exitCode = 1;
  });
}

export async function main(argv: string[]): Promise<number> {
  toleratePipeClosed();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
      if (err.code === "commander.executeSubCommandAsync") return err.exitCode;
      return 2;
    }
    return printError(err);
  }
}

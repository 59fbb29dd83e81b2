// The crm program: global options and the command tree. Each noun the user types has its folder,
// src/cli/commands/<noun>/, whose declare.ts only declares its commands here; each action imports the
// noun's run.ts when it runs, so `crm --version` and the common commands load little more than
// commander itself. (The nouns not yet in folders are declared by ./groups/.)
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
import { registerCustomerReports } from "./groups/reports-customers.js";
import { registerDealCommands } from "./groups/deals.js";
import { registerReportCommands } from "./groups/reports.js";
import { registerSurveyCommands } from "./groups/surveys.js";
import { registerSurveyReports } from "./groups/reports-surveys.js";
import { commandGroup, attachIo } from "./action.js";
import { flagErrorLine } from "./flags.js";
import { registerDataCommands } from "./groups/data.js";
import pkg from "../../package.json" with { type: "json" };

export function buildProgram(io: Io): Command {
  const program = new Command("crm")
    .description("A command-line CRM for solo entrepreneurs: people, follow-ups, deals, purchases and surveys in one SQLite file.")
    .version(pkg.version, "-V, --version")
    .option("--db <path>", "database file (default: $CRM_DB, else $XDG_DATA_HOME/crm/crm.db)")
    .option("--as-of <when>", "treat this date/time as now (also $CRM_NOW); a bare date means the end of that day")
    .option("--no-color", "no colour (also $NO_COLOR)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      outputError: (message, write) => write(`crm: ${flagErrorLine(message) ?? message.replace(/^error: /, "").trimEnd()} (see --help)\n`),
    });
  attachIo(program, io);
  // In the order `crm --help` lists them.
  declareContact(program);
  declareLog(program);
  declareFind(program);
  registerDealCommands(program);
  registerReportCommands(program);
  registerCustomerReports(program);
  declareDemo(program);
  declareConfig(program);
  declareFollowup(program);
  declareRemind(program);
  declareToday(program);
  registerDataCommands(program);
  registerSurveyCommands(program);
  registerSurveyReports(commandGroup(program, "report", "reports over deals, purchases, customers and surveys (respect --as-of)"));
  return program;
}

// Declares the deal, purchase and pipeline commands; their code lives in ../commands/deals.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../action.js";
import { limit } from "../flags.js";

const load = () => import("../commands/deals.js");

const STAGE_LIST = "lead|qualified|proposal|negotiation|won|lost";

function dealFlags(cmd: Command): Command {
  return cmd
    .option("--amount <amount>", "amount, e.g. 1200, 1200.50, 1,200.50, €1200 or \"1200 EUR\"")
    .option("--currency <code>", "ISO 4217 currency (default: the configured currency)")
    .option("--stage <stage>", STAGE_LIST)
    .option("--probability <percent>", "win probability 0-100 instead of the stage's (\"default\" to clear)")
    .option("--close <when>", "expected close date, e.g. 2026-06-30, \"next friday\", +3w");
}

export function registerDealCommands(program: Command): void {
  const deal = program.command("deal").description("deals in the pipeline: lead, qualified, proposal, negotiation, won, lost");
  dealFlags(deal.command("add <ref> <title...>").description("add a deal for a contact (prints its id)"))
    .option("--at <when>", "when the deal was opened (default: now)")
    .addHelpText("after", 'Example: crm deal add ada "Website redesign" --amount 4000 --stage proposal --close "next friday"')
    .action(lazy(load, "dealAdd"));
  withOutput(
    deal
      .command("list")
      .alias("ls")
      .description("list deals in pipeline order")
      .option("--stage <stage>", `only this stage: ${STAGE_LIST}`)
      .option("--open", "only open deals")
      .option("--won", "only won deals")
      .option("--lost", "only lost deals")
      .option("--contact <ref>", "only this contact's deals"),
  ).action(lazy(load, "dealList"));
  withOutput(deal.command("show <id>").description("a deal with its stage history")).action(lazy(load, "dealShow"));
  dealFlags(deal.command("edit <id>").description("change a deal's details (a new --stage is recorded as a move)"))
    .option("--title <title>", "new title")
    .option("--contact <ref>", "move the deal to another contact")
    .addHelpText("after", "Empty values clear: --close '' ; --probability default uses the stage's probability again.")
    .action(lazy(load, "dealEdit"));
  deal
    .command("move <id> <stage>")
    .description("move a deal to another stage (to won: records its purchase; reopening a won deal removes it)")
    .option("--at <when>", "when it happened (default: now)")
    .option("--reason <text>", "why it was lost (with stage lost)")
    .action(lazy(load, "dealMove"));
  deal
    .command("won <id>")
    .description("mark a deal won and record a purchase of its amount for the contact")
    .option("--at <when>", "when it was won (default: now); also the purchase date")
    .option("--no-purchase", "record no purchase (e.g. the sale comes in with a purchase import)")
    .action(lazy(load, "dealWon"));
  deal
    .command("lost <id>")
    .description("mark a deal lost")
    .option("--reason <text>", "why it was lost")
    .option("--at <when>", "when it was lost (default: now)")
    .action(lazy(load, "dealLost"));
  deal
    .command("rm <id>")
    .description("delete a deal and its history (a purchase its win recorded stays)")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "dealRm"));

  const purchase = program.command("purchase").description("what customers bought: the input of the customer reports");
  purchase
    .command("add <ref> <amount>")
    .description("record a purchase (prints its id)")
    .option("--at <when>", "when it was bought (default: now)")
    .option("--currency <code>", "ISO 4217 currency (default: the configured currency)")
    .option("--note <text>", "what was bought")
    .option("--ref <external id>", "an order or invoice number; unique per source (a repeat exits 4)")
    .option("--source <name>", "where the external id comes from", "manual")
    .addHelpText("after", 'Example: crm purchase add ada 49.90 --at 2026-03-01 --note "Workshop ticket" --ref INV-1042')
    .action(lazy(load, "purchaseAdd"));
  withOutput(
    purchase
      .command("list")
      .alias("ls")
      .description("list purchases, newest first (up to now, or --as-of)")
      .option("--contact <ref>", "only this contact's purchases")
      .option("--since <when>", "only from this date on")
      .option("--until <when>", "only up to this date (a bare date includes the whole day)")
      .option("--limit <n>", "at most n purchases", limit),
  ).action(lazy(load, "purchaseList"));
  purchase
    .command("rm <id>")
    .description("delete a purchase")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "purchaseRm"));

  withOutput(
    program
      .command("pipeline")
      .description("the board: per open stage, deals, total and weighted total; deals closing soon")
      .option("--within <interval>", "what counts as closing soon", "14d"),
  ).action(lazy(load, "pipeline"));
}

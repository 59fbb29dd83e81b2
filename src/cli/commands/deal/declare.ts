// `crm deal add|list|show|edit|move|won|lost|rm`: declarations only; the code is in ./run.ts.
import type { Command } from "commander";
import type { Stage } from "../../../core/deals/pipeline.js";
import { lazy, withOutput, type OutputOptions } from "../../action.js";
import { id, oneOf, probability } from "../../flags.js";

const load = () => import("./run.js");

/** The pipeline's stages, in order (core's `STAGES`, spelled here so declaring loads no core code). */
const STAGE_NAMES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"] as const satisfies readonly Stage[];
const STAGE_LIST = STAGE_NAMES.join("|");
const stage = oneOf(STAGE_NAMES);
/** `<id>` of a deal. */
const dealId = id("deal id", "use the number shown by `crm deal list`");

/** The flags `deal add` and `deal edit` share. */
export interface DealFlags {
  /** An amount as typed: read when the command runs (it needs the currency). */
  amount?: string;
  currency?: string;
  stage?: Stage;
  /** A whole percent, or "default" for the stage's own. */
  probability?: number | "default";
  /** A date as typed, or "" to clear; read when the command runs (it needs "now"). */
  close?: string;
}
export interface DealAddOptions extends DealFlags {
  at?: string;
}
export interface DealListOptions extends OutputOptions {
  stage?: Stage;
  open?: boolean;
  won?: boolean;
  lost?: boolean;
  contact?: string;
}
export type DealShowOptions = OutputOptions;
export interface DealEditOptions extends DealFlags {
  title?: string;
  contact?: string;
}
export interface DealMoveOptions {
  at?: string;
  reason?: string;
}
export interface DealWonOptions {
  at?: string;
  /** False with --no-purchase. */
  purchase: boolean;
}
export interface DealLostOptions {
  at?: string;
  reason?: string;
}
export interface DealRmOptions {
  yes?: boolean;
}

function dealFlags(cmd: Command): Command {
  return cmd
    .option("--amount <amount>", 'amount, e.g. 1200, 1200.50, 1,200.50, €1200 or "1200 EUR"')
    .option("--currency <code>", "ISO 4217 currency (default: the configured currency)")
    .option("--stage <stage>", STAGE_LIST, stage)
    .option("--probability <percent>", 'win probability 0-100 instead of the stage\'s ("default" to clear)', probability)
    .option("--close <when>", 'expected close date, e.g. 2026-06-30, "next friday", +3w');
}

export function declareDeal(program: Command): void {
  const deal = program.command("deal").description("deals in the pipeline: lead, qualified, proposal, negotiation, won, lost");
  dealFlags(deal.command("add <ref> <title...>").description("add a deal for a contact (prints its id)"))
    .option("--at <when>", "when the deal was opened (default: now)")
    .addHelpText("after", 'Example: crm deal add ada "Website redesign" --amount 4000 --stage proposal --close "next friday"')
    .action(lazy(load, "add"));
  withOutput(
    deal
      .command("list")
      .alias("ls")
      .description("list deals in pipeline order")
      .option("--stage <stage>", `only this stage: ${STAGE_LIST}`, stage)
      .option("--open", "only open deals")
      .option("--won", "only won deals")
      .option("--lost", "only lost deals")
      .option("--contact <ref>", "only this contact's deals"),
  ).action(lazy(load, "list"));
  withOutput(deal.command("show").argument("<id>", "", dealId).description("a deal with its stage history")).action(lazy(load, "show"));
  dealFlags(deal.command("edit").argument("<id>", "", dealId).description("change a deal's details (a new --stage is recorded as a move)"))
    .option("--title <title>", "new title")
    .option("--contact <ref>", "move the deal to another contact")
    .addHelpText("after", "Empty values clear: --close '' ; --probability default uses the stage's probability again.")
    .action(lazy(load, "edit"));
  deal
    .command("move")
    .argument("<id>", "", dealId)
    .argument("<stage>", "", stage)
    .description("move a deal to another stage (to won: records its purchase; reopening a won deal removes it)")
    .option("--at <when>", "when it happened (default: now)")
    .option("--reason <text>", "why it was lost (with stage lost)")
    .action(lazy(load, "move"));
  deal
    .command("won")
    .argument("<id>", "", dealId)
    .description("mark a deal won and record a purchase of its amount for the contact")
    .option("--at <when>", "when it was won (default: now); also the purchase date")
    .option("--no-purchase", "record no purchase (e.g. the sale comes in with a purchase import)")
    .action(lazy(load, "won"));
  deal
    .command("lost")
    .argument("<id>", "", dealId)
    .description("mark a deal lost")
    .option("--reason <text>", "why it was lost")
    .option("--at <when>", "when it was lost (default: now)")
    .action(lazy(load, "lost"));
  deal
    .command("rm")
    .argument("<id>", "", dealId)
    .description("delete a deal and its history (a purchase its win recorded stays)")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "rm"));
}

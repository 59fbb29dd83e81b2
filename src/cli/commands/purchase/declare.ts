// `crm purchase add|list|rm`: declarations only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput, type OutputOptions } from "../../action.js";
import { id, limit } from "../../flags.js";

const load = () => import("./run.js");

export interface PurchaseAddOptions {
  /** A date as typed; read when the command runs (it needs "now"). */
  at?: string;
  currency?: string;
  note?: string;
  ref?: string;
  source: string;
  /** A refund of the purchase --ref names, rather than a purchase. */
  refund?: boolean;
}
export interface PurchaseRefundOptions {
  amount?: string;
  at?: string;
  note?: string;
}
export interface PurchaseListOptions extends OutputOptions {
  contact?: string;
  since?: string;
  until?: string;
  limit?: number;
}
export interface PurchaseRmOptions {
  yes?: boolean;
}

export function declarePurchase(program: Command): void {
  const purchase = program.command("purchase").description("what customers bought: the input of the customer reports");
  purchase
    .command("add <ref> <amount>")
    .description("record a purchase (prints its id)")
    .option("--at <when>", "when it was bought (default: now)")
    .option("--currency <code>", "ISO 4217 currency (default: the configured currency)")
    .option("--note <text>", "what was bought")
    .option("--ref <external id>", "an order or invoice number; unique per source (a repeat exits 4)")
    .option("--source <name>", "where the external id comes from", "manual")
    .option("--refund", "record a refund of the contact's purchase --ref names, instead of a purchase")
    .addHelpText(
      "after",
      'Example: crm purchase add ada 49.90 --at 2026-03-01 --note "Workshop ticket" --ref INV-1042\n         crm purchase add ada 20 --refund --ref INV-1042   (20 of it given back)',
    )
    .action(lazy(load, "add"));
  purchase
    .command("refund")
    .argument("<id>", "", id("purchase id", "use the number shown by `crm purchase list`"))
    .description("record money given back on a purchase: reports count what is left; refunded in full, it is no purchase")
    .option("--amount <decimal>", "how much was given back (default: all that is left)")
    .option("--at <when>", "when (default: now)")
    .option("--note <text>", "why")
    .addHelpText("after", 'Example: crm purchase refund 12 --amount 15.00 --note "damaged in transit"')
    .action(lazy(load, "refund"));
  withOutput(
    purchase
      .command("list")
      .alias("ls")
      .description("list purchases, newest first (up to now, or --as-of)")
      .option("--contact <ref>", "only this contact's purchases")
      .option("--since <when>", "only from this date on")
      .option("--until <when>", "only up to this date (a bare date includes the whole day)")
      .option("--limit <n>", "at most n purchases", limit),
  ).action(lazy(load, "list"));
  purchase
    .command("rm")
    .argument("<id>", "", id("purchase id", "use the number shown by `crm purchase list`"))
    .description("delete a purchase")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazy(load, "rm"));
}

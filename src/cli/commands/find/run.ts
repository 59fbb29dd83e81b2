// `crm find`: full-text search over contacts, notes, interactions, deals and comments.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import { search } from "../../../core/contacts/search.js";
import { quote } from "../../../errors.js";
import { printRecords } from "../../render/output.js";
import { styleMarks } from "../../render/colors.js";

export interface FindOptions extends OutputOptions {
  limit: number;
}

export async function find(ctx: Ctx, words: string[], opts: FindOptions): Promise<void> {
  const marks: [string, string] = ctx.useColor && ctx.format === "table" ? styleMarks(ctx.color.bold.yellow) : ["[", "]"];
  const rows = search(ctx.store(), words.join(" "), opts.limit, ctx.format === "table" ? marks : ["", ""]);
  await printRecords(ctx, {
    rows,
    columns: [
      { header: "kind", cell: (h) => h.kind },
      { header: "id", cell: (h) => h.id, align: "right" },
      { header: "contact", cell: (h) => h.contactName },
      { header: "match", cell: (h) => h.snippet },
    ],
    record: ({ rank, ...hit }) => ({ ...hit, rank: Math.round(rank * 1000) / 1000 }),
    fields: ["kind", "id", "contactId", "contactName", "title", "snippet", "rank"],
    empty: `nothing matches ${quote(words.join(" "))}`,
  });
}

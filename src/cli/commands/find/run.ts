// `crm find`: full-text search over contacts, notes, interactions, deals and comments.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import { search } from "../../../core/contacts/search.js";
import { quote } from "../../../errors.js";
import { printRecords } from "../../render/output.js";
import { styleMarks } from "../../render/colors.js";
import { styled } from "../../render/table.js";

export interface FindOptions extends OutputOptions {
  limit: number;
}

/**
 * Where a match starts and ends in a snippet while it is still data: private-use characters that the
 * terminal-safety escaping leaves alone, turned into colour only after the snippet has been escaped.
 */
const MATCH: [string, string] = ["\uE000", "\uE001"];

export async function find(ctx: Ctx, words: string[], opts: FindOptions): Promise<void> {
  const colour = ctx.useColor && ctx.format === "table";
  const marks: [string, string] = colour ? MATCH : ctx.format === "table" ? ["[", "]"] : ["", ""];
  const [open, close] = styleMarks(ctx.color.bold.yellow);
  const highlight = (text: string) => text.replaceAll(MATCH[0], open).replaceAll(MATCH[1], close);
  const rows = search(ctx.store(), words.join(" "), opts.limit, marks);
  await printRecords(ctx, {
    rows,
    columns: [
      { header: "kind", cell: (h) => h.kind },
      { header: "id", cell: (h) => h.id, align: "right" },
      { header: "contact", cell: (h) => h.contactName },
      { header: "match", cell: (h) => (colour ? styled(h.snippet, highlight) : h.snippet) },
    ],
    record: ({ rank, ...hit }) => ({ ...hit, rank: Math.round(rank * 1000) / 1000 }),
    fields: ["kind", "id", "contactId", "contactName", "title", "snippet", "rank"],
    empty: `nothing matches ${quote(words.join(" "))}`,
  });
}

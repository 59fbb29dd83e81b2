// `crm remind`, for cron: what is due, one line each, oldest first; not one byte with --quiet when
// nothing is. Parse → one core call → render.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import type { Interval } from "../../../io/dates.js";
import { dueReminders } from "../../../core/followups/followups.js";
import { emit } from "../../render/sink.js";
import { toJson } from "../../render/json.js";
import { toCsv } from "../../render/csv.js";

export interface RemindOptions extends OutputOptions {
  within?: Interval;
  quiet?: boolean;
}

/** The JSON/CSV record of a reminder (documented in the README). */
const REMINDER_FIELDS = [
  "kind",
  "followupId",
  "contactId",
  "contactName",
  "contactEmail",
  "dueAt",
  "allDay",
  "daysOverdue",
  "what",
  "due",
  "note",
  "every",
  "dealId",
  "lastContactAt",
] as const;

export async function remind(ctx: Ctx, _args: [], opts: RemindOptions): Promise<void> {
  const items = dueReminders(ctx.store(), ctx.now, opts.within);
  if (!items.length) {
    // Cron mails any output, stderr included: --quiet means not one byte.
    if (opts.quiet) return;
    if (ctx.format === "table") return ctx.info("nothing due");
  }
  const records = items.map((r) => Object.fromEntries(REMINDER_FIELDS.map((k) => [k, r[k]])));
  if (ctx.format === "json") return emit(ctx, toJson(records));
  if (ctx.format === "csv") return emit(ctx, toCsv(records, REMINDER_FIELDS));
  const c = ctx.color;
  const lines = items.map((r) => {
    const tone = r.daysOverdue > 0 || (!r.allDay && r.due.endsWith("overdue")) ? c.red : r.daysOverdue === 0 ? c.yellow : c.dim;
    // Keep-in-touch lines name the contact's id, which the hint below uses.
    const who = r.kind === "keep-in-touch" ? `${r.contactName} (#${r.contactId})` : r.contactName;
    return `${c.bold(who)} — ${r.what} — ${tone(r.due)}`;
  });
  emit(ctx, lines.join("\n") + "\n");
  // How to clear a keep-in-touch line, for the person at a terminal only: cron mail and scripts keep
  // exactly one line per reminder.
  if (ctx.io.stderr.isTTY && items.some((r) => r.kind === "keep-in-touch"))
    ctx.info(`keep in touch: crm log <id> "…" after talking to them; crm contact edit <id> --cadence '' to stop`);
}

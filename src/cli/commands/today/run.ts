// `crm today`, the morning agenda: overdue and due follow-ups, open issues, deals closing or gone
// quiet, customers at risk, people to get back in touch with. Parse → one core call → render.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import type { AgendaItem, AgendaSection, AgendaTone } from "../../../core/today/agenda.js";
import { emit } from "../../render/sink.js";
import { jsonAsOf, jsonMoney, toJson } from "../../render/json.js";
import { toCsv } from "../../render/csv.js";
import { displayWidth, fitText, padTo } from "../../render/table.js";

export type TodayOptions = OutputOptions;

const MAX_PER_SECTION = 8;

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * The local day of `now` as the title writes it, "Friday, 2 January 2026": what toLocaleDateString("en-GB",
 * { weekday: "long", day: "numeric", month: "long", year: "numeric" }) gives, written by hand because the
 * first Intl call starts ICU (~15 ms) and the table needs nothing else from it.
 */
export function agendaDate(now: Date): string {
  return `${WEEKDAYS[now.getDay()]}, ${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
}

/** The command that lists a whole section, by its key: said when the agenda shortens the section. */
const MORE: Record<string, string> = {
  overdue: "crm followup list --overdue",
  today: "crm followup list --due today",
  issues: "crm log list --type issue",
  "awaiting-reply": "crm remind",
  "deals-closing": "crm pipeline",
  "deals-stale": "crm deal list --open",
  "keep-in-touch": "crm remind",
  "at-risk": "crm report churn",
};

/** The JSON record of an agenda item (documented in the README): always the same keys. */
const agendaItemRecord = (i: AgendaItem) => ({
  kind: i.kind,
  id: i.id,
  contactId: i.contactId,
  contactName: i.contactName,
  text: i.text,
  date: i.date,
  detail: i.detail,
  urgency: Math.round(i.urgency * 100) / 100,
  extra: withMoney(i.extra ?? {}),
});

/** Amounts the at-risk section computes (value at risk, CLV) as money next to their currency. */
function withMoney(extra: Record<string, unknown>): Record<string, unknown> {
  const currency = extra.currency;
  if (typeof currency !== "string") return extra;
  const shaped = { ...extra };
  for (const key of ["valueAtRisk", "clv"]) if (typeof shaped[key] === "number") shaped[key] = jsonMoney(shaped[key], currency);
  return shaped;
}

function agendaCsv(sections: AgendaSection[]): string {
  // The JSON record with its section; CSV leaves out `extra` (a nested object) by naming its fields.
  const rows = sections.flatMap((s) => s.items.map((i) => ({ section: s.key, ...agendaItemRecord(i) })));
  return toCsv(rows, ["section", "kind", "id", "contactId", "contactName", "text", "date", "detail", "urgency"]);
}

export async function today(ctx: Ctx, _args: [], _opts: TodayOptions): Promise<void> {
  // The agenda (and the customer models of its at-risk section) loads only for `crm today`.
  const { buildAgenda } = await import("../../../core/today/agenda.js");
  // A screen shows the first items of each section and counts the rest; JSON and CSV carry them all.
  const agenda = buildAgenda(ctx.store(), ctx.now, undefined, ctx.format === "table" ? MAX_PER_SECTION : Infinity);
  if (ctx.format === "json")
    return emit(
      ctx,
      toJson({
        asOf: jsonAsOf(ctx.now),
        date: agenda.date,
        // The purchase data version of the stored customer analytics the at-risk section read.
        dataVersion: agenda.sections.find((s) => s.dataVersion !== undefined)?.dataVersion ?? null,
        sections: agenda.sections.map((s) => ({ key: s.key, title: s.title, count: s.count, items: s.items.map(agendaItemRecord) })),
      }),
    );
  if (ctx.format === "csv") return emit(ctx, agendaCsv(agenda.sections));

  const c = ctx.color;
  const toneColor: Record<AgendaTone, (s: string) => string> = { alert: c.red, warning: c.yellow, info: c.cyan };
  const dateTitle = agendaDate(ctx.now);
  const shown = agenda.sections.filter((s) => s.count);
  const lines = [c.bold(`Agenda for ${dateTitle}`)];
  if (!shown.length) lines.push("", "Nothing on the agenda: no follow-ups due, no open issues, nobody to get back in touch with.");
  // Cut long texts on a terminal only (to the screen's width, in display columns); piped output stays whole.
  const cut = (s: string, n: number) => (ctx.width !== undefined ? fitText(s, n) : s);
  for (const s of shown) {
    const items = s.items.slice(0, MAX_PER_SECTION);
    // Keep-in-touch has no record of its own: it names the contact, whose id the hint below uses.
    const ids = items.map((i) => (i.id !== null ? `#${i.id}` : i.kind === "keep-in-touch" && i.contactId !== null ? `#${i.contactId}` : ""));
    const idWidth = Math.max(0, ...ids.map((x) => x.length));
    const names = items.map((i) => cut(i.contactName ?? "", 24));
    const nameWidth = Math.max(0, ...names.map(displayWidth));
    const detailWidth = Math.max(0, ...items.map((i) => displayWidth(i.detail)));
    const room = ctx.width === undefined ? 60 : Math.max(10, Math.min(60, ctx.width - 2 - (idWidth ? idWidth + 2 : 0) - nameWidth - 2 - 2 - detailWidth));
    const texts = items.map((i) => cut(i.text, room));
    const textWidth = Math.max(0, ...texts.map(displayWidth));
    lines.push("", toneColor[s.tone](c.bold(`${s.title} (${s.count})`)));
    items.forEach((item, k) => {
      const cells = [
        ...(idWidth ? [c.dim(ids[k]!.padStart(idWidth))] : []),
        padTo(names[k]!, nameWidth),
        padTo(texts[k]!, textWidth),
        toneColor[s.tone](
          cut(item.detail, ctx.width === undefined ? Infinity : Math.max(8, ctx.width - 2 - (idWidth ? idWidth + 2 : 0) - nameWidth - 2 - textWidth - 2)),
        ),
      ];
      lines.push("  " + cells.join("  "));
    });
    const more = MORE[s.key];
    if (s.count > items.length) lines.push(c.dim(`  … and ${s.count - items.length} more${more ? `: ${more}` : ""}`));
  }
  const hints: string[] = [];
  if (shown.some((s) => s.key === "overdue" || s.key === "today")) hints.push("Done? crm followup done <id>   Later? crm followup snooze <id> --until <when>");
  if (shown.some((s) => s.key === "issues")) hints.push("Fixed? crm log resolve <id>");
  if (shown.some((s) => s.key === "keep-in-touch")) hints.push(`In touch? crm log <contact id> "…"   Stop? crm contact edit <contact id> --cadence ''`);
  // On a narrow terminal, each hint on its own line.
  const fitted = ctx.width === undefined ? hints : hints.flatMap((h) => (h.length > ctx.width! ? h.split(/ {3}/) : [h]));
  if (fitted.length) lines.push("", ...fitted.map((h) => c.dim(h)));
  emit(ctx, lines.join("\n") + "\n");
}

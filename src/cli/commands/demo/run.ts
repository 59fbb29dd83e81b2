// `crm demo`: build the demo database and show a newcomer around it.
import path from "node:path";
import { withDatabasePathHint, type Ctx } from "../../context.js";
import { ExitCode } from "../../../errors.js";
import { withFlagHint } from "../../flags.js";
import { createDemo } from "../../../core/demo/demo.js";
import { openStore, resolveDbPath } from "../../../db/open.js";
import { listContacts } from "../../../core/contacts/contacts.js";
import { plainTable } from "../../render/table.js";
import { localDate } from "../../../io/dates.js";

export async function demo(ctx: Ctx): Promise<void> {
  // The demo goes where --db says, else beside the real database (CRM_DB or the XDG default).
  const realDb = resolveDbPath(undefined, ctx.io.env);
  const file = ctx.dbFlag ? ctx.dbPath : path.join(path.dirname(realDb), "demo.db");
  ctx.info(`creating a demo database at ${file} ...`);
  // Core refuses to fill a database that is not a demo; the demo's path is the one --db gives.
  const summary = withDatabasePathHint(() =>
    withFlagHint(ExitCode.usage, "pass another path with --db, e.g. --db demo.db", () => createDemo(file, realDb, ctx.now, ctx.openOptions())),
  );
  const store = withDatabasePathHint(() => openStore(file, ctx.openOptions()));
  const recent = listContacts(store, { sort: "last-contact", limit: 8 });
  store.sqlite.close();
  const c = ctx.color;
  const counts = Object.entries(summary.counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const dbFlag = `--db ${JSON.stringify(file)}`;
  const lines = [
    c.bold(`Demo database ready: ${file}`),
    counts,
    "",
    c.bold("Recently in touch"),
    plainTable(
      [
        { header: "id", cell: (r: (typeof recent)[number]) => r.id, align: "right" as const },
        { header: "name", cell: (r) => r.name },
        { header: "company", cell: (r) => r.company },
        { header: "tags", cell: (r) => r.tags.join(", ") },
        { header: "last contact", cell: (r) => (r.lastInteractionAt ? localDate(new Date(r.lastInteractionAt)) : "") },
      ],
      recent,
    ).trimEnd(),
    "",
    c.bold("Explore it:"),
    `  export CRM_DB=${JSON.stringify(file)}    # or pass ${dbFlag} to each command`,
    "  crm today                          # the morning agenda",
    "  crm contact list --tag client",
    `  crm contact show ${recent[0]?.id ?? 1}                 # everything about one person`,
    "  crm find proposal                  # full-text search",
    "  crm followup list --due week",
    "  crm pipeline                       # open deals by stage, weighted",
    "  crm report segments                # RFM segments of your customers",
    "  crm report clv --top 10            # lifetime value and P(alive)",
    "  crm report churn --top 10          # valuable customers slipping away",
    "  crm report nps                     # satisfaction and its trend",
    "  crm report retention --period quarter",
    "",
  ];
  ctx.print(lines.join("\n"));
}

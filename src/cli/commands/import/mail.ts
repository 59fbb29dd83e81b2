// `crm import mail <mbox | Maildir>` and `crm import calendar <file.ics>`: archives and calendars fill
// the interaction log with the same rules as `crm mail sync`. Parse → one core call → summary on stderr.
import path from "node:path";
import type { Ctx } from "../../context.js";
import { importMailArchive } from "../../../core/mail/archive.js";
import { importCalendar as importCalendarFile } from "../../../core/mail/calendar.js";
import { usageError } from "../../../errors.js";
import { progressBar } from "../../render/progress.js";
import { toJson } from "../../render/json.js";
import { plural } from "../../render/words.js";
import { countsLine } from "../mail/run.js";

interface MailImportFlags {
  me?: string[];
  store?: "snippet";
  dryRun?: boolean;
  json?: boolean;
}

export async function importMail(ctx: Ctx, [file]: string[], opts: MailImportFlags): Promise<void> {
  const me = opts.me ?? [];
  const bad = me.find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
  if (bad) throw usageError(`invalid --me address ${JSON.stringify(bad)}`, "give one of your email addresses, e.g. --me me@example.com");
  const bar = progressBar(`importing ${path.basename(file!)}`, ctx.io.stderr);
  let report;
  try {
    // An archive has no known size in messages: the bar shows what was read so far.
    report = await importMailArchive(
      ctx.store(),
      file!,
      { me, dryRun: Boolean(opts.dryRun), storeSnippet: opts.store === "snippet", onProgress: (n) => bar.update(n, 0) },
      ctx.now,
    );
  } finally {
    bar.finish();
  }
  if (opts.json) ctx.print(toJson(report));
  ctx.info(`${opts.dryRun ? "dry run, nothing written: " : ""}${path.basename(report.file)} (${report.format}): ${countsLine(report)}`);
}

export async function importCalendar(ctx: Ctx, [file]: string[], opts: { dryRun?: boolean; json?: boolean }): Promise<void> {
  const report = await importCalendarFile(ctx.store(), file!, { dryRun: Boolean(opts.dryRun) }, ctx.now);
  if (opts.json) ctx.print(toJson(report));
  const parts = [`${report.logged.toLocaleString("en")} logged`];
  if (report.already) parts.push(`${report.already.toLocaleString("en")} already logged`);
  parts.push(`${report.unknown.toLocaleString("en")} with no contact`);
  ctx.info(
    `${opts.dryRun ? "dry run, nothing written: " : ""}${path.basename(report.file)}: ${plural(report.meetings, "past meeting")} read, ${parts.join(", ")}`,
  );
}

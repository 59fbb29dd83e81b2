// Import commands: parse the flags, run the importer with a progress bar, report each bad row by line
// number, write the rejects file, print the summary. Export, backup, restore and forget are in
// ./data-export.ts and ./data-safety.ts and re-exported here for the command group.
import path from "node:path";
import type { Ctx } from "../context.js";
import { conflict, usageError, quote } from "../../errors.js";
import { progressBar, writeRejects, type ImportReport } from "../../core/import/engine.js";
import { interruptible } from "../interrupt.js";

export { exportData } from "./data-export.js";
export { backup, restore, forget } from "./data-safety.js";

type Opts = Record<string, any>;

const plural = (n: number, word: string, many = word + "s") => `${n.toLocaleString("en")} ${n === 1 ? word : many}`;

/** Reports the outcome of an import; throws (exit 2, or 4 for duplicates only) when invalid rows stopped it. */
function finishImport(ctx: Ctx, report: ImportReport, header: readonly string[], opts: Opts, what: string): void {
  const bad = report.invalid;
  const listed = opts.skipInvalid ? bad.slice(0, 10) : bad;
  for (const issue of listed) ctx.info(`line ${issue.line}: ${issue.reason}`);
  if (bad.length > listed.length) ctx.info(`... and ${plural(bad.length - listed.length, "more invalid row")}`);

  if (bad.length && !opts.skipInvalid) {
    const valid = report.rows - bad.length;
    const message = `${plural(bad.length, "row")} of ${plural(report.rows, "row")} ${bad.length === 1 ? "is" : "are"} invalid: nothing was imported`;
    const hint = `fix ${bad.length === 1 ? "it" : "them"}, or pass --skip-invalid to import the ${valid.toLocaleString("en")} valid ${valid === 1 ? "row" : "rows"} and get the rejects in a file`;
    if (opts.json) process.stdout.write(JSON.stringify(summaryJson(report), null, 2) + "\n");
    throw bad.every((i) => i.duplicate) ? conflict(message, hint) : usageError(message, hint);
  }
  if (bad.length && !opts.dryRun) {
    const rejectsFile: string = opts.rejects ?? `${report.file}.rejects.csv`;
    writeRejects(rejectsFile, header, bad);
    report.rejectsFile = rejectsFile;
  }

  const parts = [`${report.added.toLocaleString("en")} new`];
  if (report.updated) parts.push(`${report.updated.toLocaleString("en")} updated`);
  parts.push(`${report.skipped.toLocaleString("en")} ${what === "contacts" ? "skipped (already there)" : "already imported"}`);
  if (bad.length) parts.push(`${plural(bad.length, "invalid row")}${report.rejectsFile ? ` written to ${report.rejectsFile}` : ""}`);
  if (report.createdContacts) parts.push(`${plural(report.createdContacts, "contact")} created`);
  const lead = opts.dryRun ? `dry run, nothing written: ${path.basename(report.file)} would import` : `imported ${path.basename(report.file)}:`;
  ctx.info(`${lead} ${plural(report.rows, "row")} of ${what} — ${parts.join(", ")}`);
  if (opts.json) process.stdout.write(JSON.stringify(summaryJson(report), null, 2) + "\n");
}

function summaryJson(r: ImportReport) {
  return {
    file: r.file, dryRun: r.dryRun, committed: r.committed, rows: r.rows, added: r.added, updated: r.updated, skipped: r.skipped,
    invalid: r.invalid.length, createdContacts: r.createdContacts, rejectsFile: r.rejectsFile ?? null,
    issues: r.invalid.map((i) => ({ line: i.line, reason: i.reason })),
  };
}

/** Checked before anything is imported: --rejects needs --skip-invalid and must not overwrite the input or the database. */
function rejectsFlag(ctx: Ctx, file: string, opts: Opts): void {
  if (opts.rejects === undefined) return;
  if (!opts.skipInvalid) throw usageError("--rejects needs --skip-invalid", "add --skip-invalid, or drop --rejects");
  const target = path.resolve(opts.rejects);
  if (target === path.resolve(file) || target === path.resolve(ctx.dbPath))
    throw usageError(`--rejects ${quote(opts.rejects)} would overwrite ${target === path.resolve(file) ? "the file being imported" : "the database"}`, "choose another file for the rejects");
}

export async function importPurchases(ctx: Ctx, [file]: string[], opts: Opts): Promise<void> {
  rejectsFlag(ctx, file!, opts);
  const { importPurchases: run } = await import("../../core/import/purchases.js");
  const bar = progressBar(`importing ${path.basename(file!)}`);
  try {
    const { report, header } = await interruptible((signal) =>
      run(ctx.store(), file!, ctx.now, {
        map: opts.map, source: opts.source, currency: opts.currency, decimalComma: opts.decimalComma, createContacts: opts.createContacts,
        dryRun: opts.dryRun, skipInvalid: opts.skipInvalid, onProgress: bar.update, signal,
      }),
    );
    bar.finish();
    finishImport(ctx, report, header, opts, "purchases");
  } finally {
    bar.finish();
  }
}

export async function importContacts(ctx: Ctx, [file]: string[], opts: Opts): Promise<void> {
  rejectsFlag(ctx, file!, opts);
  const { importContacts: run } = await import("../../core/import/contacts.js");
  const bar = progressBar(`importing ${path.basename(file!)}`);
  try {
    const { report, header } = await interruptible((signal) =>
      run(ctx.store(), file!, ctx.now, {
        format: opts.format, map: opts.map, onDuplicate: opts.onDuplicate, source: opts.source,
        dryRun: opts.dryRun, skipInvalid: opts.skipInvalid, onProgress: bar.update, signal,
      }),
    );
    bar.finish();
    finishImport(ctx, report, header, opts, "contacts");
  } finally {
    bar.finish();
  }
}

export async function importInteractions(ctx: Ctx, [file]: string[], opts: Opts): Promise<void> {
  rejectsFlag(ctx, file!, opts);
  const { importInteractions: run } = await import("../../core/import/interactions.js");
  const bar = progressBar(`importing ${path.basename(file!)}`);
  try {
    const { report, header } = await interruptible((signal) =>
      run(ctx.store(), file!, ctx.now, {
        map: opts.map, source: opts.source, createContacts: opts.createContacts,
        dryRun: opts.dryRun, skipInvalid: opts.skipInvalid, onProgress: bar.update, signal,
      }),
    );
    bar.finish();
    finishImport(ctx, report, header, opts, "interactions");
  } finally {
    bar.finish();
  }
}

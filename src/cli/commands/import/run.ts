// `crm import contacts|purchases|interactions|responses`: check the flags and the output paths before
// anything is written, run the kind's importer on the shared engine (src/core/import/) under Ctrl-C
// handling with a progress bar, then report each bad row by line number, write the rejects file and
// print the summary.
import path from "node:path";
import type { Ctx } from "../../context.js";
import { conflict, usageError, quote, ExitCode } from "../../../errors.js";
import { ColumnMapError, type ImportOptions, type ImportReport, type RowIssue } from "../../../core/import/engine.js";
import type { ContactFileFormat } from "../../../core/import/contacts.js";
import { checkRejectsFile, writeRejects, type RejectsLayout } from "../../../core/import/rejects.js";
import { interruptible } from "../../interrupt.js";
import { progressBar } from "../../render/progress.js";
import { localDateTime } from "../../../io/dates.js";
import { oneOf, read, withFlagHint } from "../../flags.js";
import { plural } from "../../render/words.js";
import { printRecords } from "../../render/output.js";
import { isDatabaseFile } from "../../../db/files.js";

/** The flags every import takes. */
interface ImportFlags {
  map?: Map<string, string>;
  preset?: string;
  encoding?: string;
  skipLines?: number;
  dateFormat?: string;
  dryRun?: boolean;
  skipInvalid?: boolean;
  rejects?: string;
  json?: boolean;
}

interface PurchaseFlags extends ImportFlags {
  source?: string;
  currency?: string;
  decimalComma?: boolean;
  createContacts?: boolean;
}

interface ContactFlags extends ImportFlags {
  format?: string;
  onDuplicate?: string;
  source?: string;
}

interface InteractionFlags extends ImportFlags {
  source?: string;
  createContacts?: boolean;
}

interface ResponseFlags extends ImportFlags {
  createContacts?: boolean;
}

/** How an import's outcome is told: the words differ between kinds, the rest is shared. */
interface Wording {
  /** The error when invalid rows stopped the import (nothing written). */
  stopped(report: ImportReport): { message: string; hint: string };
  /** The one-line summary of an import that went through (or of a dry run). */
  summary(report: ImportReport, dryRun: boolean): string;
  rejects?: RejectsLayout;
  /** Said once the rejects file is written, when the summary does not name it. */
  rejectsWritten?(report: ImportReport): string;
}

/** How an importer's own counts read in the summary (JSON keeps the keys). */
const TALLY_WORDS: Record<string, [one: string, many: string]> = {
  guestSales: ["guest sale", "guest sales"],
  refunds: ["refund recorded", "refunds recorded"],
  partialRefunds: ["partial refund", "partial refunds"],
};

/** The wording of contacts, purchases and interactions imports. */
function rowsWording(what: "contacts" | "purchases" | "interactions"): Wording {
  return {
    stopped(report) {
      const bad = report.invalid.length;
      const valid = report.rows - bad;
      return {
        message: `${plural(bad, "row")} of ${plural(report.rows, "row")} ${bad === 1 ? "is" : "are"} invalid: nothing was imported`,
        hint: `fix ${bad === 1 ? "it" : "them"}, or pass --skip-invalid to import the ${valid.toLocaleString("en")} valid ${valid === 1 ? "row" : "rows"} and get the rejects in a file`,
      };
    },
    summary(report, dryRun) {
      const bad = report.invalid.length;
      const parts = [`${report.added.toLocaleString("en")} new`];
      for (const [what, n] of Object.entries(report.tallies)) if (n) parts.push(plural(n, ...(TALLY_WORDS[what] ?? [what, what])));
      if (report.updated) parts.push(`${report.updated.toLocaleString("en")} updated`);
      parts.push(`${report.skipped.toLocaleString("en")} ${what === "contacts" ? "skipped (already there)" : "already imported"}`);
      if (bad) parts.push(`${plural(bad, "invalid row")}${report.rejectsFile ? ` written to ${report.rejectsFile}` : ""}`);
      if (report.createdContacts) parts.push(`${plural(report.createdContacts, "contact")} created`);
      const ignored = Object.entries(report.ignored);
      if (ignored.length)
        parts.push(
          `${plural(
            ignored.reduce((n, [, k]) => n + k, 0),
            "row",
          )} not imported (${ignored.map(([why, n]) => `${why}: ${n}`).join("; ")})`,
        );
      const lead = dryRun ? `dry run, nothing written: ${path.basename(report.file)} would import` : `imported ${path.basename(report.file)}:`;
      return `${lead} ${plural(report.rows, "row")} of ${what} — ${parts.join(", ")}`;
    },
  };
}

/** The wording of survey answers, as `crm import responses` has always put it. */
function responsesWording(surveyName: string): Wording {
  return {
    stopped(report) {
      const bad = report.invalid.length;
      const lines =
        report.invalid
          .slice(0, 10)
          .map((p) => p.line)
          .join(", ") + (bad > 10 ? ", ..." : "");
      return {
        message: `${bad} of ${report.rows} rows ${bad === 1 ? "is" : "are"} invalid (line${bad === 1 ? "" : "s"} ${lines}); nothing was imported`,
        hint: "fix the file and import it again, or pass --skip-invalid to import the valid rows",
      };
    },
    summary(report, dryRun) {
      const bad = report.invalid.length;
      const what = `${plural(report.added, "answer")} into ${quote(surveyName)}`;
      const extras = [
        report.createdContacts ? plural(report.createdContacts, "new contact") : "",
        report.skipped ? `${plural(report.skipped, "row")} already imported, skipped` : "",
        bad ? `${plural(bad, "invalid row")} skipped` : "",
      ].filter(Boolean);
      const tail = extras.length ? ` (${extras.join("; ")})` : "";
      return dryRun ? `dry run: would import ${what}${tail}; nothing was written` : `imported ${what}${tail}`;
    },
    rejects: { reasonFirst: true },
    rejectsWritten: (report) => `${plural(report.invalid.length, "rejected row")}, with reasons, written to ${report.rejectsFile}`,
  };
}

/** A row naming a contact the import could create: its reason says how, right after naming it. */
const withCreateHint = (issue: RowIssue): RowIssue =>
  issue.unknownContact === undefined
    ? issue
    : { ...issue, reason: issue.reason.replace(issue.unknownContact, (named) => `${named} (pass --create-contacts to create it)`) };

/**
 * Core's refusals about the column mapping, worded with the option that gives it: "--map names the
 * column …", "--map target … is not …"; a missing column's hint shows the --map to add.
 */
async function withMapWording<R>(run: () => Promise<R>): Promise<R> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ColumnMapError)) throw err;
    const p = err.problem;
    if (p.kind === "no-such-column") throw usageError(`--map names the column ${quote(p.column)}, which ${quote(p.file)} does not have`, err.hint);
    if (p.kind === "unknown-target") throw usageError(`--map target ${quote(p.target)} is not ${p.known}`, err.hint);
    if (p.kind === "not-csv") throw usageError("--map applies to CSV files, not vCards", "drop --map; vCard properties are recognised by name");
    const several = p.example.includes(",");
    throw usageError(err.message, `name ${several ? "them" : "the column"} with --map, e.g. --map "${p.example}"`);
  }
}

function summaryJson(r: ImportReport) {
  return {
    file: r.file,
    dryRun: r.dryRun,
    committed: r.committed,
    rows: r.rows,
    added: r.added,
    updated: r.updated,
    skipped: r.skipped,
    invalid: r.invalid.length,
    createdContacts: r.createdContacts,
    notImported: r.ignored,
    ...r.tallies,
    readAs: r.readAs ?? null,
    notes: r.notes,
    rejectsFile: r.rejectsFile ?? null,
    issues: r.invalid.map((i) => ({ line: i.line, reason: i.reason })),
  };
}

/** Where --skip-invalid writes rejected rows (nowhere on a dry run). */
const rejectsPath = (file: string, opts: ImportFlags): string | undefined =>
  opts.skipInvalid && !opts.dryRun ? (opts.rejects ?? `${file}.rejects.csv`) : undefined;

/**
 * Checked before anything is imported: --rejects needs --skip-invalid, must not overwrite the input or
 * the database, and the rejects file can be written — an import must not commit and then fail on it.
 */
function checkFlags(ctx: Ctx, file: string, opts: ImportFlags): void {
  if (opts.rejects !== undefined) {
    if (!opts.skipInvalid) throw usageError("--rejects needs --skip-invalid", "add --skip-invalid, or drop --rejects");
    const target = path.resolve(opts.rejects);
    const overDatabase = isDatabaseFile(ctx.dbPath, opts.rejects);
    if (target === path.resolve(file) || overDatabase)
      throw usageError(
        `--rejects ${quote(opts.rejects)} would overwrite ${overDatabase ? "the database" : "the file being imported"}`,
        "choose another file for the rejects",
      );
  }
  const rejects = rejectsPath(file, opts);
  if (rejects !== undefined) withRejectsHint(() => checkRejectsFile(rejects));
}

/** A rejects file that cannot be written: core says why; another path is given with --rejects. */
const withRejectsHint = (run: () => void) => withFlagHint(ExitCode.usage, "choose another path with --rejects", run);

/** The engine's options common to every kind, from the flags. */
const engineOptions = (opts: ImportFlags): Pick<ImportOptions, "dryRun" | "skipInvalid"> => ({ dryRun: opts.dryRun, skipInvalid: opts.skipInvalid });

/** Runs an importer under Ctrl-C handling with a progress bar on stderr. */
async function withProgress<R>(ctx: Ctx, file: string, run: (progress: Pick<ImportOptions, "onProgress" | "signal">) => Promise<R>): Promise<R> {
  const bar = progressBar(`importing ${path.basename(file)}`, ctx.io.stderr);
  try {
    return await withMapWording(() => interruptible((signal) => run({ onProgress: bar.update, signal })));
  } finally {
    bar.finish();
  }
}

/** Reports the outcome of an import; throws (exit 2, or 4 for duplicates only) when invalid rows stopped it. */
function finishImport(ctx: Ctx, report: ImportReport, header: readonly string[], opts: ImportFlags, wording: Wording): void {
  if (report.readAs) ctx.info(`read as: ${report.readAs}`);
  for (const note of report.notes) ctx.warn(note);
  report.invalid = report.invalid.map(withCreateHint);
  const bad = report.invalid;
  const listed = opts.skipInvalid ? bad.slice(0, 10) : bad;
  for (const issue of listed) ctx.info(`line ${issue.line}: ${issue.reason}`);
  if (bad.length > listed.length) ctx.info(`... and ${plural(bad.length - listed.length, "more invalid row")}`);

  if (bad.length && !opts.skipInvalid) {
    const { message, hint } = wording.stopped(report);
    if (opts.json) ctx.print(JSON.stringify(summaryJson(report), null, 2) + "\n");
    throw bad.every((i) => i.duplicate) ? conflict(message, hint) : usageError(message, hint);
  }
  const rejectsFile = rejectsPath(report.file, opts);
  if (bad.length && rejectsFile !== undefined) {
    withRejectsHint(() => writeRejects(rejectsFile, header, bad, wording.rejects));
    report.rejectsFile = rejectsFile;
  }
  ctx.info(wording.summary(report, Boolean(opts.dryRun)));
  if (report.rejectsFile && wording.rejectsWritten) ctx.warn(wording.rejectsWritten(report));
  if (opts.json) ctx.print(JSON.stringify(summaryJson(report), null, 2) + "\n");
}

/** `--source ""`: a source needs a name. */
function checkSource(source: string | undefined, example: string): void {
  if (source !== undefined && !source.trim()) throw usageError("--source needs a name", `e.g. --source ${example}`);
}

/** How the user settles an ambiguous date: the two ways, spelled as they type them. */
const SETTLE_DATE = "give --date-format (e.g. dd/MM/yyyy or MM/dd/yyyy), or run crm config set date-order dmy (or mdy)";

/** --encoding, --skip-lines and --date-format, checked before anything is read. */
async function readingFlags(opts: ImportFlags) {
  const { csvEncoding, CSV_ENCODINGS } = await import("../../../io/csv.js");
  const encoding = opts.encoding === undefined ? undefined : csvEncoding(opts.encoding);
  if (opts.encoding !== undefined && !encoding) throw usageError(`unknown --encoding ${quote(opts.encoding)}`, `use one of: ${CSV_ENCODINGS.join(", ")}`);
  if (opts.dateFormat !== undefined) {
    const { checkDateFormat } = await import("../../../io/dates.js");
    const problem = checkDateFormat(opts.dateFormat);
    if (problem)
      throw usageError(`invalid --date-format ${quote(opts.dateFormat)}: ${problem}`, 'e.g. --date-format dd.MM.yyyy or --date-format "MM/dd/yyyy hh:mm a"');
  }
  return { preset: opts.preset, encoding, skipLines: opts.skipLines, dateFormat: opts.dateFormat, settleDate: SETTLE_DATE };
}

export async function listPresets(ctx: Ctx, _args: string[], opts: { kind?: string; format?: string }): Promise<void> {
  const { PRESETS } = await import("../../../core/import/presets/index.js");
  const kind = opts.kind === undefined ? undefined : read("--kind", opts.kind, oneOf(["contacts", "purchases", "responses", "interactions"] as const));
  type Row = { name: string; kind: string; export: string; keeps: string; skips: string; documented: string };
  const rows: Row[] = PRESETS.filter((p) => kind === undefined || p.kind === kind).map((p) => ({
    name: p.name,
    kind: p.kind,
    export: p.title,
    keeps: p.keeps,
    skips: p.skips,
    documented: p.documented,
  }));
  await printRecords<Row>(ctx, {
    rows,
    fields: ["name", "kind", "export", "keeps", "skips", "documented"],
    columns: [
      { header: "name", cell: (r) => r.name },
      { header: "kind", cell: (r) => r.kind },
      { header: "export", cell: (r) => r.export },
      { header: "keeps", cell: (r) => r.keeps },
      { header: "skips", cell: (r) => r.skips },
    ],
  });
}

export async function importPurchases(ctx: Ctx, [file]: string[], opts: PurchaseFlags): Promise<void> {
  checkSource(opts.source, "shopify");
  checkFlags(ctx, file!, opts);
  const reading = await readingFlags(opts);
  const { importPurchases: run } = await import("../../../core/import/purchases.js");
  const { report, header } = await withProgress(ctx, file!, (progress) =>
    run(ctx.store(), file!, ctx.now, {
      map: opts.map,
      source: opts.source,
      currency: opts.currency,
      decimalComma: opts.decimalComma,
      createContacts: opts.createContacts,
      ...reading,
      ...engineOptions(opts),
      ...progress,
    }),
  );
  finishImport(ctx, report, header, opts, rowsWording("purchases"));
}

/** `--format csv|vcf` (or vcard) of a contacts import. */
function contactFileFormat(requested: string | undefined): ContactFileFormat | undefined {
  if (requested === undefined) return undefined;
  const f = requested.trim().toLowerCase();
  if (f === "csv" || f === "vcf") return f;
  if (f === "vcard") return "vcf";
  throw usageError(`unknown --format ${quote(requested)} for a contacts import`, "use csv or vcf");
}

export async function importContacts(ctx: Ctx, [file]: string[], opts: ContactFlags): Promise<void> {
  const { importContacts: run, ON_DUPLICATE } = await import("../../../core/import/contacts.js");
  const format = contactFileFormat(opts.format);
  const onDuplicate = opts.onDuplicate === undefined ? undefined : read("--on-duplicate", opts.onDuplicate, oneOf(ON_DUPLICATE));
  checkFlags(ctx, file!, opts);
  const reading = await readingFlags(opts);
  const { report, header } = await withProgress(ctx, file!, (progress) =>
    run(ctx.store(), file!, ctx.now, {
      format,
      map: opts.map,
      onDuplicate,
      source: opts.source,
      ...reading,
      ...engineOptions(opts),
      ...progress,
    }),
  );
  finishImport(ctx, report, header, opts, rowsWording("contacts"));
}

export async function importInteractions(ctx: Ctx, [file]: string[], opts: InteractionFlags): Promise<void> {
  checkSource(opts.source, "hubspot");
  checkFlags(ctx, file!, opts);
  const reading = await readingFlags(opts);
  const { importInteractions: run } = await import("../../../core/import/interactions.js");
  const { report, header } = await withProgress(ctx, file!, (progress) =>
    run(ctx.store(), file!, ctx.now, {
      map: opts.map,
      source: opts.source,
      createContacts: opts.createContacts,
      ...reading,
      ...engineOptions(opts),
      ...progress,
    }),
  );
  finishImport(ctx, report, header, opts, rowsWording("interactions"));
}

export async function importResponses(ctx: Ctx, [surveyRef, file]: string[], opts: ResponseFlags): Promise<void> {
  const { resolveSurvey } = await import("../../../core/surveys/surveys.js");
  const survey = resolveSurvey(ctx.store(), surveyRef!);
  checkFlags(ctx, file!, opts);
  const reading = await readingFlags(opts);
  const { importResponses: run } = await import("../../../core/import/responses.js");
  const { report, header, ignoredColumns, datedNow } = await withProgress(ctx, file!, (progress) =>
    run(ctx.store(), survey, file!, ctx.now, { map: opts.map, createContacts: opts.createContacts, ...reading, ...engineOptions(opts), ...progress }),
  );
  if (ignoredColumns.length) ctx.warn(`ignoring the column${ignoredColumns.length === 1 ? "" : "s"} ${ignoredColumns.map((c) => quote(c)).join(", ")}`);
  if (datedNow && report.rows) ctx.warn(`the file has no date column: every answer is dated ${localDateTime(ctx.now)}`);
  finishImport(ctx, report, header, opts, responsesWording(survey.name));
}

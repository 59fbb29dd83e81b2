// The rejects file of an import with --skip-invalid: each rejected row as it was read, with the line
// it came from and the reason, in a CSV the user can fix and import again. Formula-safe like every CSV
// crm writes (a cell starting with = + - @ tab or CR gets a leading '; crm's imports drop it again), and
// owner-only, written beside its final name and renamed into place (src/io/csv.ts). Imported again, its
// `line` and `reason` columns are left out (rejectsColumns in ./engine.ts).
import fs from "node:fs";
import { CrmError, usageError, quote } from "../../errors.js";
import { csvLines, neutraliseCsvCell, TextSink, writeTo } from "../../io/csv.js";
import { REJECTS_COLUMNS, type RowIssue } from "./engine.js";

export interface RejectsLayout {
  /**
   * `line` and `reason` as the first columns, then every cell of the row (survey responses, whose
   * rejects have always looked so); otherwise the file's own columns first, then `line` and `reason`.
   */
  reasonFirst?: boolean;
}

const cannotWrite = (file: string, why: string) => usageError(`cannot write the rejects file ${quote(file)}: ${why}`, "choose another path with --rejects");

const why = (err: unknown) => (err instanceof CrmError ? err.message.replace(/^.*: /, "") : ((err as NodeJS.ErrnoException).code ?? (err as Error).message));

/**
 * Checked before an import writes anything, so it never commits and then fails on its rejects file:
 * the path is not a directory and a file can be created beside it (a missing or read-only folder fails
 * here). Leaves nothing behind.
 */
export function checkRejectsFile(file: string): void {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(file).isDirectory();
  } catch {
    // Not there yet: the usual case.
  }
  if (isDirectory) throw cannotWrite(file, "it is a directory");
  try {
    new TextSink(file).abort();
  } catch (err) {
    throw cannotWrite(file, why(err));
  }
}

/** Writes the rejected rows to `file` (replacing it): the header row, then one row per issue. */
export function writeRejects(file: string, header: readonly string[], issues: readonly RowIssue[], layout: RejectsLayout = {}): void {
  const row = (cells: readonly string[]) => cells.map(neutraliseCsvCell);
  const rejected = (issue: RowIssue): string[] => {
    if (layout.reasonFirst) return [String(issue.line), issue.reason, ...issue.cells];
    const cells = issue.cells.slice(0, header.length);
    while (cells.length < header.length) cells.push("");
    return [...cells, String(issue.line), issue.reason];
  };
  try {
    writeTo(file, (sink) => {
      sink.write(csvLines([row(layout.reasonFirst ? [...REJECTS_COLUMNS, ...header] : [...header, ...REJECTS_COLUMNS])]));
      for (let i = 0; i < issues.length; i += 1000) sink.write(csvLines(issues.slice(i, i + 1000).map((issue) => row(rejected(issue)))));
    });
  } catch (err) {
    throw cannotWrite(file, why(err));
  }
}

// Opening a file for an import: the CSV reader (encoding, separator, preamble) and the preset, found
// from the header or named by the user, which turns the service's rows into rows of crm's fields. The
// importers then read every file the same way: a preset's output has crm's field names as its header.
import { quote, usageError } from "../../errors.js";
import { openCsv, headerKey, type CsvEncoding, type CsvSource } from "../../io/csv.js";
import { dateTextReader, type DateOrder, type DateRules } from "../../io/dates.js";
import type { Store } from "../../db/open.js";
import { dateOrder } from "../config/settings.js";
import { cachedDateParser, type RecordSource, type SourceRecord } from "./engine.js";
import { PRESETS, presetForHeader, presetNamed } from "./presets/index.js";
import { matchesHeader, type Fields, type ImportKind, type Preset } from "./presets/preset.js";

/** How to read an import's file: every kind of import takes these. */
export interface ReadOptions {
  /** A preset named by the user (`--preset`): used whatever the header says. */
  preset?: string;
  encoding?: CsvEncoding;
  skipLines?: number;
  /** Source column → target field, as the user gave it (`--map`). */
  map?: ReadonlyMap<string, string>;
  /** A date-fns format the dates are written in. */
  dateFormat?: string;
  /** How slash and dot dates are read; default: the date-order setting, else the preset's. */
  dateOrder?: DateOrder;
  /** How the user settles an ambiguous date (the CLI names its flags). */
  settleDate?: string;
}

export interface ImportSource extends RecordSource {
  header: string[];
  /** The preset in use, if any. */
  preset?: Preset;
  /** The column mapping left for the importer (empty when a preset took it in). */
  map: ReadonlyMap<string, string>;
  /** How the file writes dates (a preset's rules). */
  dates: DateRules;
  /** What the user should be told (encoding, preamble, preset recognised). */
  notes: string[];
}

/**
 * Opens `file` for an import of `kind`: the preset named, else the one whose signature the header
 * carries (a preamble before such a header is skipped), else the file as it is.
 */
export async function openImportSource(file: string, kind: ImportKind, opts: ReadOptions = {}): Promise<ImportSource> {
  const forced = opts.preset === undefined ? undefined : presetNamed(opts.preset, kind);
  const candidates = forced ? [forced] : PRESETS.filter((p) => p.kind === kind);
  const csv = await openCsv(file, {
    encoding: opts.encoding,
    skipLines: opts.skipLines,
    isHeader: candidates.length ? (cells) => candidates.some((p) => matchesHeader(p, cells)) : undefined,
  });
  const preset = forced ?? presetForHeader(csv.header, kind);
  const map = opts.map ?? new Map<string, string>();
  if (!preset) return { ...csv, map, dates: {}, notes: csv.notes };
  if (forced && !matchesHeader(forced, csv.header)) {
    const keys = new Set(csv.header.map(headerKey));
    const missing = forced.signature.filter((s) => !keys.has(headerKey(s)));
    throw usageError(
      `${quote(file)} is not a ${forced.title}: it lacks the column${missing.length === 1 ? "" : "s"} ${missing.map((m) => quote(m)).join(", ")}`,
      "drop --preset to read the file by its own header, or name its columns with --map",
    );
  }
  const source = withPreset(csv, preset, map);
  const column = preset.dates?.inferOrder;
  if (column !== undefined) {
    const inferred = await dateOrderOfColumn(file, column, {
      encoding: csv.encoding,
      skipLines: opts.skipLines,
      isHeader: (cells) => matchesHeader(preset, cells),
    });
    if (inferred) {
      source.dates = { ...source.dates, order: inferred.order };
      source.notes.push(
        `dates read ${inferred.order === "dmy" ? "day first" : "month first"}: ${quote(inferred.example)} on line ${inferred.line} can only be read so`,
      );
    }
  }
  return source;
}

/**
 * The day/month order of a column of slash or dot dates, when the file settles it: some date has a
 * day above 12 in one place, and none has it in the other. Undefined when no date settles it, or when
 * dates disagree (each ambiguous one is then refused on its own).
 */
async function dateOrderOfColumn(
  file: string,
  column: string,
  opts: { encoding: CsvEncoding; skipLines?: number; isHeader: (cells: readonly string[]) => boolean },
): Promise<{ order: DateOrder; example: string; line: number } | undefined> {
  const csv = await openCsv(file, opts);
  const at = csv.header.findIndex((h) => headerKey(h) === headerKey(column));
  if (at < 0) return undefined;
  let dayFirst: { example: string; line: number } | undefined;
  let monthFirst: { example: string; line: number } | undefined;
  for await (const batch of csv.batches())
    for (const { line, cells } of batch) {
      const m = /^\s*(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}/.exec(cells[at] ?? "");
      if (!m) continue;
      if (Number(m[1]) > 12 && Number(m[2]) <= 12) dayFirst ??= { example: m[0].trim(), line };
      if (Number(m[2]) > 12 && Number(m[1]) <= 12) monthFirst ??= { example: m[0].trim(), line };
    }
  if (dayFirst && !monthFirst) return { order: "dmy", ...dayFirst };
  if (monthFirst && !dayFirst) return { order: "mdy", ...monthFirst };
  return undefined;
}

/** The CSV's records as rows of crm fields, by the preset's columns, grouping and transform. */
function withPreset(csv: CsvSource, preset: Preset, userMap: ReadonlyMap<string, string>): ImportSource {
  const columns: Record<string, string> = { ...preset.columns };
  // --map still wins: a column the user names fills the field they name.
  for (const [column, field] of userMap) columns[field] = column;
  const keys = csv.header.map(headerKey);
  const indexOf = (h: string) => {
    const exact = csv.header.indexOf(h);
    return exact >= 0 ? exact : keys.indexOf(headerKey(h));
  };
  const fields = [...new Set([...Object.keys(columns), ...(preset.derived ?? [])])].filter((f) => f !== "ignore" && f !== "-");
  const fieldIndex = Object.entries(columns).map(([field, h]) => [field, indexOf(h)] as const);
  // A preset that keeps the file's other columns passes them on after its fields, under their own header.
  const used = new Set(fieldIndex.map(([, i]) => i));
  const kept = preset.keepColumns ? csv.header.map((_, i) => i).filter((i) => !used.has(i)) : [];
  const groupBy = preset.group ? indexOf(preset.group.by) : -1;
  const joinAt = preset.group?.join ? indexOf(preset.group.join) : -1;

  const toRow = (record: SourceRecord): SourceRecord => {
    const cell = (h: string) => {
      const i = indexOf(h);
      const v = i >= 0 ? record.cells[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    let values: Fields = {};
    for (const [field, i] of fieldIndex) {
      const v = i >= 0 ? record.cells[i]?.trim() : undefined;
      values[field] = v ? v : undefined;
    }
    if (preset.transform) {
      const out = preset.transform(values, cell);
      if (typeof out === "string") return { line: record.line, cells: record.cells, skip: out };
      values = out;
    }
    return { line: record.line, cells: [...fields.map((f) => values[f] ?? ""), ...kept.map((i) => record.cells[i] ?? "")] };
  };

  /** Consecutive records with the same group key → one, the joined column's values gathered ("; "). */
  async function* grouped(): AsyncGenerator<SourceRecord> {
    let current: SourceRecord | undefined;
    let joined: string[] = [];
    const flush = () => {
      if (!current) return undefined;
      if (joinAt >= 0) current.cells[joinAt] = joined.join("; ");
      return current;
    };
    for await (const batch of csv.batches()) {
      for (const record of batch) {
        const key = record.cells[groupBy]?.trim();
        if (current && key && key === current.cells[groupBy]?.trim()) {
          const item = joinAt >= 0 ? record.cells[joinAt]?.trim() : undefined;
          if (item) joined.push(item);
          // A continuation row fills what the first row left empty (Shopify repeats only the Name).
          record.cells.forEach((v, i) => {
            if (!current!.cells[i]?.trim() && v.trim()) current!.cells[i] = v;
          });
          continue;
        }
        const done = flush();
        if (done) yield done;
        current = { line: record.line, cells: [...record.cells] };
        const item = joinAt >= 0 ? record.cells[joinAt]?.trim() : undefined;
        joined = item ? [item] : [];
      }
    }
    const done = flush();
    if (done) yield done;
  }

  async function* batches(): AsyncGenerator<SourceRecord[]> {
    if (groupBy < 0) {
      for await (const batch of csv.batches()) yield batch.map(toRow);
      return;
    }
    let batch: SourceRecord[] = [];
    for await (const record of grouped()) {
      batch.push(toRow(record));
      if (batch.length === 1024) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  async function* records(): AsyncGenerator<SourceRecord> {
    for await (const batch of batches()) yield* batch;
  }

  return {
    file: csv.file,
    size: csv.size,
    bytesRead: csv.bytesRead,
    header: [...fields, ...kept.map((i) => csv.header[i]!)],
    preset,
    map: new Map(),
    dates: preset.dates ?? {},
    notes: [...csv.notes],
    readAs: `${preset.title} (preset ${preset.name})`,
    records,
    batches,
  };
}

/**
 * The date reader of an import: the user's date format, else the date order (the user's, the
 * setting's, the preset's) and the preset's rules (UTC), memoised. `what` names the date in refusals.
 */
export async function importDateParser(store: Store, src: ImportSource, opts: ReadOptions, what = "date"): Promise<(text: string) => string> {
  // The preset's order (fixed, or read from the file) knows the file better than the setting does.
  const rules: DateRules = { ...src.dates, order: opts.dateOrder ?? src.dates.order ?? dateOrder(store) };
  if (opts.dateFormat) rules.format = opts.dateFormat;
  return cachedDateParser(what, rules, rules.format ? await dateTextReader(rules, "") : undefined, opts.settleDate);
}

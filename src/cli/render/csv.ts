// The one CSV writer for output: records (from an array or streamed from the database) in a fixed
// field order, chunked for the sink. Quoting and the formula-injection rule live with the CSV reader
// in src/io/csv.ts.
import { csvRecordLines } from "../../io/csv.js";
import { chunked } from "./sink.js";

export { toCsv, csvTableBytes } from "../../io/csv.js";

/** CSV of `records` in chunks; without `fields`, the first record's keys. */
export function toCsvChunks(records: Iterable<Record<string, unknown>>, fields?: readonly string[]): Iterable<string> {
  if (fields) return chunked(csvRecordLines(fields, records));
  const it = records[Symbol.iterator]();
  const first = it.next();
  const rest: Iterable<Record<string, unknown>> = {
    *[Symbol.iterator]() {
      if (!first.done) yield first.value;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    },
  };
  return chunked(csvRecordLines(first.done ? [] : Object.keys(first.value), rest));
}

// Column mappings, "Source Column=field,Other=field2": how a file's headers are named onto crm's fields.
// Apart from the CSV reader because `--map` is parsed with the command line, before any file is read.
import { usageError, quote } from "../errors.js";

/**
 * One entry of a column mapping, "Source Column=field": [source, target], or undefined when either side
 * is empty. The split is on the LAST `=`, so a source column may itself contain `=`.
 */
function parseColumnPair(pair: string): [source: string, target: string] | undefined {
  const i = pair.lastIndexOf("=");
  const source = i > 0 ? pair.slice(0, i).trim() : "";
  const target = i > 0 ? pair.slice(i + 1).trim() : "";
  return source && target ? [source, target] : undefined;
}

/**
 * Parses column mappings "Source Column=field,Other=field2" (one or several). Returns source header →
 * target, in order. `what` names the mapping in the refusal ("invalid --map entry …" on the command line).
 */
export function parseColumnMap(specs: readonly string[] | string | undefined, what = "column mapping"): Map<string, string> {
  const map = new Map<string, string>();
  const list = specs === undefined ? [] : Array.isArray(specs) ? specs : [specs as string];
  for (const spec of list) {
    for (const pair of spec.split(",")) {
      if (!pair.trim()) continue;
      const entry = parseColumnPair(pair);
      if (!entry) throw usageError(`invalid ${what} ${quote(pair.trim())}`, 'use "Source Column=field", e.g. "Order Total=amount,Buyer=email"');
      map.set(...entry);
    }
  }
  return map;
}

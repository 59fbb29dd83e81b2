// `crm find`: full-text search (SQLite FTS5) over contacts, companies, notes, interactions, deals,
// follow-up notes and survey comments, ranked by bm25 with the matching snippet.
// Also how names compare as people type them: without accents and case (`fold`, and `crm_fold()` in SQL).
import type { Store } from "../../db/open.js";
import { usageError } from "../../errors.js";

/** Text the way a name is typed without accents and case: "Chloé" → "chloe", "ÉMILE" → "emile". */
export function fold(text: string): string {
  return text.toLowerCase().replace(/[^ -~]/g, foldChar);
}

const folded = new Map<string, string>();
function foldChar(ch: string): string {
  let f = folded.get(ch);
  if (f === undefined) folded.set(ch, (f = ch.normalize("NFD").replace(/\p{M}+/gu, "")));
  return f;
}

/**
 * Contacts whose name (`"name"`) or any indexed detail (`"details"`: email, phone, company, title,
 * note, source) has, for every word of `text`, a word starting with it — accents and case aside, as the
 * search index folds both (unicode61 remove_diacritics 2). A superset, at index speed: callers keep
 * those whose folded text holds `text`. (A SQL function folding every name costs ~1.5 µs a row in
 * callbacks alone: seconds on a large address book.)
 */
export function contactCandidates(store: Store, text: string, where: "name" | "details", limit = 1000): number[] {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return [];
  const query = `${where === "name" ? "title" : "{title body}"} : (${words.map((w) => `"${w}"*`).join(" ")})`;
  return store.sqlite
    .prepare<[string, number], number>("select ref_id from search_index where search_index match ? and kind = 'contact' limit ?")
    .pluck()
    .all(query, limit);
}

export interface SearchHit {
  kind: "contact" | "interaction" | "deal" | "followup" | "response";
  id: number;
  contactId: number | null;
  contactName: string | null;
  title: string | null;
  snippet: string;
  rank: number;
}

/** Turns what the user typed into an FTS5 query: every word must match, as a prefix, taken literally. */
function toFtsQuery(query: string): string {
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (!words.length) throw usageError("the search needs at least one letter or digit", "e.g. crm find proposal");
  return words.map((w) => `"${w}"*`).join(" ");
}

/**
 * Ranked by bm25 with the title weighted 4 and the body 1, ties by index row (the order FTS5 meets them
 * in). The ranking is computed in SQL and only the `limit` best rows are kept (`top`, a top-N sort that
 * holds `limit` rows, not every match); the snippet and the contact's name are then worked out for those
 * rows only, the second pass over the index reading only the stretch of rowids they lie in. FTS5's own
 * sorted `rank` cursor copies every match's positions into its sorter first: on a word in 63,000 rows
 * that took twice as long.
 */
export function search(store: Store, query: string, limit = 20, marks: [string, string] = ["[", "]"]): SearchHit[] {
  return store.sqlite
    .prepare<[{ open: string; close: string; query: string; limit: number }], SearchHit>(
      `with top as materialized (
         select rowid as row, bm25(search_index, 0, 0, 0, 4.0, 1.0) as rank from search_index
         where search_index match @query order by rank, rowid limit @limit)
       select s.kind, s.ref_id as id, s.contact_id as contactId, c.name as contactName, s.title,
         snippet(search_index, -1, @open, @close, '…', 12) as snippet, top.rank as rank
       from search_index s join top on top.row = s.rowid left join contacts c on c.id = s.contact_id
       where search_index match @query and s.rowid between (select min(row) from top) and (select max(row) from top)
       order by top.rank, top.row`,
    )
    .all({ open: marks[0], close: marks[1], query: toFtsQuery(query), limit });
}

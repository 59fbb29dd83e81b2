// `crm find`: full-text search (SQLite FTS5) over contacts, companies, notes, interactions, deals,
// follow-up notes and survey comments, ranked by bm25 with the matching snippet.
import type { Store } from "../db/open.js";
import { usageError } from "../errors.js";

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
export function toFtsQuery(query: string): string {
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (!words.length) throw usageError("the search needs at least one letter or digit", "e.g. crm find proposal");
  return words.map((w) => `"${w}"*`).join(" ");
}

export function search(store: Store, query: string, limit = 20, marks: [string, string] = ["[", "]"]): SearchHit[] {
  return store.sqlite
    .prepare(
      `select s.kind, s.ref_id as id, s.contact_id as contactId, c.name as contactName, s.title,
         snippet(search_index, -1, ?, ?, '…', 12) as snippet, bm25(search_index, 0, 0, 0, 4.0, 1.0) as rank
       from search_index s left join contacts c on c.id = s.contact_id
       where search_index match ? order by rank limit ?`,
    )
    .all(marks[0], marks[1], toFtsQuery(query), limit) as SearchHit[];
}

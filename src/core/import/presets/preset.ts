// What a preset is: the layout of one service's export (the header it writes, which of its columns
// fill which of crm's fields) and the few small transforms its rows need (a date split over three
// columns, a currency named in a header, a totals row to leave out). Presets are data for the import
// engine (../source.ts), which applies them the same way for every kind of import.
import type { DateRules } from "../../../io/dates.js";
import { headerKey } from "../../../io/csv.js";

export type ImportKind = "contacts" | "purchases" | "responses" | "interactions";

/** A row's values by crm field name ("email", "amount", …); undefined when empty or absent. */
export type Fields = Record<string, string | undefined>;

/** A cell of the row by its header exactly as exported ("Financial Status"); undefined when empty. */
export type RowCell = (header: string) => string | undefined;

export interface Preset {
  /** What `--preset` takes: lower-case, one word ("shopify", "google-contacts"). */
  name: string;
  kind: ImportKind;
  /** The export in the service's words: "Shopify orders export (Orders → Export, CSV for Excel…)". */
  title: string;
  /** Where the layout is documented (a help-centre page, or an open-source parser that lists it). */
  documented: string;
  /** Headers as exported that together identify the file (all must be there, in any order). */
  signature: readonly string[];
  /** crm field → the header (as exported) that fills it. */
  columns: Readonly<Record<string, string>>;
  /**
   * The file's columns that `columns` does not name go on too, under their own header (an address book's
   * every column is worth keeping: the contacts import reads the ones it knows and keeps the rest as fields).
   */
  keepColumns?: boolean;
  /** Fields `transform` adds beyond `columns`. */
  derived?: readonly string[];
  /** For `crm import presets`: what is kept, and what is skipped and why. */
  keeps: string;
  skips: string;
  /** The source the external ids belong to ("shopify"); default: the preset's name. */
  source?: string;
  /** Rows that belong together: consecutive rows with the same `by` are one record; `join` gathers a column's values. */
  group?: { by: string; join?: string };
  /**
   * How the export writes dates. `inferOrder` names the date column whose day/month order depends on
   * the account's country: the file itself decides (a day above 12 in either place), else the date
   * order setting.
   */
  dates?: DateRules & { inferOrder?: string };
  /** Unknown customers become contacts (a shop's buyers are the user's customers). */
  createContacts?: boolean;
  /**
   * The small transform: the fields from `columns` (and the raw row) → the fields to import, or a
   * string saying why the row is not imported at all (a totals row, a balance transfer).
   */
  transform?(fields: Fields, cell: RowCell): Fields | string;
}

/** Whether a header (cells of the first line) carries every column of the preset's signature. */
export function matchesHeader(preset: Preset, header: readonly string[]): boolean {
  const keys = new Set(header.map(headerKey));
  return preset.signature.every((s) => keys.has(headerKey(s)));
}

/** "$" in "Sale Price ($)" → USD: the currency some exports name only in a column's header. */
export function currencyInHeader(header: string): string | undefined {
  const m = /\(([^)]+)\)\s*$/.exec(header);
  if (!m) return undefined;
  const inside = m[1]!.trim();
  const symbols: Record<string, string> = { $: "USD", "€": "EUR", "£": "GBP", "¥": "JPY" };
  return symbols[inside] ?? (/^[A-Z]{3}$/.test(inside) ? inside : undefined);
}

/** "yes", "true", "1", "Y" → true. */
export const yes = (v: string | undefined): boolean => v !== undefined && /^(?:y|yes|true|1|x)$/i.test(v.trim());

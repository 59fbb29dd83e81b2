// The one table writer: boxed with colour on a terminal (cli-table3, loaded on demand), aligned plain
// columns without borders or truncation when piped — one line per row, tab-free, for scripts.
import type { Out } from "./out.js";
import { terminalSafe } from "./safe-text.js";
import stringWidth from "string-width";

/**
 * A cell crm styles itself: `text` is made terminal-safe first (it may hold data), then `style` (a
 * colour of ours) is put around it — so our escape codes reach the terminal and the data's never do.
 */
export interface Styled {
  text: string;
  style: (text: string) => string;
}

export type Cell = string | number | null | undefined | Styled;

export interface Column<R> {
  header: string;
  /** The cell for tables (formatted for people); colour it by returning `styled(text, style)`, never a coloured string. */
  cell: (row: R) => Cell;
  align?: "left" | "right";
  /** Shortened, and hidden, last on a narrow terminal (default: names, amounts and right-aligned numbers). */
  keep?: boolean;
}

/** A cell whose text (data or words) is escaped before `style` colours it. */
export const styled = (text: string, style: (text: string) => string): Styled => ({ text, style });

const oneLine = (v: Cell): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "object") return v.style(oneLine(v.text));
  return terminalSafe(v.replace(/[\t\r\n]+/g, " "));
};

/** A cell as its text (data escaped, no colour yet) and the colour to put around it once it fits. */
const plainCell = (v: Cell): { text: string; style?: (text: string) => string } =>
  v !== null && typeof v === "object" ? { text: oneLine(v.text), style: v.style } : { text: oneLine(v) };

const ASCII = /^[\x20-\x7e]*$/;

/**
 * The columns `text` takes on a terminal: CJK and emoji take two, combining accents none, crm's own
 * colour codes none (string-width). Printable ASCII, most cells, is counted without it.
 */
export function displayWidth(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(text);
}

let graphemes: Intl.Segmenter | undefined;

/** `text` cut to `width` columns, ending in "…" when cut; never splits a character or an emoji sequence. */
export function fitText(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  graphemes ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  let kept = "";
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    kept += segment;
    used += w;
  }
  return kept + "…";
}

/** `text` padded with spaces to `width` columns (display width), on the right or, for `right`, the left. */
export function padTo(text: string, width: number, align: "left" | "right" = "left"): string {
  const pad = " ".repeat(Math.max(0, width - displayWidth(text)));
  return align === "right" ? pad + text : text + pad;
}

/** Aligned columns separated by two spaces, no borders, no truncation: for pipes and scripts. */
export function plainTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  return [...plainTableChunks(columns, rows)].join("");
}

/** True for printable ASCII, most cells: such a text is safe as it is and its width is its length. */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

const NOT_BLANK = /\S/;

/** About this many characters of output per chunk written. */
const CHUNK_CHARS = 65_536;

/**
 * plainTable's text in chunks of about 64 kB, made as they are written. The cells are read once into
 * one array (a cell of printable ASCII as it is, with no copy and no width to work out), their widths
 * into another; then each row becomes one line, its padding taken from strings made once: the writer
 * allocates per row, not per cell.
 */
export function plainTableChunks<R>(columns: readonly Column<R>[], rows: readonly R[]): Iterable<string> {
  const n = columns.length;
  // Row 0 is the header.
  const texts: string[] = new Array<string>((rows.length + 1) * n);
  const cellWidths = new Uint32Array(texts.length);
  const widths = new Array<number>(n).fill(0);
  const keep = (k: number, text: string, width: number, i: number) => {
    texts[k] = text;
    cellWidths[k] = width;
    if (width > widths[i]!) widths[i] = width;
  };
  for (let i = 0; i < n; i++) {
    const header = oneLine(columns[i]!.header.toUpperCase());
    keep(i, header, displayWidth(header), i);
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let i = 0; i < n; i++) {
      const value = columns[i]!.cell(row);
      const k = (r + 1) * n + i;
      if (typeof value === "string" && isPrintableAscii(value)) keep(k, value, value.length, i);
      else {
        const text = oneLine(value);
        keep(k, text, displayWidth(text), i);
      }
    }
  }
  const right = columns.map((c) => c.align === "right");
  // Padding strings, each made once: a cell's padding is one of them, never a string of its own.
  const pads: string[] = [];
  return (function* () {
    let chunk = "";
    for (let line = 0; line <= rows.length; line++) {
      const base = line * n;
      // Trailing blanks are left out: the line ends with its last cell that is not blank, trimmed.
      let last = n - 1;
      while (last >= 0 && !NOT_BLANK.test(texts[base + last]!)) last--;
      let text = "";
      for (let i = 0; i <= last; i++) {
        const k = base + i;
        const padding = widths[i]! - cellWidths[k]!;
        const pad = (pads[padding] ??= " ".repeat(padding));
        const cell = i === last ? texts[k]!.trimEnd() : texts[k]!;
        if (i) text += "  ";
        text += right[i] ? pad + cell : i === last ? cell : cell + pad;
        texts[k] = ""; // written: let it go
      }
      chunk += text + "\n";
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  })();
}

/** Names and amounts: the columns a narrow terminal shortens last. */
const KEPT_HEADER = /^(name|contact|customer|title)$|amount|total|revenue|value|clv|price/i;
const kept = (c: Column<unknown>) => c.keep ?? (c.align === "right" || KEPT_HEADER.test(c.header));

/**
 * Column widths that fit `budget` columns of text: the other columns give up their width first (the
 * widest first), then names and amounts, in turns down to a few characters; only then does every
 * column go down to one character — never below its `floors` entry (a number is never cut: "73,…" would
 * read as a different amount). The natural widths when they fit already.
 */
export function fitWidths(natural: readonly number[], keep: readonly boolean[], budget: number, floors: readonly number[] = []): number[] {
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) - budget;
  const shrink = (which: (i: number) => boolean, floor: number) => {
    while (excess > 0) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++)
        if (which(i) && widths[i]! > Math.max(floors[i] ?? 0, Math.min(floor, natural[i]!)) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0) return;
      widths[widest]!--;
      excess--;
    }
  };
  const others = (i: number) => !keep[i];
  const names = (i: number) => Boolean(keep[i]);
  shrink(others, 8);
  shrink(names, 16);
  shrink(others, 4);
  shrink(names, 8);
  shrink(() => true, 1);
  return widths;
}

/**
 * The columns a screen `width` wide can show (indexes, in order) when each shrinks no further than a
 * few characters and no number is cut: the rightmost of the other columns go first, then the rightmost
 * names and amounts; the first column always stays. Every column when the screen is wide enough.
 */
export function columnsThatFit(natural: readonly number[], keep: readonly boolean[], floors: readonly number[], width: number): number[] {
  const shown = natural.map((_, i) => i);
  const least = (i: number) => Math.max(floors[i] ?? 0, Math.min(natural[i]!, keep[i] ? 8 : 4));
  // Each column takes its text, a space either side and a border; one more border closes the row.
  const fits = () => shown.reduce((sum, i) => sum + least(i) + 3, 1) <= width;
  while (shown.length > 1 && !fits()) {
    const other = [...shown].reverse().find((i) => i > 0 && !keep[i]);
    const drop = other ?? shown[shown.length - 1]!;
    shown.splice(shown.indexOf(drop), 1);
  }
  return shown;
}

/**
 * The table for a terminal: borders (grey when colour is on), no line between rows, and, given
 * `out.width`, no wider than the screen — long cells shortened with "…" (see fitWidths). Widths are
 * display widths, so CJK names and emoji line up.
 */
export async function boxTable<R>(out: Pick<Out, "color" | "useColor" | "width">, allColumns: readonly Column<R>[], rows: readonly R[]): Promise<string> {
  const { default: Table } = await import("cli-table3");
  let columns = allColumns;
  let cells = rows.map((r) => columns.map((c) => plainCell(c.cell(r))));
  const natural = (cols: readonly Column<R>[], body: readonly { text: string }[][]) => {
    const w = cols.map((c) => displayWidth(c.header));
    for (const row of body) row.forEach((cell, i) => (w[i] = Math.max(w[i]!, displayWidth(cell.text))));
    return w;
  };
  let widths = natural(columns, cells);
  let hidden = 0;
  if (out.width !== undefined) {
    const keep = columns.map((c) => kept(c as Column<unknown>));
    // A right-aligned column holds numbers: never cut below its widest value (its header may be).
    const floors = columns.map((c, i) => (c.align === "right" ? Math.max(1, ...cells.map((row) => displayWidth(row[i]!.text))) : 0));
    const shown = columnsThatFit(widths, keep, floors, out.width);
    if (shown.length < columns.length) {
      hidden = columns.length - shown.length;
      columns = shown.map((i) => columns[i]!);
      cells = cells.map((row) => shown.map((i) => row[i]!));
      widths = shown.map((i) => widths[i]!);
    }
    widths = fitWidths(
      widths,
      shown.map((i) => keep[i]!),
      out.width - 3 * columns.length - 1,
      shown.map((i) => floors[i]!),
    );
  }
  const headers = columns.map((c) => ({ text: c.header, style: out.color.bold }));
  const show = (cell: { text: string; style?: (text: string) => string }, i: number) => {
    const text = fitText(cell.text, widths[i]!);
    return cell.style ? cell.style(text) : text;
  };
  const table = new Table({
    head: headers.map(show),
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    style: { head: [], border: out.useColor ? ["grey"] : [] },
    colAligns: columns.map((c) => c.align ?? "left"),
  });
  for (const row of cells) table.push(row.map(show));
  const more = hidden ? out.color.dim(`${hidden} more column${hidden === 1 ? "" : "s"} with --wide`) + "\n" : "";
  return table.toString() + "\n" + more;
}

// The one table writer: boxed with colour on a terminal (cli-table3, loaded on demand), aligned plain
// columns without borders or truncation when piped — one line per row, tab-free, for scripts.
import type { Out } from "./out.js";
import { chunked } from "./sink.js";
import { terminalSafe } from "./safe-text.js";

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
}

/** A cell whose text (data or words) is escaped before `style` colours it. */
export const styled = (text: string, style: (text: string) => string): Styled => ({ text, style });

const oneLine = (v: Cell): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "object") return v.style(oneLine(v.text));
  return terminalSafe(v.replace(/[\t\r\n]+/g, " "));
};

const SURROGATE = /[\uD800-\uDFFF]/;
/** Length in code points, which the padding counts; no array is built for text without surrogates. */
const codePoints = (text: string) => (SURROGATE.test(text) ? [...text].length : text.length);
/** The width a cell takes: its code points without crm's own colour codes (data's were escaped already). */
// eslint-disable-next-line no-control-regex -- the colour codes crm itself put in the cell
const cellWidth = (text: string) => codePoints(text.includes("\u001b") ? text.replace(/\u001b\[[0-9;]*m/g, "") : text);

/** Aligned columns separated by two spaces, no borders, no truncation: for pipes and scripts. */
export function plainTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  return [...plainTableChunks(columns, rows)].join("");
}

/** plainTable's text in chunks, made as they are written. */
export function plainTableChunks<R>(columns: readonly Column<R>[], rows: readonly R[]): Iterable<string> {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.cell(r))));
  const headers = columns.map((c) => c.header.toUpperCase());
  // A loop, not Math.max(...cells): a spread of a hundred thousand rows overflows the call stack.
  const widths = headers.map((h) => h.length);
  for (const row of cells)
    for (let i = 0; i < row.length; i++) {
      const width = cellWidth(row[i]!);
      if (width > widths[i]!) widths[i] = width;
    }
  const right = columns.map((c) => c.align === "right");
  const spaces = widths.map((w) => " ".repeat(w));
  // Cells padded to their column's width (the last column unpadded unless right-aligned), two spaces
  // apart, trailing spaces trimmed.
  const line = (row: string[]) => {
    let text = "";
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      const pad = spaces[i]!.slice(0, widths[i]! - cellWidth(cell));
      text += (i ? "  " : "") + (right[i] ? pad + cell : i === row.length - 1 ? cell : cell + pad);
    }
    return text.trimEnd();
  };
  return chunked(
    (function* () {
      yield line(headers);
      for (let i = 0; i < cells.length; i++) {
        yield "\n" + line(cells[i]!);
        cells[i] = []; // written: let it go
      }
      yield "\n";
    })(),
  );
}

export async function boxTable<R>(out: Pick<Out, "color" | "useColor">, columns: readonly Column<R>[], rows: readonly R[]): Promise<string> {
  const { default: Table } = await import("cli-table3");
  const table = new Table({
    head: columns.map((c) => out.color.bold(c.header)),
    style: { head: [], border: out.useColor ? ["grey"] : [] },
    colAligns: columns.map((c) => c.align ?? "left"),
    wordWrap: true,
  });
  for (const r of rows) table.push(columns.map((c) => oneLine(c.cell(r))));
  return table.toString() + "\n";
}

// Tiny terminal charts in Unicode block characters: a horizontal bar and a sparkline. They return plain
// text; callers colour them through out.color (which is off when colour is not allowed) and show them
// only in table output on a terminal.

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
const TICKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/**
 * A bar `width` cells long at `max`, drawn to an eighth of a cell (or, with `step: "cell"`, to whole
 * cells, for the coarser bars of the segment and survey views). Anything above zero shows at least an
 * eighth, so a small value never looks like none; zero, negative or a non-positive max draw nothing.
 */
export function bar(value: number, max: number, width: number, opts: { step?: "eighth" | "cell" } = {}): string {
  if (!(value > 0) || !(max > 0) || !(width > 0)) return "";
  const share = Math.min(value, max) / max;
  if (opts.step === "cell") return "█".repeat(Math.round(share * Math.floor(width))) || EIGHTHS[1]!;
  const eighths = Math.max(1, Math.round(share * Math.floor(width) * 8));
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/**
 * One character per value, from ▁ to █. By default the scale runs from min(0, smallest) to the largest
 * value, so amounts keep zero as their baseline; `baseline: "min"` scales from the smallest value
 * instead (for scores such as NPS that move within a band). All-equal values draw a flat line; null or
 * non-finite values leave a gap (a space).
 */
export function sparkline(values: readonly (number | null | undefined)[], opts: { baseline?: "zero" | "min" } = {}): string {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (!finite.length) return " ".repeat(values.length);
  const lo = opts.baseline === "min" ? Math.min(...finite) : Math.min(0, ...finite);
  const hi = Math.max(...finite);
  return values
    .map((v) => {
      if (typeof v !== "number" || !Number.isFinite(v)) return " ";
      if (hi === lo) return TICKS[hi === 0 ? 0 : 3];
      return TICKS[Math.round(((v - lo) / (hi - lo)) * (TICKS.length - 1))];
    })
    .join("");
}

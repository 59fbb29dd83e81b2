// Terminal colours: chalk (bundled), at the level src/cli/io.ts decides once per command — 0 (plain
// text) when colour is not allowed. Nothing here looks at the terminal or the environment itself.
import { Chalk, type ChalkInstance } from "chalk";
import type { ColorLevel } from "../io.js";

export type Colors = ChalkInstance;
export type Style = (...text: unknown[]) => string;

/** The styles for `level`; at 0 every style returns its text unchanged. */
export function makeColors(level: ColorLevel): Colors {
  return new Chalk({ level });
}

/** The two escapes `style` puts around text, e.g. for marking matches inside a snippet. */
export function styleMarks(style: Style): [open: string, close: string] {
  const [open = "", close = ""] = style("\u0000").split("\u0000");
  return [open, close];
}

// Terminal colours: chalk (bundled), at the level src/cli/io.ts decides once per command — 0 (plain
// text) when colour is not allowed. Nothing here looks at the terminal or the environment itself.
// At level 0 chalk is not even loaded: piped output, cron and NO_COLOR are the common case, and
// every command pays for what it loads.
import type { ChalkInstance } from "chalk";
import type { ColorLevel } from "../io.js";

export type Colors = ChalkInstance;
export type Style = (...text: unknown[]) => string;

/**
 * What chalk does at level 0, without chalk: every style, however chained, returns its text. Not a
 * thenable (no `then`), so it can be returned from an async function.
 */
const PLAIN: Colors = new Proxy((...text: unknown[]) => text.join(" "), {
  get: (_target, key) => (key === "then" ? undefined : PLAIN),
}) as unknown as Colors;

/** The styles for `level`; at 0 every style returns its text unchanged. */
export async function makeColors(level: ColorLevel): Promise<Colors> {
  if (level === 0) return PLAIN;
  const { Chalk } = await import("chalk");
  return new Chalk({ level });
}

/** The two escapes `style` puts around text, e.g. for marking matches inside a snippet. */
export function styleMarks(style: Style): [open: string, close: string] {
  const [open = "", close = ""] = style("\u0000").split("\u0000");
  return [open, close];
}

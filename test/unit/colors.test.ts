// crm's own terminal colours write exactly what chalk 5 writes at level 1 (basic ANSI) for the styles
// crm uses, and nothing at all when colour is off.
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { makeColors } from "../../src/cli/render/colors.js";

const SAMPLES: unknown[] = ["plain", "", "two\nlines", "crlf\r\nlines\n", "nested \u001B[39m close", "\u001B[1mbold inside\u001B[22m", 42, "unicode ✓ 😀"];
const STYLES = ["bold", "dim", "red", "green", "yellow", "cyan", "gray", "grey"] as const;

describe("makeColors", () => {
  it("matches chalk at level 1 for every style and awkward text", () => {
    const chalk = new Chalk({ level: 1 });
    const ours = makeColors(true);
    for (const style of STYLES) for (const text of SAMPLES) expect(ours[style](text)).toBe(chalk[style](text));
    expect(ours.bold("a", "b")).toBe(chalk.bold("a", "b"));
  });

  it("returns the text unchanged when colour is off, as chalk at level 0", () => {
    const chalk = new Chalk({ level: 0 });
    const ours = makeColors(false);
    for (const style of STYLES) for (const text of SAMPLES) expect(ours[style](text)).toBe(chalk[style](text));
  });
});

// Colour is decided once per stream (src/cli/io.ts colorLevel) and drawn by chalk at that level: on a
// terminal basic ANSI, and plain text whenever colour is not allowed.
import { describe, expect, it } from "vitest";
import { colorLevel, type OutStream } from "../../src/cli/io.js";
import { Chalk } from "chalk";
import { makeColors, styleMarks } from "../../src/cli/render/colors.js";

const tty = { isTTY: true } as OutStream;
const pipe = { isTTY: false } as OutStream;

describe("colorLevel", () => {
  it("is basic ANSI on a terminal", () => {
    expect(colorLevel(tty, {}, undefined)).toBe(1);
    expect(colorLevel(tty, {}, true)).toBe(1);
  });

  it("is 0 when piped, with --no-color or --color never, and when NO_COLOR is set to anything", () => {
    expect(colorLevel(pipe, {}, undefined)).toBe(0);
    expect(colorLevel(tty, {}, false)).toBe(0);
    expect(colorLevel(tty, {}, "never")).toBe(0);
    expect(colorLevel(tty, { NO_COLOR: "1" }, undefined)).toBe(0);
    expect(colorLevel(tty, { NO_COLOR: "0" }, undefined)).toBe(0);
  });

  it("ignores an empty NO_COLOR (no-color.org: present and not an empty string)", () => {
    expect(colorLevel(tty, { NO_COLOR: "" }, undefined)).toBe(1);
  });

  it("is 0 on a dumb terminal", () => {
    expect(colorLevel(tty, { TERM: "dumb" }, undefined)).toBe(0);
    expect(colorLevel(tty, { TERM: "xterm-256color" }, undefined)).toBe(1);
  });

  it("follows FORCE_COLOR when no flag or NO_COLOR says otherwise, piped or not", () => {
    expect(colorLevel(pipe, { FORCE_COLOR: "1" }, undefined)).toBe(1);
    expect(colorLevel(pipe, { FORCE_COLOR: "" }, undefined)).toBe(1);
    expect(colorLevel(pipe, { FORCE_COLOR: "true" }, undefined)).toBe(1);
    expect(colorLevel(pipe, { FORCE_COLOR: "3" }, undefined)).toBe(3);
    expect(colorLevel(tty, { FORCE_COLOR: "0" }, undefined)).toBe(0);
    expect(colorLevel(tty, { FORCE_COLOR: "false" }, undefined)).toBe(0);
    expect(colorLevel(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }, undefined)).toBe(0);
  });

  it("--color always colours even a pipe and beats NO_COLOR; --color auto is the default rule", () => {
    expect(colorLevel(pipe, {}, "always")).toBe(1);
    expect(colorLevel(pipe, { NO_COLOR: "1" }, "always")).toBe(1);
    expect(colorLevel(tty, { TERM: "dumb" }, "always")).toBe(1);
    expect(colorLevel(pipe, { FORCE_COLOR: "2" }, "always")).toBe(2);
    expect(colorLevel(tty, {}, "auto")).toBe(1);
    expect(colorLevel(pipe, {}, "auto")).toBe(0);
  });
});

describe("makeColors", () => {
  const SAMPLES: unknown[] = ["plain", "", "two\nlines", "\u001B[1mbold inside\u001B[22m", 42, "unicode ✓ 😀"];
  const STYLES = ["bold", "dim", "red", "green", "yellow", "cyan", "gray"] as const;

  it("writes the basic ANSI escapes at level 1", async () => {
    const c = await makeColors(1);
    expect(c.red("x")).toBe("\u001B[31mx\u001B[39m");
    expect(c.bold("a", "b")).toBe("\u001B[1ma b\u001B[22m");
    expect(c.cyan("a\nb")).toBe("\u001B[36ma\u001B[39m\n\u001B[36mb\u001B[39m");
    expect(styleMarks(c.bold.yellow)).toEqual(["\u001B[1m\u001B[33m", "\u001B[39m\u001B[22m"]);
  });

  it("returns the text unchanged at level 0", async () => {
    const c = await makeColors(0);
    for (const style of STYLES) for (const text of SAMPLES) expect(c[style](text)).toBe(text === 42 ? "42" : text);
    expect(styleMarks(c.bold)).toEqual(["", ""]);
  });

  it("writes at level 0 exactly what chalk writes at level 0, chained styles and several arguments included", async () => {
    const plain = await makeColors(0);
    const chalk = new Chalk({ level: 0 });
    for (const text of SAMPLES) {
      expect(plain.bold.yellow(text)).toBe(chalk.bold.yellow(text));
      expect(plain.red(text, "and", text)).toBe(chalk.red(text, "and", text));
    }
  });
});

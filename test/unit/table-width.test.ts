// Display widths and fitting a table to the screen: what the terminal draws, not what JavaScript counts.
import { describe, expect, it } from "vitest";
import { columnsThatFit, displayWidth, fitText, fitWidths, padTo } from "../../src/cli/render/table.js";

describe("display width", () => {
  it("counts CJK and emoji as two columns, combining accents as none", () => {
    expect(displayWidth("Ada")).toBe(3);
    expect(displayWidth("李小龍")).toBe(6);
    expect(displayWidth("Zoe\u0301")).toBe(3);
    expect(displayWidth("👨‍👩‍👧")).toBe(2);
    expect(displayWidth("\u001b[1mbold\u001b[22m")).toBe(4);
    expect(padTo("李", 4) + "|").toBe("李  |");
    expect(padTo("7", 3, "right")).toBe("  7");
  });

  it("cuts to a width with …, never through a character or an emoji sequence", () => {
    expect(fitText("Ada Lovelace", 20)).toBe("Ada Lovelace");
    expect(fitText("Ada Lovelace", 6)).toBe("Ada L…");
    expect(fitText("李小龍李小龍", 6)).toBe("李小…");
    expect(displayWidth(fitText("李小龍李小龍", 6))).toBeLessThanOrEqual(6);
    expect(fitText("ab👨‍👩‍👧cd", 4)).toBe("ab…");
    expect(fitText("Zoe\u0301 Mu\u0308ller", 4)).toBe("Zoe\u0301…");
  });
});

describe("fitting columns to the screen", () => {
  it("keeps natural widths when they fit", () => {
    expect(fitWidths([4, 10, 20], [true, true, false], 40)).toEqual([4, 10, 20]);
  });

  it("shortens the other columns first, widest first, before names and amounts", () => {
    // id (kept), name (kept), email, company, amount (kept)
    const widths = fitWidths([3, 14, 30, 25, 10], [true, true, false, false, true], 60);
    expect(widths.reduce((a, b) => a + b)).toBe(60);
    expect(widths[0]).toBe(3);
    expect(widths[1]).toBe(14);
    expect(widths[4]).toBe(10);
  });

  it("shortens names only once the others are down to a few characters, and always fits", () => {
    const widths = fitWidths([3, 30, 30, 30, 10], [true, true, false, false, true], 40);
    expect(widths.reduce((a, b) => a + b)).toBe(40);
    expect(widths[2]).toBeLessThanOrEqual(8);
    expect(widths[1]).toBeGreaterThan(widths[2]!);
    expect(fitWidths([20, 20], [true, false], 4).reduce((a, b) => a + b)).toBe(4);
  });

  it("never cuts a number below its widest value: the other columns give way", () => {
    // id, name (kept), spent (a number: floor 9), email
    const widths = fitWidths([3, 20, 9, 30], [true, true, true, false], 30, [3, 0, 9, 0]);
    expect(widths[2]).toBe(9);
    expect(widths.reduce((a, b) => a + b)).toBe(30);
  });
});

describe("hiding columns a screen cannot show", () => {
  it("shows every column when they fit", () => {
    expect(columnsThatFit([3, 10, 9], [true, true, true], [3, 0, 9], 80)).toEqual([0, 1, 2]);
  });

  it("hides the rightmost other columns first, then the rightmost kept ones, and always keeps the first", () => {
    // id, name, recency (not kept), spent, clv: 5 columns of numbers that cannot all fit in 40
    const natural = [3, 14, 11, 12, 12];
    const keep = [true, true, false, true, true];
    const floors = [3, 0, 4, 12, 12];
    const shown = columnsThatFit(natural, keep, floors, 40);
    expect(shown).toEqual([0, 1, 3]);
    expect(columnsThatFit(natural, keep, floors, 5)).toEqual([0]);
  });
});

// The one progress bar every import draws from its onProgress callback: only on a terminal, only once the
// work has taken half a second, erased at the end.
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressBar } from "../../src/cli/render/progress.js";

const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, isTTY, columns: 80, write: (text: string) => out.push(text) };
};

afterEach(() => vi.useRealTimers());

describe("progressBar", () => {
  it("draws nothing when stderr is not a terminal", () => {
    vi.useFakeTimers();
    const s = stream(false);
    const bar = progressBar("importing a.csv", s);
    vi.advanceTimersByTime(2000);
    bar.update(50, 100);
    bar.finish();
    expect(s.out).toEqual([]);
  });

  it("on a terminal, waits half a second, then draws the share done, and erases itself at the end", () => {
    vi.useFakeTimers();
    const s = stream(true);
    const bar = progressBar("importing a.csv", s);
    bar.update(10, 100);
    expect(s.out).toEqual([]);
    vi.advanceTimersByTime(1000);
    bar.update(50, 100);
    expect(s.out).toEqual([`\rimporting a.csv [${"#".repeat(20)}${"-".repeat(20)}]  50% 1s\x1b[K`]);
    bar.finish();
    bar.finish();
    expect(s.out.slice(1)).toEqual(["\r\x1b[K"]);
  });
});

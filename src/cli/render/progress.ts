// The progress bar of long commands (imports), drawn on stderr from the `onProgress(done, total)`
// callbacks core reports through: only on a terminal, shown after half a second, redrawn at most ten
// times a second, erased when done. Silent otherwise, so piped and scripted runs see only the summary.

/** Where the bar is drawn: stderr, or any stream that says whether it is a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** The `onProgress` callback: `done` of `total` (bytes read, rows…). */
  update(done: number, total: number): void;
  /** Erases the bar if it was drawn; safe to call more than once. */
  finish(): void;
}

/** A bar labelled `label` ("importing big.csv") for work that may take more than a moment. */
export function progressBar(label: string, stream: ProgressStream): ProgressBar {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - started < 500 || now - last < 100) return;
      last = now;
      shown = true;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 20));
      const filled = Math.round(share * width);
      const secs = Math.round((now - started) / 1000);
      stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${secs}s\x1b[K`);
    },
    finish() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}

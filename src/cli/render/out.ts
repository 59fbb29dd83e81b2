// What the renderers need to know about where output goes, and nothing else: render never sees the
// CLI context (which holds the database and the clock), so it cannot reach past printing.
import type { OutStream } from "../io.js";
import type { Colors } from "./colors.js";

export type Format = "table" | "json" | "csv";

export interface Out {
  format: Format;
  /** "box" on a TTY, "plain" (aligned, borderless) when stdout is piped or -o is given. */
  tableStyle: "box" | "plain";
  /** The terminal's width that tables fit (shortening long cells); undefined when piped, with -o or --wide. */
  width?: number;
  /** `--bom`: CSV starts with a UTF-8 byte order mark, for spreadsheets that otherwise misread accents. */
  bom?: boolean;
  /** Colour is on for what is printed (never for -o files). */
  useColor: boolean;
  color: Colors;
  stdout: OutStream;
  /** `-o <file>`: the output goes there instead of stdout. */
  outputFile?: string;
  /** The database file, which `-o` must never overwrite. */
  dbPath: string;
  /** A message for the person at the terminal (stderr). */
  info(message: string): void;
}

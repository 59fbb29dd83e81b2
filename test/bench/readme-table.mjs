// Prints the README's performance table (markdown) from a results file of `npm run bench`, so the
// README shows the figures of the last full run as measured: one row per figure, with its target, the
// median, the baseline and ratio, the peak memory, and whether the target is met.
// Usage: node test/bench/readme-table.mjs [results.json]   (default: test/bench/results.json)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? path.join(HERE, "results.json");
const result = JSON.parse(fs.readFileSync(file, "utf8"));

const time = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
/** The command part of a figure's name as code: "crm today at scale (…)" → "`crm today` at scale (…)". */
const named = (name) => name.replace(/^(crm [^(:,]*?)( at scale| \(|,|:|$)/, "`$1`$2").replace("node -e 0", "`node -e 0`");
const escape = (text) => text.replaceAll("|", "\\|");
const measured = (f) => {
  if (f.skipped) return `skipped: ${f.skipped}`;
  const parts = [f.ratio !== undefined ? `${f.ratio.toFixed(2)}× (${time(f.measured)} vs ${time(f.baseline.ms)})` : time(f.measured)];
  if (f.peakRssMb !== undefined) parts.push(`${Math.round(f.peakRssMb)} MiB`);
  return parts.join(", ");
};
const status = (f) => (f.skipped ? "skipped" : f.pass === null || f.target === null ? "" : f.pass ? "met" : "**not met**");

const { machine, conditions } = result;
const load = conditions.loadAverage;
const lines = [
  `Results of ${result.date} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node.replace(/^v/, "")}, ` +
    `SQLite ${machine.sqlite}, load average ${load.start[0]} at the start and ${load.end[0]} at the end:`,
  "",
  "| figure | target | measured | |",
  "|---|---|---|---|",
  ...result.figures.map(
    (f) => `| ${escape(named(f.name))} | ${escape(f.target ?? "informational").replace("node -e 0", "`node -e 0`")} | ${escape(measured(f))} | ${status(f)} |`,
  ),
];
process.stdout.write(lines.join("\n") + "\n");

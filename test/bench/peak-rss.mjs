// Preloaded (`node --import`) when GNU time is not installed: writes the process's peak resident set
// size (ru_maxrss, kB) to $CRM_BENCH_RSS_FILE as it exits.
import fs from "node:fs";

process.on("exit", () => {
  const file = process.env.CRM_BENCH_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});

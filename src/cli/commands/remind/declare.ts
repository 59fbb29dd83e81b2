// `crm remind` (for cron): declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";
import { interval } from "../../flags.js";

export function declareRemind(program: Command): void {
  withOutput(
    program
      .command("remind")
      .description("for cron: open follow-ups due by now and keep-in-touch contacts that are due, one line each, oldest first")
      .option("--within <interval>", "also what falls due within this interval, e.g. 1d, 1w", interval)
      .option("-q, --quiet", "print nothing at all (not even to stderr) when nothing is due")
      .addHelpText(
        "after",
        '\nCron example (full paths: cron has a minimal PATH):\n  0 8 * * * /usr/local/bin/crm remind --quiet | mail -s "CRM" me@example.com',
      ),
  ).action(lazy(() => import("./run.js"), "remind"));
}

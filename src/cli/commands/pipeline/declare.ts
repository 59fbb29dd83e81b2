// `crm pipeline`, the board: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import type { Interval } from "../../../io/dates.js";
import { lazy, withOutput, type OutputOptions } from "../../action.js";
import { interval } from "../../flags.js";

export interface PipelineOptions extends OutputOptions {
  /** What counts as closing soon; 14 days when not given. */
  within?: Interval;
}

export function declarePipeline(program: Command): void {
  withOutput(
    program
      .command("pipeline")
      .description("the board: per open stage, deals, total and weighted total; deals closing soon")
      .option("--within <interval>", 'what counts as closing soon (default: "14d")', interval),
  ).action(lazy(() => import("./run.js"), "pipeline"));
}

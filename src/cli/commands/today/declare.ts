// `crm today`, the morning agenda: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";

export function declareToday(program: Command): void {
  withOutput(program.command("today").description("the morning agenda: overdue and due follow-ups, open issues, keep in touch")).action(
    lazy(() => import("./run.js"), "today"),
  );
}

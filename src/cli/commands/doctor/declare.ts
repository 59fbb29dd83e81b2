// `crm doctor`: declaration only; the code is in ./run.ts.
import type { Command } from "commander";
import { lazy } from "../../action.js";

export interface DoctorOptions {
  repair?: boolean;
}

export function declareDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the database: its schema, SQLite's integrity check, foreign keys and the search index (exit 5 naming what is wrong)")
    .option("--repair", "rebuild what can be rebuilt from the records: the indexes and the search index")
    .action(lazy(() => import("./run.js"), "doctor"));
  // The schema the migrations make, as JSON: the build writes it beside the bundle (see db/migrations.ts).
  program
    .command("__schema", { hidden: true })
    .action(
      lazy(
        () => import("../../../db/migrations.js").then((m) => ({ schema: (ctx: { print(text: string): void }) => ctx.print(m.expectedSchemaJson()) })),
        "schema",
      ),
    );
}

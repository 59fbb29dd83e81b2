// `crm doctor`: one line per check on stdout ("ok" or its problems); exit 5 naming what is wrong.
import type { Ctx } from "../../context.js";
import { storageError } from "../../../errors.js";
import type { DoctorOptions } from "./declare.js";

export async function doctor(ctx: Ctx, _args: [], opts: DoctorOptions): Promise<void> {
  const { doctor: examine } = await import("../../../core/data/doctor.js");
  const report = examine(ctx.dbPath, { repair: opts.repair, busyTimeoutMs: ctx.busyTimeoutMs() });
  if (report.repaired.length) ctx.info(`rebuilt: ${report.repaired.join(", ")}`);
  for (const check of report.checks) ctx.print(`${check.name}: ${check.problems.length ? check.problems.join("; ") : "ok"}\n`);
  const failed = report.checks.filter((c) => c.problems.length);
  if (failed.length) {
    const repairable = failed.some((c) => c.name === "integrity" || c.name === "search index") && !failed.some((c) => c.name === "schema");
    throw storageError(
      `the database ${ctx.dbPath} has problems: ${failed.map((c) => `${c.name} (${c.problems[0]})`).join(", ")}`,
      repairable && !opts.repair
        ? "run `crm doctor --repair` to rebuild what can be rebuilt, or restore a backup with `crm restore`"
        : "restore a backup with `crm restore`",
    );
  }
}

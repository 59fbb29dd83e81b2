// `crm config get|set|list`: read and change settings; core checks each value.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import { checkSetting, getSetting, listSettings, setSetting } from "../../../core/config/settings.js";
import { printRecords } from "../../render/output.js";

export type ConfigListOptions = OutputOptions;

/** The database this command would use: where am I writing? Opens nothing. */
export async function path(ctx: Ctx): Promise<void> {
  ctx.print(`${ctx.dbPath}\n`);
}

export async function get(ctx: Ctx, [key]: [string]): Promise<void> {
  ctx.print(getSetting(ctx.store(), key) + "\n");
}

export async function set(ctx: Ctx, [key, value]: [string, string]): Promise<void> {
  // Before the database is opened: a refused command creates or upgrades nothing.
  checkSetting(key, value);
  const stored = setSetting(ctx.store(), key, value);
  ctx.info(`${key} = ${stored}`);
}

export async function list(ctx: Ctx, _args: [], _opts: ConfigListOptions): Promise<void> {
  await printRecords(ctx, {
    rows: listSettings(ctx.store()),
    columns: [
      { header: "key", cell: (s) => s.key },
      { header: "value", cell: (s) => s.value },
      { header: "default", cell: (s) => s.default },
      { header: "description", cell: (s) => s.description },
    ],
  });
}

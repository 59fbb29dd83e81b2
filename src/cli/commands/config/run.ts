// `crm config get|set|list`: read and change settings; core checks each value.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import { getSetting, listSettings, setSetting } from "../../../core/config/settings.js";
import { printRecords } from "../../render/output.js";

export type ConfigListOptions = OutputOptions;

export async function get(ctx: Ctx, [key]: [string]): Promise<void> {
  ctx.print(getSetting(ctx.store(), key) + "\n");
}

export async function set(ctx: Ctx, [key, value]: [string, string]): Promise<void> {
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

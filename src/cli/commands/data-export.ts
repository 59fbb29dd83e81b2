// `crm export` (work in progress in this commit).
import type { Ctx } from "../context.js";
import { usageError } from "../../errors.js";

export async function exportData(_ctx: Ctx): Promise<void> {
  throw usageError("crm export is not available in this build");
}

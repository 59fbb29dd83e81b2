// `crm backup`, `crm restore`, `crm forget` (work in progress in this commit).
import type { Ctx } from "../context.js";
import { usageError } from "../../errors.js";

export async function backup(_ctx: Ctx): Promise<void> {
  throw usageError("crm backup is not available in this build");
}
export async function restore(_ctx: Ctx): Promise<void> {
  throw usageError("crm restore is not available in this build");
}
export async function forget(_ctx: Ctx): Promise<void> {
  throw usageError("crm forget is not available in this build");
}

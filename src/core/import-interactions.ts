// `crm import interactions` (work in progress in this commit).
import type { Store } from "../db/open.js";
import { usageError } from "../errors.js";
import type { ImportOptions, ImportReport } from "./import.js";

export async function importInteractions(_store: Store, _file: string, _now: Date, _opts: ImportOptions & Record<string, unknown>): Promise<{ report: ImportReport; header: string[] }> {
  throw usageError("crm import interactions is not available in this build");
}

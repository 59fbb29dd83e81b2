// Customer analytics for one contact or a segment (RFM, P(alive), CLV). Placeholder until the
// analytics land: segments are reported as unavailable rather than silently empty.
import type { Store } from "../db/open.js";
import { usageError } from "../errors.js";

export function contactIdsInSegment(_store: Store, _segment: string, _now: Date): number[] {
  throw usageError("RFM segments are not available in this version yet", "list by --tag instead");
}

export function customerAnalytics(_store: Store, _id: number, _now: Date): Record<string, unknown> | undefined {
  return undefined;
}

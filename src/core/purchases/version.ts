// The version of the purchase data: a counter in the database that every transaction writing purchases
// raises once, in that transaction. The stored customer analytics (../customers/scores.ts) name the
// version they were computed from and are recomputed when it moved. Kept apart from the analytics so
// that the commands writing purchases load nothing of them.
import type { Store } from "../../db/open.js";

/**
 * Marks the purchase data as changed: call it inside every transaction that inserts, updates or deletes
 * purchases (or deletes what cascades to them), once per transaction — not per row.
 */
export function purchasesChanged(store: Store): void {
  store.sqlite.prepare("insert into data_version(id, purchases) values (1, 1) on conflict(id) do update set purchases = purchases + 1").run();
}

/** The current version of the purchase data (0 before any purchase write). */
export function purchaseDataVersion(store: Store): number {
  return store.sqlite.prepare<[], number>("select purchases from data_version where id = 1").pluck().get() ?? 0;
}

/** Runs `fn` on one snapshot of the database, with the version of the purchase data it sees. */
export function withDataVersion<T>(store: Store, fn: () => T): { dataVersion: number; result: T } {
  if (store.sqlite.inTransaction) return { dataVersion: purchaseDataVersion(store), result: fn() };
  return store.sqlite.transaction(() => ({ dataVersion: purchaseDataVersion(store), result: fn() })).deferred();
}

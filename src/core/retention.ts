// `crm report retention`: distinct (customer, local purchase day) pairs up to now, fed to the pure
// retention analysis (src/analytics/retention.ts documents who counts as at start, new and at end).
import type { Store } from "../db/open.js";
import { retentionByPeriod } from "../analytics/retention.js";
import type { PeriodKind } from "../analytics/period.js";
import { localDate } from "../io/dates.js";

export function retentionReport(store: Store, now: Date, kind: PeriodKind) {
  const purchases = (
    store.sqlite
      .prepare("select distinct contact_id, date(at, 'localtime') from purchases where contact_id is not null and at <= ?")
      .raw()
      .all(now.toISOString()) as [number, string][]
  ).map(([customerId, date]) => ({ customerId, date }));
  return retentionByPeriod(purchases, kind, localDate(now));
}

// `crm report retention`: distinct (customer, local purchase day) pairs up to now, fed to the pure
// retention analysis (src/analytics/retention.ts documents who counts as at start, new and at end).
import type { Store } from "../../db/open.js";
import { retentionByPeriod, type Purchase } from "../../analytics/retention.js";
import type { PeriodKind } from "../../analytics/period.js";
import { localDate, LocalDays } from "../../io/dates.js";
import { scanPurchaseDays } from "./customers.js";

export function retentionReport(store: Store, now: Date, kind: PeriodKind) {
  const purchases: Purchase[] = [];
  // One date string per distinct day (a few thousand), shared by every purchase on it.
  const local = new LocalDays();
  scanPurchaseDays(store, now, local, ({ contactId, length, day }) => {
    for (let i = 0; i < length; i++) purchases.push({ customerId: contactId, date: local.date(day[i]!) });
  });
  return retentionByPeriod(purchases, kind, localDate(now));
}

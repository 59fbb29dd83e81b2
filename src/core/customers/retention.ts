// `crm report retention`: distinct (customer, local purchase day) pairs up to now, fed to the pure
// retention analysis (src/analytics/retention.ts documents who counts as at start, new and at end).
// Purchases of one currency, chosen as for the other customer reports, or of every currency with
// `--currency all` (only dates count here, so no exchange rate is needed).
import type { Store } from "../../db/open.js";
import { retentionByPeriod, type Purchase } from "../../analytics/retention.js";
import type { PeriodKind } from "../../analytics/period.js";
import { localDate, LocalDays } from "../../io/dates.js";
import { ALL_CURRENCIES, chooseCurrency, scanPurchaseDays } from "./customers.js";

export function retentionReport(store: Store, now: Date, kind: PeriodKind, requestedCurrency?: string) {
  const all = requestedCurrency?.trim().toLowerCase() === ALL_CURRENCIES;
  const byCurrency = new Map<string, Purchase[]>();
  // One date string per distinct day (a few thousand), shared by every purchase on it.
  const local = new LocalDays();
  scanPurchaseDays(store, now, local, ({ contactId, currency, length, day }) => {
    const key = all ? ALL_CURRENCIES : currency;
    let purchases = byCurrency.get(key);
    if (!purchases) byCurrency.set(key, (purchases = []));
    for (let i = 0; i < length; i++) purchases.push({ customerId: contactId, date: local.date(day[i]!) });
  });
  const today = localDate(now);
  if (all) return { currency: ALL_CURRENCIES, otherCurrencies: [], rows: retentionByPeriod(byCurrency.get(ALL_CURRENCIES) ?? [], kind, today) };
  const present = [...byCurrency].sort((p, q) => q[1].length - p[1].length || (p[0] < q[0] ? -1 : 1)).map(([c]) => c);
  const { currency, others } = chooseCurrency(store, present, requestedCurrency);
  return { currency, otherCurrencies: others, rows: retentionByPeriod(byCurrency.get(currency) ?? [], kind, today) };
}

// User settings (`crm config`): known keys with their defaults and validation, stored in `settings`.
import type { Store } from "../../db/open.js";
import type { SettingRow } from "../../db/rows.js";
import { usageError, quote } from "../../errors.js";
import type { DateOrder } from "../../io/dates.js";
import { normaliseCurrency } from "../../io/money.js";

interface SettingSpec {
  description: string;
  default: string;
  /** Returns the normalised value or throws a usage error. */
  validate: (value: string) => string;
}

const percent = (key: string) => (v: string) => {
  if (!/^\d{1,3}$/.test(v.trim()) || Number(v) > 100) throw usageError(`invalid ${key} ${quote(v)}`, "use a whole number from 0 to 100");
  return String(Number(v));
};
const fraction = (key: string) => (v: string) => {
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0 || n > 1) throw usageError(`invalid ${key} ${quote(v)}`, "use a number from 0 to 1, e.g. 0.5");
  return String(n);
};

export const STAGE_DEFAULT_PROBABILITIES = { lead: 10, qualified: 25, proposal: 50, negotiation: 75, won: 100, lost: 0 } as const;

const SETTINGS: Record<string, SettingSpec> = {
  currency: { description: "default currency (ISO 4217)", default: "EUR", validate: normaliseCurrency },
  ...Object.fromEntries(
    Object.entries(STAGE_DEFAULT_PROBABILITIES).map(([stage, p]) => [
      `probability.${stage}`,
      { description: `win probability of the ${stage} stage, in percent`, default: String(p), validate: percent(`probability.${stage}`) },
    ]),
  ),
  "date-order": {
    description: "how slash and dot dates (03/05/2026, 3.5.2026) are read: dmy, mdy or ymd; unset: an ambiguous one is refused",
    default: "",
    validate: (v) => {
      const order = v.trim().toLowerCase();
      if (order !== "" && !["dmy", "mdy", "ymd"].includes(order)) throw usageError(`invalid date-order ${quote(v)}`, "use dmy, mdy or ymd");
      return order;
    },
  },
  "churn.threshold": { description: "P(alive) under which a customer counts as at risk", default: "0.5", validate: fraction("churn.threshold") },
};

function spec(key: string): SettingSpec {
  const s = SETTINGS[key];
  if (!s) throw usageError(`unknown setting ${quote(key)}`, `known settings: ${Object.keys(SETTINGS).join(", ")}`);
  return s;
}

export function getSetting(store: Store, key: string): string {
  const s = spec(key);
  const row = store.sqlite.prepare<[string], Pick<SettingRow, "value">>("select value from settings where key = ?").get(key);
  return row?.value ?? s.default;
}

export function setSetting(store: Store, key: string, value: string): string {
  const normalised = spec(key).validate(value);
  store.sqlite.prepare("insert into settings(key, value) values (?, ?) on conflict(key) do update set value = excluded.value").run(key, normalised);
  return normalised;
}

export function listSettings(store: Store): { key: string; value: string; default: string; description: string }[] {
  return Object.entries(SETTINGS).map(([key, s]) => ({ key, value: getSetting(store, key), default: s.default, description: s.description }));
}

export const defaultCurrency = (store: Store) => getSetting(store, "currency");

/** How slash and dot dates are read (`crm config set date-order`), undefined when not set. */
export const dateOrder = (store: Store): DateOrder | undefined => (getSetting(store, "date-order") || undefined) as DateOrder | undefined;

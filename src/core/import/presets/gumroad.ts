// Gumroad: Analytics/Sales → Export (the purchases CSV). One row per sale; the amounts' currency is in
// their headers ("Sale Price ($)"); refunds are flags and an amount on the sale; the file ends with a
// "Totals" row. Times are UTC.
import { currencyInHeader, yes, type Preset } from "./preset.js";

export const gumroadSales: Preset = {
  name: "gumroad",
  kind: "purchases",
  title: "Gumroad sales export (Sales → Export CSV)",
  documented: "https://gumroad.com/help/article/74-the-analytics-dashboard (columns: Gumroad's own PurchaseExportService)",
  signature: ["Purchase ID", "Item Name", "Purchase Email", "Purchase Date", "Sale Price ($)", "Refunded?"],
  columns: {
    external_id: "Purchase ID",
    note: "Item Name",
    name: "Buyer Name",
    email: "Purchase Email",
    amount: "Sale Price ($)",
  },
  derived: ["date", "currency", "refunded", "status"],
  keeps: "one purchase per sale (Purchase ID), Sale Price in the currency its header names, less a partial refund",
  skips: "sales refunded in full, disputes lost, and the closing Totals row",
  dates: { utc: true },
  createContacts: true,
  transform(fields, cell) {
    if (/^totals?$/i.test(cell("Purchase ID") ?? "") || (!fields.external_id && !fields.email)) return "totals rows";
    const date = cell("Purchase Time (UTC timezone)");
    // The time column holds the whole UTC instant ("2026-09-02 10:00:00 UTC"); the date alone otherwise.
    const at = date && /\d{4}-\d{2}-\d{2}/.test(date) ? date : [cell("Purchase Date"), date].filter(Boolean).join(" ");
    const refunded = yes(cell("Fully Refunded?")) ? "yes" : cell("Partial Refund ($)");
    const status = yes(cell("Disputed?")) && !yes(cell("Dispute Won?")) ? "disputed" : undefined;
    return {
      ...fields,
      date: at,
      currency: currencyInHeader("Sale Price ($)"),
      refunded: refunded === "0" || refunded === "0.0" ? undefined : refunded,
      status,
    };
  },
};

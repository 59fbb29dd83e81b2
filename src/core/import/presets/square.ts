// Square: Transactions → Export → Transactions CSV. One row per payment or refund ("Event Type"),
// the date split over Date, Time and Time Zone (a zone name such as "Pacific Time (US & Canada)"),
// amounts with their symbol ("$22.50", "-$0.95"), walk-in sales without a customer.
import type { Preset } from "./preset.js";

export const squareTransactions: Preset = {
  name: "square",
  kind: "purchases",
  title: "Square transactions export (Transactions → Export, Transactions CSV)",
  documented: "https://squareup.com/help/us/en/article/5072-summaries-and-reports-from-the-online-square-dashboard",
  signature: ["Date", "Time", "Time Zone", "Gross Sales", "Net Sales", "Total Collected", "Transaction ID", "Payment ID", "Event Type"],
  columns: {
    external_id: "Payment ID",
    amount: "Total Collected",
    refunded: "Partial Refunds",
    customer_id: "Customer ID",
    name: "Customer Name",
    note: "Description",
    type: "Event Type",
    status: "Transaction Status",
  },
  derived: ["date", "refund_of"],
  keeps: "one purchase per payment (Payment ID), Total Collected less Partial Refunds; walk-in sales without a customer as guest sales",
  skips: "pending or failed payments; refund rows are refunds of the payment their Payment ID names",
  dates: { inferOrder: "Date" },
  createContacts: true,
  transform(fields, cell) {
    const date = [cell("Date"), cell("Time"), cell("Time Zone")].filter(Boolean).join(" ");
    if (/refund/i.test(fields.type ?? "")) return { ...fields, date, refund_of: fields.external_id, external_id: cell("Transaction ID") };
    return { ...fields, date };
  },
};

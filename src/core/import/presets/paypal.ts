// PayPal: Activity → Download (CSV, "balance affecting" or all). One row per money movement: payments
// received, refunds (negative Gross, Type "Payment Refund", Reference Txn ID naming the payment),
// withdrawals, fees, currency conversions, holds. The date is split over Date, Time and TimeZone and
// its day/month order follows the account's country: crm reads it from the file.
import type { Preset } from "./preset.js";

/** Types of money coming in from a buyer. */
const SALE = /payment|donation|invoice|subscription|sale|checkout/i;
const REFUND = /refund|reversal|chargeback/i;

export const paypalActivity: Preset = {
  name: "paypal",
  kind: "purchases",
  title: "PayPal activity download (Activity → Download, CSV)",
  documented: "https://www.paypal.com/us/cshelp/article/how-do-i-download-my-transaction-history-help145",
  signature: ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Gross", "From Email Address", "Transaction ID"],
  columns: {
    external_id: "Transaction ID",
    email: "From Email Address",
    name: "Name",
    amount: "Gross",
    currency: "Currency",
    status: "Status",
    type: "Type",
    refund_of: "Reference Txn ID",
    note: "Item Title",
  },
  derived: ["date"],
  keeps: "payments received (Gross, Transaction ID), refunds as refunds of the payment their Reference Txn ID names",
  skips: "pending, denied, reversed or cancelled payments; money paid out, fees, withdrawals, transfers, conversions, holds and memo rows",
  dates: { inferOrder: "Date" },
  createContacts: true,
  transform(fields, cell) {
    const date = [cell("Date"), cell("Time"), cell("TimeZone")].filter(Boolean).join(" ");
    const type = fields.type ?? "";
    if (cell("Balance Impact")?.toLowerCase() === "memo") return "memo rows (no money moved)";
    const negative = /^\s*[-(−]/.test(fields.amount ?? "");
    if (REFUND.test(type)) return { ...fields, date, email: undefined };
    if (negative) return "money paid out (fees, withdrawals)";
    if (!SALE.test(type)) return "transfers and conversions";
    return { ...fields, date };
  },
};

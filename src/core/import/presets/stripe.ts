// Stripe: Payments → Export (the "unified payments" CSV, default columns). One row per charge; a
// refund shows on its charge (Amount Refunded, Status), never as a row of its own. Times are UTC.
import type { Preset } from "./preset.js";

export const stripePayments: Preset = {
  name: "stripe",
  kind: "purchases",
  title: "Stripe payments export (Payments → Export)",
  documented: "https://docs.stripe.com/payments/export-payments (columns as listed by open-source importers)",
  signature: ["id", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Status", "Seller Message"],
  columns: {
    external_id: "id",
    note: "Description",
    date: "Created (UTC)",
    amount: "Amount",
    refunded: "Amount Refunded",
    currency: "Currency",
    status: "Status",
    email: "Customer Email",
    name: "Customer Description",
    customer_id: "Customer ID",
  },
  keeps: "one purchase per paid charge, its id as external id, Amount less Amount Refunded, times as UTC",
  skips: "charges refunded in full, failed, or not captured (authorised only)",
  dates: { utc: true },
  createContacts: true,
  transform(fields, cell) {
    // An authorised but uncaptured charge is money that never came in.
    if (cell("Captured")?.toLowerCase() === "false" && !/fail/i.test(fields.status ?? "")) return { ...fields, status: "uncaptured" };
    return fields;
  },
};

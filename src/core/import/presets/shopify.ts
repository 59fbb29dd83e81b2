// Shopify: Orders → Export → "CSV for Excel, Numbers, or other spreadsheet programs". One row per line
// item: an order's first row carries the order (totals, status, customer), the rows after it repeat its
// Name with only the line-item columns filled.
import type { Preset } from "./preset.js";

export const shopifyOrders: Preset = {
  name: "shopify",
  kind: "purchases",
  title: "Shopify orders export (Orders → Export, CSV)",
  documented: "https://help.shopify.com/en/manual/fulfillment/managing-orders/exporting-orders",
  signature: ["Name", "Email", "Financial Status", "Paid at", "Lineitem name", "Total", "Created at"],
  columns: {
    external_id: "Name",
    email: "Email",
    name: "Billing Name",
    date: "Created at",
    amount: "Total",
    currency: "Currency",
    note: "Lineitem name",
    status: "Financial Status",
    refunded: "Refunded Amount",
    cancelled: "Cancelled at",
  },
  keeps: "one purchase per order (its Name), the line items' names as the note, Total less Refunded Amount",
  skips: "orders refunded in full, voided, pending, authorized only, or cancelled",
  group: { by: "Name", join: "Lineitem name" },
  createContacts: true,
};

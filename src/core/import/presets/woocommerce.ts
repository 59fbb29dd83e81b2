// WooCommerce: the orders export of the "Advanced Order Export For WooCommerce" plugin (default
// columns). One row per line item, each repeating its order's columns; the status is the order's
// (Completed, Processing, Refunded, Cancelled, Failed, Pending payment, On hold).
import type { Preset } from "./preset.js";

export const woocommerceOrders: Preset = {
  name: "woocommerce",
  kind: "purchases",
  title: "WooCommerce orders export (Advanced Order Export, default columns)",
  documented: "https://docs.algolplus.com/algol_order_export/fields/ (plugin: wordpress.org/plugins/woo-order-export-lite)",
  signature: ["Order Number", "Order Status", "Order Date", "Email (Billing)", "Order Total Amount"],
  columns: {
    external_id: "Order Number",
    status: "Order Status",
    date: "Order Date",
    email: "Email (Billing)",
    amount: "Order Total Amount",
    refunded: "Order Refund Amount",
    currency: "Order Currency",
    note: "Name",
  },
  derived: ["name"],
  keeps: "one purchase per order (Order Number), line items' names as the note, Order Total Amount less Order Refund Amount",
  skips: "orders refunded in full, cancelled, failed, pending payment or on hold",
  group: { by: "Order Number", join: "Name" },
  createContacts: true,
  transform(fields, cell) {
    const name = [cell("First Name (Billing)"), cell("Last Name (Billing)")].filter(Boolean).join(" ");
    return { ...fields, name: name || undefined };
  },
};

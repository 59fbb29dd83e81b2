// Etsy: Shop Manager → Settings → Options → Download Data → Orders (EtsySoldOrders<year>.csv). One row
// per order; buyers are named by their Etsy user id and name (the export has no email); dates are
// MM/DD/YY; a refund shows as an Adjusted Order Total below the Order Total.
import type { Preset } from "./preset.js";

export const etsySoldOrders: Preset = {
  name: "etsy",
  kind: "purchases",
  title: "Etsy sold orders (Download Data → Orders, EtsySoldOrders.csv)",
  documented: "https://help.etsy.com/hc/en-us/articles/360000343508-How-to-Download-Your-Shop-Data",
  signature: ["Sale Date", "Order ID", "Buyer User ID", "Full Name", "Order Value", "Order Total", "Adjusted Order Total"],
  columns: {
    date: "Sale Date",
    external_id: "Order ID",
    customer_id: "Buyer User ID",
    name: "Full Name",
    currency: "Currency",
    amount: "Order Total",
    status: "Status",
    note: "SKU",
  },
  derived: ["refunded"],
  keeps: "one purchase per order (Order ID), Order Total less what a refund took off (Adjusted Order Total); buyers by Etsy user id",
  skips: "orders refunded in full or cancelled",
  dates: { order: "mdy" },
  createContacts: true,
  transform(fields, cell) {
    const total = Number((fields.amount ?? "").replace(/[^\d.]/g, ""));
    const adjustedText = cell("Adjusted Order Total");
    const adjusted = adjustedText === undefined ? NaN : Number(adjustedText.replace(/[^\d.]/g, ""));
    // Etsy leaves Adjusted Order Total at 0 (or empty) when nothing was adjusted: only a value below the total is a refund.
    if (Number.isFinite(adjusted) && adjusted > 0 && adjusted < total) return { ...fields, refunded: (total - adjusted).toFixed(2) };
    return fields;
  },
};

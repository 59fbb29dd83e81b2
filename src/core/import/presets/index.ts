// The registry of presets: every export crm recognises from its header, one file per source. To add
// one: write `<source>.ts` exporting a Preset, list it here, add a fixture under
// test/fixtures/imports/<source>/ with a README saying where the layout is documented.
import { usageError, quote } from "../../../errors.js";
import { matchesHeader, type ImportKind, type Preset } from "./preset.js";
import { etsySoldOrders } from "./etsy.js";
import { gumroadSales } from "./gumroad.js";
import { paypalActivity } from "./paypal.js";
import { shopifyOrders } from "./shopify.js";
import { squareTransactions } from "./square.js";
import { stripePayments } from "./stripe.js";
import { woocommerceOrders } from "./woocommerce.js";
import { googleContacts, googleContactsLegacy, hubspotContacts, linkedinConnections, outlookCom, outlookDesktop, thunderbirdContacts } from "./contacts.js";
import { googleForms, googleSheets, typeform } from "./responses.js";

export const PRESETS: readonly Preset[] = [
  shopifyOrders,
  stripePayments,
  paypalActivity,
  gumroadSales,
  squareTransactions,
  etsySoldOrders,
  woocommerceOrders,
  googleContacts,
  googleContactsLegacy,
  outlookCom,
  outlookDesktop,
  hubspotContacts,
  linkedinConnections,
  thunderbirdContacts,
  googleForms,
  googleSheets,
  typeform,
];

/** The preset `--preset` names, for this kind of import. */
export function presetNamed(name: string, kind: ImportKind): Preset {
  const preset = PRESETS.find((p) => p.name === name.trim().toLowerCase());
  const known = PRESETS.filter((p) => p.kind === kind).map((p) => p.name);
  if (!preset) throw usageError(`unknown preset ${quote(name)}`, known.length ? `presets for ${kind}: ${known.join(", ")}` : "see crm import presets");
  if (preset.kind !== kind)
    throw usageError(`the preset ${quote(name)} is for ${preset.kind}, not ${kind}`, `use crm import ${preset.kind}, or one of: ${known.join(", ")}`);
  return preset;
}

/** The preset whose signature the header carries (the most specific when several do), if any. */
export function presetForHeader(header: readonly string[], kind: ImportKind): Preset | undefined {
  let best: Preset | undefined;
  for (const p of PRESETS) if (p.kind === kind && matchesHeader(p, header) && (!best || p.signature.length > best.signature.length)) best = p;
  return best;
}

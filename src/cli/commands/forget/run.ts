// `crm forget`: erase a person and all their personal data (right to erasure); amounts and scores stay,
// anonymously. Asks first (on a terminal; --yes in scripts).
import type { Ctx } from "../../context.js";
import { resolveContact, linkedCounts } from "../../../core/contacts/contacts.js";
import { confirmOrYes } from "../../prompt.js";
import { plural } from "../../render/words.js";
import type { ForgetOptions } from "./declare.js";

export async function forget(ctx: Ctx, [ref]: [string], opts: ForgetOptions): Promise<void> {
  const store = ctx.store();
  const contact = resolveContact(store, ref);
  const c = linkedCounts(store, contact.id);
  await confirmOrYes(
    ctx,
    `Erase #${contact.id} ${contact.name} and all their personal data (${plural(c.interactions, "interaction")}, ${plural(c.followups, "follow-up")}, ${plural(c.deals, "deal")}) for good?`,
    opts.yes,
  );
  const { forgetContact, purgeCopies } = await import("../../../core/data/forget.js");
  const r = forgetContact(store, contact.id);
  const kept = r.anonymised.purchases + r.anonymised.responses;
  ctx.info(
    // By number only: this line may end up in a log, and the name is what was just erased.
    `erased contact #${r.id}: ${plural(r.erased.interactions, "interaction")}, ${plural(r.erased.followups, "follow-up")}, ${plural(r.erased.deals, "deal")}` +
      (kept ? `; ${plural(r.anonymised.purchases, "purchase")} and ${plural(r.anonymised.responses, "survey answer")} kept anonymously` : ""),
  );
  if (!r.walTruncated)
    ctx.warn(
      "another crm process has the database open: the file's clean-up (its write-ahead log may still hold old pages) is finished by the next crm command once that process ends",
    );
  if (opts.purgeCopies) {
    const deleted = purgeCopies(store.path);
    if (deleted.length) ctx.info(`deleted ${plural(deleted.length, "copy", "copies")} beside the database: ${deleted.join(", ")}`);
  } else if (r.copies.length)
    ctx.warn(
      `${plural(r.copies.length, "copy", "copies")} beside the database may still hold their data (delete them with --purge-copies, or re-make them): ${r.copies.join(", ")}`,
    );
}

// The rows of each table as TypeScript types, read from the drizzle schema (src/db/schema.ts) so a
// column added there is known everywhere. Type-only: nothing of drizzle is loaded at run time, and
// queries stay prepared better-sqlite3 statements typed with these (`prepare<Params, Row>`).
import type * as schema from "./schema.js";

export type ContactRow = typeof schema.contacts.$inferSelect;
export type InteractionRow = typeof schema.interactions.$inferSelect;
export type DealRow = typeof schema.deals.$inferSelect;
export type DealStageChangeRow = typeof schema.dealStageChanges.$inferSelect;
export type PurchaseRow = typeof schema.purchases.$inferSelect;
export type FollowupRow = typeof schema.followups.$inferSelect;
export type SurveyRow = typeof schema.surveys.$inferSelect;
export type ResponseRow = typeof schema.responses.$inferSelect;
export type SettingRow = typeof schema.settings.$inferSelect;

/** What `insert … returning id` and `select id …` give back. */
export type IdRow = Pick<ContactRow, "id">;
/** What `select count(*) n …` gives back. */
export type CountRow = { n: number };
export type MailAccountRow = typeof schema.mailAccounts.$inferSelect;

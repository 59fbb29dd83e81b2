// The whole domain in one drizzle schema: later capabilities add columns, not foundations.
// Conventions: timestamps are ISO 8601 UTC strings ("2026-03-02T09:00:00.000Z"), which sort as text;
// calendar dates (a follow-up due "on friday", a deal's expected close) are "YYYY-MM-DD" local dates;
// money is integer minor units next to an ISO 4217 currency code — never a float.
import { sql } from "drizzle-orm";
import { sqliteTable, integer, real, text, index, uniqueIndex, primaryKey, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    email: text("email"),
    phone: text("phone"),
    company: text("company"),
    title: text("title"),
    note: text("note"),
    /** Keep-in-touch cadence as an interval spec ("30d", "2w", "1m"); null when none. */
    cadence: text("cadence"),
    source: text("source"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("contacts_email_idx").on(t.email),
    index("contacts_name_idx").on(sql`${t.name} collate nocase`),
    index("contacts_company_idx").on(sql`${t.company} collate nocase`),
    // The few contacts with a keep-in-touch cadence, for `crm today` and `crm remind` (covering what
    // tells when they are due).
    index("contacts_cadence_idx")
      .on(t.cadence, t.createdAt)
      .where(sql`${t.cadence} is not null`),
  ],
);

export const tags = sqliteTable(
  "tags",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("tags_name_idx").on(sql`${t.name} collate nocase`)],
);

export const contactTags = sqliteTable(
  "contact_tags",
  {
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tagId] }), index("contact_tags_tag_idx").on(t.tagId)],
);

export const contactFields = sqliteTable(
  "contact_fields",
  {
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.key] })],
);

export const interactions = sqliteTable(
  "interactions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** call | email | meeting | message | note | issue */
    type: text("type").notNull(),
    summary: text("summary").notNull(),
    at: text("at").notNull(),
    /** For `issue` interactions: when it was resolved (null while open). */
    resolvedAt: text("resolved_at"),
    source: text("source"),
    externalRef: text("external_ref"),
    /** For captured email: the Message-ID, the thread (its first message's Message-ID) and "in" | "out". */
    messageId: text("message_id"),
    threadId: text("thread_id"),
    direction: text("direction"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("interactions_contact_at_idx").on(t.contactId, t.at),
    index("interactions_at_idx").on(t.at),
    // Open issues, oldest first, for `crm today`: a handful among all interactions.
    index("interactions_open_issue_idx")
      .on(t.at)
      .where(sql`${t.type} = 'issue' and ${t.resolvedAt} is null`),
    uniqueIndex("interactions_source_ref_idx")
      .on(t.source, t.externalRef)
      .where(sql`${t.externalRef} is not null`),
    // One interaction per message and contact, whichever folder, account or archive it came from.
    uniqueIndex("interactions_message_idx")
      .on(t.messageId, t.contactId)
      .where(sql`${t.messageId} is not null`),
    index("interactions_thread_idx")
      .on(t.threadId, t.at)
      .where(sql`${t.threadId} is not null`),
  ],
);

/** IMAP accounts read by `crm mail sync`. The password is never stored: only the command that prints it. */
export const mailAccounts = sqliteTable(
  "mail_accounts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    host: text("host").notNull(),
    port: integer("port").notNull(),
    user: text("user").notNull(),
    /** tls | starttls */
    security: text("security").notNull(),
    passwordCommand: text("password_command"),
    /** Comma-separated folder names; null means the inbox and the folder flagged \Sent. */
    folders: text("folders"),
    caFile: text("ca_file"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("mail_accounts_name_idx").on(sql`${t.name} collate nocase`)],
);

/** Where each folder's sync stopped: the next run fetches only UIDs above last_uid while UIDVALIDITY holds. */
export const mailFolders = sqliteTable(
  "mail_folders",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => mailAccounts.id, { onDelete: "cascade" }),
    folder: text("folder").notNull(),
    uidValidity: text("uid_validity").notNull(),
    lastUid: integer("last_uid").notNull(),
    syncedAt: text("synced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.folder] })],
);

/** Addresses you wrote to that are not contacts, one row per message (for `crm mail suggest`). */
export const mailRecipients = sqliteTable(
  "mail_recipients",
  {
    address: text("address").notNull(),
    messageId: text("message_id").notNull(),
    name: text("name"),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.address, t.messageId] })],
);

export const deals = sqliteTable(
  "deals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    amountMinor: integer("amount_minor").notNull().default(0),
    currency: text("currency").notNull(),
    /** lead | qualified | proposal | negotiation | won | lost */
    stage: text("stage").notNull(),
    /** Per-deal override of the stage's win probability (0–100); null uses the stage default. */
    probability: integer("probability"),
    /** Expected close date, local "YYYY-MM-DD". */
    closeOn: text("close_on"),
    lostReason: text("lost_reason"),
    closedAt: text("closed_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("deals_contact_idx").on(t.contactId), index("deals_stage_idx").on(t.stage, t.closeOn)],
);

export const dealStageChanges = sqliteTable(
  "deal_stage_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    dealId: integer("deal_id")
      .notNull()
      .references(() => deals.id, { onDelete: "cascade" }),
    fromStage: text("from_stage"),
    toStage: text("to_stage").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("deal_stage_changes_deal_idx").on(t.dealId, t.at)],
);

export const purchases = sqliteTable(
  "purchases",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /**
     * Null for a guest (walk-in) sale, and after the person was erased (`crm forget`): the amount stays
     * as an anonymous aggregate, out of the per-customer reports.
     */
    contactId: integer("contact_id").references((): AnySQLiteColumn => contacts.id, {
      onDelete: "cascade",
    }),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    at: text("at").notNull(),
    note: text("note"),
    /** Where an external id comes from ("manual", an import file's source name): ids are unique per source. */
    source: text("source").notNull().default("manual"),
    externalRef: text("external_ref"),
    dealId: integer("deal_id").references(() => deals.id, { onDelete: "set null" }),
    /** What was refunded of it, in minor units: the sum of its refunds (0 to amountMinor). Reports use amountMinor − refundedMinor. */
    refundedMinor: integer("refunded_minor").notNull().default(0),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    // Covers the customer analytics (RFM, BG/NBD, retention): one ordered scan, no table look-ups.
    index("purchases_contact_at_idx").on(t.contactId, t.at, t.currency, t.amountMinor, t.refundedMinor),
    index("purchases_at_idx").on(t.at),
    uniqueIndex("purchases_source_ref_idx")
      .on(t.source, t.externalRef)
      .where(sql`${t.externalRef} is not null`),
    uniqueIndex("purchases_deal_idx")
      .on(t.dealId)
      .where(sql`${t.dealId} is not null`),
  ],
);

/**
 * Money given back on a purchase: a refund row of an import, a partial refund an export reports on the
 * order, or `crm purchase refund`. Their sum is kept on the purchase (refunded_minor). External ids are
 * unique per source, so importing the same refunds again adds nothing.
 */
export const refunds = sqliteTable(
  "refunds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    purchaseId: integer("purchase_id")
      .notNull()
      .references(() => purchases.id, { onDelete: "cascade" }),
    amountMinor: integer("amount_minor").notNull(),
    at: text("at").notNull(),
    note: text("note"),
    source: text("source").notNull().default("manual"),
    externalRef: text("external_ref"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("refunds_purchase_idx").on(t.purchaseId),
    uniqueIndex("refunds_source_ref_idx")
      .on(t.source, t.externalRef)
      .where(sql`${t.externalRef} is not null`),
  ],
);

export const followups = sqliteTable(
  "followups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    dealId: integer("deal_id").references(() => deals.id, { onDelete: "set null" }),
    /** Local "YYYY-MM-DD" or an ISO UTC datetime when a time of day was given. */
    dueAt: text("due_at").notNull(),
    note: text("note"),
    /** Recurrence interval spec ("1w", "1m"); null for a one-off. */
    every: text("every"),
    /**
     * A recurring series' first due date, stored like dueAt: every occurrence is a whole number of
     * intervals from it, so month ends and the local time of day do not drift. Null for a one-off (and
     * for series made before it was kept, whose due date serves as their start).
     */
    anchorAt: text("anchor_at"),
    /** open | done */
    status: text("status").notNull().default("open"),
    doneAt: text("done_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("followups_status_due_idx").on(t.status, t.dueAt), index("followups_contact_idx").on(t.contactId)],
);

/**
 * Follow-ups deleted with `followup rm`: only the id (a calendar entry's UID) and when, so that the next
 * iCalendar export can cancel the entry a calendar imported earlier. No personal data.
 */
export const removedFollowups = sqliteTable("removed_followups", {
  id: integer("id").primaryKey(),
  contactId: integer("contact_id"),
  /** When it was due, as in followups.due_at: where the calendar shows the entry to cancel. */
  dueAt: text("due_at").notNull(),
  removedAt: text("removed_at").notNull(),
});

export const surveys = sqliteTable(
  "surveys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    /** nps | csat */
    type: text("type").notNull(),
    question: text("question"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("surveys_name_idx").on(sql`${t.name} collate nocase`)],
);

export const responses = sqliteTable(
  "responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    surveyId: integer("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    /** Null only after the person was erased: the score stays as an anonymous aggregate. */
    contactId: integer("contact_id").references((): AnySQLiteColumn => contacts.id, {
      onDelete: "cascade",
    }),
    score: integer("score").notNull(),
    comment: text("comment"),
    at: text("at").notNull(),
    /** The form tool's id of the answer (Typeform's #), so a download imported again adds nothing. */
    externalRef: text("external_ref"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("responses_survey_at_idx").on(t.surveyId, t.at),
    index("responses_contact_idx").on(t.contactId),
    uniqueIndex("responses_survey_ref_idx")
      .on(t.surveyId, t.externalRef)
      .where(sql`${t.externalRef} is not null`),
  ],
);

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * The version of the purchase data: one row (id 1), its counter raised once by every transaction that
 * writes purchases (core/customers/scores.ts, `purchasesChanged`). Stored analytics name the version
 * they were computed from; a row missing reads as version 0.
 */
export const dataVersion = sqliteTable("data_version", {
  id: integer("id").primaryKey(),
  purchases: integer("purchases").notNull().default(0),
});

/**
 * Stored customer analytics of one currency (core/customers/scores.ts): what they were computed from
 * (data version, the settings that change them, the local day and the purchase instants around "now")
 * and the fitted models (JSON). Valid only while all of these still hold.
 */
export const scoreSets = sqliteTable("score_sets", {
  currency: text("currency").primaryKey(),
  /** 1 when this currency was the one chosen by default (the default currency, else the one with most purchases). */
  isDefault: integer("is_default").notNull().default(0),
  dataVersion: integer("data_version").notNull(),
  /** The settings the scores depend on, as JSON (currency, rates, time zone, version of the computation). */
  settings: text("settings").notNull(),
  /** The local day they are as of ("YYYY-MM-DD"). */
  asOfDay: text("as_of_day").notNull(),
  /** The latest purchase instant at or before the moment computed, and the next one after it (null: none). */
  seenUpTo: text("seen_up_to"),
  nextPurchaseAt: text("next_purchase_at"),
  /** The count model used ("bgnbd", "mbgnbd", "pareto"), or null when none could be fitted. */
  model: text("model"),
  /** The fitted parameters, or why no model could be fitted, as JSON. */
  fitted: text("fitted").notNull(),
  customers: integer("customers").notNull(),
  computedAt: text("computed_at").notNull(),
});

/** Each customer's stored analytics in one currency (see scoreSets): RFM, P(alive), expected purchases, CLV. */
export const customerScores = sqliteTable(
  "customer_scores",
  {
    contactId: integer("contact_id")
      .notNull()
      .references((): AnySQLiteColumn => contacts.id, { onDelete: "cascade" }),
    currency: text("currency").notNull(),
    purchases: integer("purchases").notNull(),
    /** Net spend in major units, rounded to cents as the reports show it. */
    totalSpent: real("total_spent").notNull(),
    lastPurchase: text("last_purchase").notNull(),
    recencyDays: integer("recency_days").notNull(),
    segment: text("segment").notNull(),
    r: integer("r").notNull(),
    f: integer("f").notNull(),
    m: integer("m").notNull(),
    /** Null when no count model could be fitted or evaluated for this customer. */
    pAlive: real("p_alive"),
    expectedPurchases: real("expected_purchases"),
    /** 12-month CLV in major units; null when no CLV model could be fitted. */
    clv: real("clv"),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.currency] }), index("customer_scores_alive_idx").on(t.currency, t.pAlive)],
);

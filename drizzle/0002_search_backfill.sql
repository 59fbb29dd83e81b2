-- Rebuilds the full-text index from the tables. Migration 0001 created the index and the triggers that
-- keep it current, but did not index the records that were already there: a database of schema 1 came
-- out of its upgrade with `crm find` blind to everything written before it. Idempotent: the index is
-- emptied and refilled with exactly what the triggers of 0001 would have written.
DELETE FROM `search_index`;
--> statement-breakpoint
INSERT INTO `search_index`(rowid, kind, ref_id, contact_id, title, body)
	SELECT id * 8 + 1, 'contact', id, id, name, concat_ws(' ', email, phone, company, title, note, source) FROM `contacts`;
--> statement-breakpoint
INSERT INTO `search_index`(rowid, kind, ref_id, contact_id, title, body)
	SELECT id * 8 + 2, 'interaction', id, contact_id, type, summary FROM `interactions`;
--> statement-breakpoint
INSERT INTO `search_index`(rowid, kind, ref_id, contact_id, title, body)
	SELECT id * 8 + 3, 'deal', id, contact_id, title, lost_reason FROM `deals`;
--> statement-breakpoint
INSERT INTO `search_index`(rowid, kind, ref_id, contact_id, title, body)
	SELECT id * 8 + 4, 'followup', id, contact_id, NULL, note FROM `followups` WHERE note IS NOT NULL;
--> statement-breakpoint
INSERT INTO `search_index`(rowid, kind, ref_id, contact_id, title, body)
	SELECT id * 8 + 5, 'response', id, contact_id, NULL, comment FROM `responses` WHERE comment IS NOT NULL;
--> statement-breakpoint
INSERT INTO `search_index`(search_index) VALUES ('optimize');

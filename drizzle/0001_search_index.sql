-- Full-text search (FTS5) over everything a person might look for, kept current by triggers.
-- rowid = record id * 8 + kind, so a trigger finds a record's row by rowid instead of scanning.
-- kinds: 1 contact, 2 interaction, 3 deal, 4 follow-up, 5 survey response.
CREATE VIRTUAL TABLE `search_index` USING fts5(
	kind UNINDEXED, ref_id UNINDEXED, contact_id UNINDEXED, title, body,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `contacts_ai` AFTER INSERT ON `contacts` BEGIN
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 1, 'contact', new.id, new.id, new.name,
		concat_ws(' ', new.email, new.phone, new.company, new.title, new.note, new.source));
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_au` AFTER UPDATE ON `contacts` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 1, 'contact', new.id, new.id, new.name,
		concat_ws(' ', new.email, new.phone, new.company, new.title, new.note, new.source));
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_ad` AFTER DELETE ON `contacts` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `interactions_ai` AFTER INSERT ON `interactions` BEGIN
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 2, 'interaction', new.id, new.contact_id, new.type, new.summary);
END;
--> statement-breakpoint
CREATE TRIGGER `interactions_au` AFTER UPDATE ON `interactions` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 2, 'interaction', new.id, new.contact_id, new.type, new.summary);
END;
--> statement-breakpoint
CREATE TRIGGER `interactions_ad` AFTER DELETE ON `interactions` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;
--> statement-breakpoint
CREATE TRIGGER `deals_ai` AFTER INSERT ON `deals` BEGIN
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 3, 'deal', new.id, new.contact_id, new.title, new.lost_reason);
END;
--> statement-breakpoint
CREATE TRIGGER `deals_au` AFTER UPDATE OF title, lost_reason, contact_id ON `deals` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 3, 'deal', new.id, new.contact_id, new.title, new.lost_reason);
END;
--> statement-breakpoint
CREATE TRIGGER `deals_ad` AFTER DELETE ON `deals` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;
--> statement-breakpoint
CREATE TRIGGER `followups_ai` AFTER INSERT ON `followups` WHEN new.note IS NOT NULL BEGIN
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 4, 'followup', new.id, new.contact_id, NULL, new.note);
END;
--> statement-breakpoint
CREATE TRIGGER `followups_au` AFTER UPDATE OF note, contact_id ON `followups` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	SELECT new.id * 8 + 4, 'followup', new.id, new.contact_id, NULL, new.note WHERE new.note IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `followups_ad` AFTER DELETE ON `followups` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;
--> statement-breakpoint
CREATE TRIGGER `responses_ai` AFTER INSERT ON `responses` WHEN new.comment IS NOT NULL BEGIN
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	VALUES (new.id * 8 + 5, 'response', new.id, new.contact_id, NULL, new.comment);
END;
--> statement-breakpoint
CREATE TRIGGER `responses_au` AFTER UPDATE OF comment, contact_id ON `responses` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
	INSERT INTO search_index(rowid, kind, ref_id, contact_id, title, body)
	SELECT new.id * 8 + 5, 'response', new.id, new.contact_id, NULL, new.comment WHERE new.comment IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `responses_ad` AFTER DELETE ON `responses` BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;

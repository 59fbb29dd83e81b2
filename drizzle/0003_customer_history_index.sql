DROP INDEX `purchases_contact_at_idx`;--> statement-breakpoint
CREATE INDEX `purchases_contact_at_idx` ON `purchases` (`contact_id`,`at`,`currency`,`amount_minor`);
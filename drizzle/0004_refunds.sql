CREATE TABLE `refunds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`purchase_id` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`at` text NOT NULL,
	`note` text,
	`source` text DEFAULT 'manual' NOT NULL,
	`external_ref` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`purchase_id`) REFERENCES `purchases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `refunds_purchase_idx` ON `refunds` (`purchase_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_source_ref_idx` ON `refunds` (`source`,`external_ref`) WHERE "refunds"."external_ref" is not null;--> statement-breakpoint
DROP INDEX `purchases_contact_at_idx`;--> statement-breakpoint
ALTER TABLE `purchases` ADD `refunded_minor` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `purchases_contact_at_idx` ON `purchases` (`contact_id`,`at`,`currency`,`amount_minor`,`refunded_minor`);
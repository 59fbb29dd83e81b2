CREATE TABLE `removed_followups` (
	`id` integer PRIMARY KEY NOT NULL,
	`contact_id` integer,
	`due_at` text NOT NULL,
	`removed_at` text NOT NULL
);

CREATE TABLE `mail_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`host` text NOT NULL,
	`port` integer NOT NULL,
	`user` text NOT NULL,
	`security` text NOT NULL,
	`password_command` text,
	`folders` text,
	`ca_file` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_accounts_name_idx` ON `mail_accounts` ("name" collate nocase);--> statement-breakpoint
CREATE TABLE `mail_folders` (
	`account_id` integer NOT NULL,
	`folder` text NOT NULL,
	`uid_validity` text NOT NULL,
	`last_uid` integer NOT NULL,
	`synced_at` text NOT NULL,
	PRIMARY KEY(`account_id`, `folder`),
	FOREIGN KEY (`account_id`) REFERENCES `mail_accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `mail_recipients` (
	`address` text NOT NULL,
	`message_id` text NOT NULL,
	`name` text,
	`at` text NOT NULL,
	PRIMARY KEY(`address`, `message_id`)
);
--> statement-breakpoint
ALTER TABLE `interactions` ADD `message_id` text;--> statement-breakpoint
ALTER TABLE `interactions` ADD `thread_id` text;--> statement-breakpoint
ALTER TABLE `interactions` ADD `direction` text;--> statement-breakpoint
CREATE UNIQUE INDEX `interactions_message_idx` ON `interactions` (`message_id`,`contact_id`) WHERE "interactions"."message_id" is not null;--> statement-breakpoint
CREATE INDEX `interactions_thread_idx` ON `interactions` (`thread_id`,`at`) WHERE "interactions"."thread_id" is not null;
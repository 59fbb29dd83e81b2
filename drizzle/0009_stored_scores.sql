CREATE TABLE `customer_scores` (
	`contact_id` integer NOT NULL,
	`currency` text NOT NULL,
	`purchases` integer NOT NULL,
	`total_spent` real NOT NULL,
	`last_purchase` text NOT NULL,
	`recency_days` integer NOT NULL,
	`segment` text NOT NULL,
	`r` integer NOT NULL,
	`f` integer NOT NULL,
	`m` integer NOT NULL,
	`p_alive` real,
	`expected_purchases` real,
	`clv` real,
	PRIMARY KEY(`contact_id`, `currency`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `customer_scores_alive_idx` ON `customer_scores` (`currency`,`p_alive`);--> statement-breakpoint
CREATE TABLE `data_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`purchases` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `score_sets` (
	`currency` text PRIMARY KEY NOT NULL,
	`is_default` integer DEFAULT 0 NOT NULL,
	`data_version` integer NOT NULL,
	`settings` text NOT NULL,
	`as_of_day` text NOT NULL,
	`seen_up_to` text,
	`next_purchase_at` text,
	`model` text,
	`fitted` text NOT NULL,
	`customers` integer NOT NULL,
	`computed_at` text NOT NULL
);

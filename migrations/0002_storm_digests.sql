CREATE TABLE `digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`entry_key` text NOT NULL,
	`representative_alert_id` integer NOT NULL,
	`opened_at` integer NOT NULL,
	`last_joined_at` integer NOT NULL,
	`parent_ts` text,
	`parent_posting_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`refreshed_version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `digests_open` ON `digests` (`channel`,`entry_key`,`last_joined_at`);--> statement-breakpoint
CREATE INDEX `digests_dirty` ON `digests` (`refreshed_version`,`version`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `digest_id` integer;--> statement-breakpoint
CREATE INDEX `alerts_recent_posts` ON `alerts` (`channel`,`entry_id`,`parent_posting_at`);--> statement-breakpoint
CREATE INDEX `alerts_digest` ON `alerts` (`digest_id`);
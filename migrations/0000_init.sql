CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedup_key` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`last_outcome` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`service` text,
	`severity` text,
	`status_code` integer,
	`starts_at` text,
	`ends_at` text,
	`url` text,
	`labels` text DEFAULT '{}' NOT NULL,
	`team_id` text,
	`channel` text,
	`parent_ts` text,
	`explanation_ts` text,
	`entry_id` text,
	`confidence` real,
	`fix_order` text DEFAULT '[]' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`resolved_at` integer,
	`repeat_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_dedup_key` ON `alerts` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `alerts_parent` ON `alerts` (`channel`,`parent_ts`);--> statement-breakpoint
CREATE INDEX `alerts_explanation` ON `alerts` (`channel`,`explanation_ts`);--> statement-breakpoint
CREATE INDEX `alerts_entry` ON `alerts` (`entry_id`);--> statement-breakpoint
CREATE INDEX `alerts_first_seen` ON `alerts` (`first_seen_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_alert_kind` ON `deliveries` (`alert_id`,`kind`);--> statement-breakpoint
CREATE INDEX `deliveries_due` ON `deliveries` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `fix_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`entry_id` text NOT NULL,
	`fix_id` text NOT NULL,
	`service` text,
	`user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fix_outcomes_alert_fix_user` ON `fix_outcomes` (`alert_id`,`fix_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `fix_outcomes_entry` ON `fix_outcomes` (`entry_id`,`service`);--> statement-breakpoint
CREATE TABLE `slack_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);

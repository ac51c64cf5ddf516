CREATE TABLE `channels` (
	`channel` text PRIMARY KEY NOT NULL,
	`next_post_at` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_windows` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `deliveries_alert_kind`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `transition` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_alert_kind_transition` ON `deliveries` (`alert_id`,`kind`,`transition`);--> statement-breakpoint
CREATE INDEX `deliveries_channel_due` ON `deliveries` (`channel`,`next_attempt_at`,`id`) WHERE "deliveries"."state" = 'pending';--> statement-breakpoint
ALTER TABLE `alerts` ADD `transitions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `digests_representative` ON `digests` (`representative_alert_id`);--> statement-breakpoint
CREATE INDEX `slack_events_received` ON `slack_events` (`received_at`);
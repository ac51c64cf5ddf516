CREATE TABLE `alert_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`at` integer NOT NULL,
	`silence_id` text,
	`until` integer,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_actions_alert` ON `alert_actions` (`alert_id`);--> statement-breakpoint
CREATE INDEX `alert_actions_at` ON `alert_actions` (`at`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `acked_by` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `acked_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `first_acked_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `silence_id` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `silenced_until` integer;
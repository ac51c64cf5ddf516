CREATE TABLE `corrections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`team_id` text NOT NULL,
	`kind` text NOT NULL,
	`from_entry` text,
	`to_entry` text,
	`user_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `corrections_alert` ON `corrections` (`alert_id`);--> statement-breakpoint
CREATE INDEX `corrections_from_to` ON `corrections` (`from_entry`,`to_entry`);--> statement-breakpoint
CREATE TABLE `match_overrides` (
	`team_id` text NOT NULL,
	`kind_key` text NOT NULL,
	`entry_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `kind_key`)
);
--> statement-breakpoint
CREATE INDEX `alerts_unmatched` ON `alerts` (`title`) WHERE "alerts"."entry_id" IS NULL AND "alerts"."explanation_ts" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `alerts_resolve_time` ON `alerts` (`entry_id`,("resolved_at" - "first_seen_at")) WHERE "alerts"."entry_id" IS NOT NULL AND "alerts"."resolved_at" IS NOT NULL;
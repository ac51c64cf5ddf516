DROP INDEX `alerts_parent`;--> statement-breakpoint
DROP INDEX `alerts_explanation`;--> statement-breakpoint
DROP INDEX `alerts_entry`;--> statement-breakpoint
DROP INDEX `alerts_recent_posts`;--> statement-breakpoint
DROP INDEX `alerts_digest`;--> statement-breakpoint
CREATE INDEX `alerts_parent` ON `alerts` (`channel`,`parent_ts`) WHERE "alerts"."parent_ts" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `alerts_explanation` ON `alerts` (`channel`,`explanation_ts`) WHERE "alerts"."explanation_ts" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `alerts_entry` ON `alerts` (`entry_id`) WHERE "alerts"."entry_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `alerts_recent_posts` ON `alerts` (`channel`,`entry_id`,`parent_posting_at`) WHERE "alerts"."parent_posting_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `alerts_digest` ON `alerts` (`digest_id`) WHERE "alerts"."digest_id" IS NOT NULL;
ALTER TABLE `alerts` ADD `parent_posting_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `explanation_posting_at` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `posting_at` integer;
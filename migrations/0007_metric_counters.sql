CREATE TABLE `metric_counters` (
	`name` text NOT NULL,
	`labels` text NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`name`, `labels`)
);

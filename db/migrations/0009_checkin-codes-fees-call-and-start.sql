CREATE TABLE `service_fees` (
	`service_id` integer NOT NULL,
	`age_group` text NOT NULL,
	`amount_cents` integer NOT NULL,
	PRIMARY KEY(`service_id`, `age_group`),
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `appointments` ADD `service_date` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `check_in_code` text;--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_check_in_code` ON `appointments` (`location_id`,`service_date`,`check_in_code`);--> statement-breakpoint
ALTER TABLE `locations` ADD `call_and_start` integer DEFAULT false NOT NULL;
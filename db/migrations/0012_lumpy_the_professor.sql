CREATE TABLE `appointment_capacity` (
	`location_id` text NOT NULL,
	`service_code` text NOT NULL,
	`date` text NOT NULL,
	`capacity` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `service_code`, `date`),
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);

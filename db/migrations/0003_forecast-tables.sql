CREATE TABLE `hourly_history` (
	`location_id` text NOT NULL,
	`service_code` text NOT NULL,
	`date` text NOT NULL,
	`hour` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`location_id`, `service_code`, `date`, `hour`),
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `registry_documents` (
	`municipality_id` text NOT NULL,
	`month` text NOT NULL,
	`document_type` text NOT NULL,
	`age_band` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`municipality_id`, `month`, `document_type`, `age_band`),
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action
);

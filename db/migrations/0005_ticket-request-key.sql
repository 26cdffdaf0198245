ALTER TABLE `tickets` ADD `request_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_location_request_key` ON `tickets` (`location_id`,`request_key`);
CREATE TABLE `appointment_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appointment_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	`persons` integer NOT NULL,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `appointment_items_appointment` ON `appointment_items` (`appointment_id`);--> statement-breakpoint
CREATE TABLE `appointments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`location_id` text NOT NULL,
	`reference` text NOT NULL,
	`manage_token_hash` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`counter_id` integer NOT NULL,
	`channel` text NOT NULL,
	`status` text DEFAULT 'booked' NOT NULL,
	`customer_name` text,
	`customer_email` text,
	`customer_phone` text,
	`language` text DEFAULT 'nl' NOT NULL,
	`follow_up_of_id` integer,
	`created_at` integer NOT NULL,
	`cancelled_at` integer,
	`checked_in_at` integer,
	`reminder_sent_at` integer,
	`personal_data_erased_at` integer,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`counter_id`) REFERENCES `counters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_reference` ON `appointments` (`reference`);--> statement-breakpoint
CREATE INDEX `appointments_counter_start` ON `appointments` (`counter_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_location_start` ON `appointments` (`location_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_email` ON `appointments` (`customer_email`);--> statement-breakpoint
CREATE TABLE `location_services` (
	`location_id` text NOT NULL,
	`service_id` integer NOT NULL,
	`bookable_online` integer NOT NULL,
	`walk_in` integer NOT NULL,
	PRIMARY KEY(`location_id`, `service_id`),
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `services` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`code` text NOT NULL,
	`name_nl` text NOT NULL,
	`name_en` text NOT NULL,
	`minutes_per_person` integer NOT NULL,
	`max_persons` integer DEFAULT 1 NOT NULL,
	`ticket_letter` text NOT NULL,
	`necessities_nl` text DEFAULT '[]' NOT NULL,
	`necessities_en` text DEFAULT '[]' NOT NULL,
	`target_wait_minutes` integer DEFAULT 10 NOT NULL,
	`follow_up_service_code` text,
	`follow_up_min_working_days` integer,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_municipality_code` ON `services` (`municipality_id`,`code`);--> statement-breakpoint
CREATE TABLE `counter_skills` (
	`counter_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	PRIMARY KEY(`counter_id`, `service_id`),
	FOREIGN KEY (`counter_id`) REFERENCES `counters`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `counters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location_id` text NOT NULL,
	`name` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`state` text DEFAULT 'closed' NOT NULL,
	`agent_id` integer,
	`state_since` integer,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`kind` text NOT NULL,
	`appointment_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`attachments` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_unsent` ON `outbox` (`sent_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`location_id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`counter_id` integer,
	`agent_id` integer,
	`data` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_events_location_at` ON `ticket_events` (`location_id`,`at`);--> statement-breakpoint
CREATE INDEX `ticket_events_ticket` ON `ticket_events` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `ticket_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`service_id` integer NOT NULL,
	`persons` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_items_ticket` ON `ticket_items` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`location_id` text NOT NULL,
	`service_date` text NOT NULL,
	`number` text NOT NULL,
	`letter` text NOT NULL,
	`sequence` integer NOT NULL,
	`public_id` text NOT NULL,
	`source` text NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`appointment_id` integer,
	`due_at` integer,
	`target_counter_id` integer,
	`counter_id` integer,
	`agent_id` integer,
	`call_count` integer DEFAULT 0 NOT NULL,
	`predicted_wait_seconds` integer,
	`language` text DEFAULT 'nl' NOT NULL,
	`issued_at` integer NOT NULL,
	`queued_at` integer NOT NULL,
	`called_at` integer,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_counter_id`) REFERENCES `counters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`counter_id`) REFERENCES `counters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_location_day_number` ON `tickets` (`location_id`,`service_date`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_public_id` ON `tickets` (`public_id`);--> statement-breakpoint
CREATE INDEX `tickets_location_status` ON `tickets` (`location_id`,`status`);--> statement-breakpoint
CREATE TABLE `closures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`location_id` text,
	`date` text NOT NULL,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `roster_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location_id` text NOT NULL,
	`counter_id` integer NOT NULL,
	`rrule` text,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`mode` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`counter_id`) REFERENCES `counters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `schedule_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location_id` text NOT NULL,
	`kind` text NOT NULL,
	`rrule` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `audit_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`location_id` text,
	`at` integer NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_entries_at` ON `audit_entries` (`municipality_id`,`at`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`location_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`paired_at` integer NOT NULL,
	`revoked_at` integer,
	`last_seen_at` integer,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_token` ON `devices` (`token_hash`);--> statement-breakpoint
CREATE TABLE `pairing_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code_hash` text NOT NULL,
	`location_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`created_by` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pairing_codes_code` ON `pairing_codes` (`code_hash`);--> statement-breakpoint
CREATE TABLE `staff_locations` (
	`user_id` integer NOT NULL,
	`location_id` text NOT NULL,
	PRIMARY KEY(`user_id`, `location_id`),
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_token` ON `staff_sessions` (`token_hash`);--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`municipality_id` text NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_username` ON `staff_users` (`username`);--> statement-breakpoint
CREATE TABLE `locations` (
	`id` text PRIMARY KEY NOT NULL,
	`municipality_id` text NOT NULL,
	`name` text NOT NULL,
	`street` text NOT NULL,
	`postal_code` text NOT NULL,
	`city` text NOT NULL,
	`time_zone` text DEFAULT 'Europe/Amsterdam' NOT NULL,
	`slot_grid_minutes` integer DEFAULT 5 NOT NULL,
	`walk_in_share` real DEFAULT 0.2 NOT NULL,
	`min_notice_minutes` integer DEFAULT 60 NOT NULL,
	`max_days_ahead` integer DEFAULT 56 NOT NULL,
	`check_in_early_minutes` integer DEFAULT 30 NOT NULL,
	`check_in_late_grace_minutes` integer DEFAULT 10 NOT NULL,
	`service_norm_share` real DEFAULT 0.8 NOT NULL,
	`service_norm_minutes` integer DEFAULT 10 NOT NULL,
	`closed_on_good_friday` integer DEFAULT true NOT NULL,
	`closed_on_liberation_day` integer DEFAULT false NOT NULL,
	`ticker_text` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `municipalities` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);

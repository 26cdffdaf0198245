CREATE TABLE `booking_requests` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`body_hash` text NOT NULL,
	`appointment_id` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `booking_requests_created` ON `booking_requests` (`created_at`);--> statement-breakpoint
CREATE TABLE `spent_challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `spent_challenges_expires` ON `spent_challenges` (`expires_at`);--> statement-breakpoint
ALTER TABLE `appointments` ADD `mailbox_key` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `phone_key` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `hold_expires_at` integer;--> statement-breakpoint
ALTER TABLE `appointments` ADD `confirm_code_hash` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `confirmed_at` integer;--> statement-breakpoint
CREATE INDEX `appointments_mailbox` ON `appointments` (`mailbox_key`);--> statement-breakpoint
CREATE INDEX `appointments_phone` ON `appointments` (`phone_key`);--> statement-breakpoint
CREATE INDEX `appointments_location_created` ON `appointments` (`location_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `appointments_held` ON `appointments` (`status`,`hold_expires_at`);--> statement-breakpoint
ALTER TABLE `locations` ADD `confirmation_required` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `hold_minutes` integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `challenge_mode` text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `challenge_pressure_bookings` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `mailbox_cap` integer;--> statement-breakpoint
ALTER TABLE `locations` ADD `mailbox_normalise` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `phone_cap` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `day_velocity_limit` integer;--> statement-breakpoint
ALTER TABLE `locations` ADD `release_mode` text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `release_time` text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `release_weekdays` text DEFAULT '1,2,3,4,5' NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `release_days_ahead` integer DEFAULT 28 NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `phone_share` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `phone_share_release_hours` integer DEFAULT 48 NOT NULL;--> statement-breakpoint
UPDATE `appointments` SET `mailbox_key` = lower(`customer_email`) WHERE `customer_email` IS NOT NULL;--> statement-breakpoint
-- A hold counts as taken (rule 1 holds for held appointments too): the overlap guard of 0002 now
-- includes `held`. Lapsed holds are set to `expired` inside each booking transaction before it places.
DROP TRIGGER `appointments_no_overlap_insert`;--> statement-breakpoint
DROP TRIGGER `appointments_no_overlap_update`;--> statement-breakpoint
CREATE TRIGGER `appointments_no_overlap_insert`
BEFORE INSERT ON `appointments`
WHEN NEW.`status` IN ('held', 'booked', 'checked-in')
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another on the same counter')
  WHERE EXISTS (
    SELECT 1 FROM `appointments` a
    WHERE a.`counter_id` = NEW.`counter_id`
      AND a.`status` IN ('held', 'booked', 'checked-in')
      AND a.`starts_at` < NEW.`ends_at`
      AND NEW.`starts_at` < a.`ends_at`
  );
END;--> statement-breakpoint
CREATE TRIGGER `appointments_no_overlap_update`
BEFORE UPDATE OF `starts_at`, `ends_at`, `status` ON `appointments`
WHEN NEW.`status` IN ('held', 'booked', 'checked-in')
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another on the same counter')
  WHERE EXISTS (
    SELECT 1 FROM `appointments` a
    WHERE a.`id` <> NEW.`id`
      AND a.`counter_id` = NEW.`counter_id`
      AND a.`status` IN ('held', 'booked', 'checked-in')
      AND a.`starts_at` < NEW.`ends_at`
      AND NEW.`starts_at` < a.`ends_at`
  );
END;

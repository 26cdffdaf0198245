CREATE TABLE `webhook_feed` (
	`name` text PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
-- The recorder starts at the end of the log: facts from before were recorded by the in-process recorder.
INSERT INTO `webhook_feed` (`name`, `last_event_id`) SELECT 'webhooks', coalesce(max(`id`), 0) FROM `cluster_events`;
--> statement-breakpoint
-- Appointment facts for webhooks, in the transaction of the change (no seq: the hub passes them by). The demo
-- history's appointments come without personal data (erased at insert) and leave none.
CREATE TRIGGER `appointments_cluster_booked` AFTER INSERT ON `appointments`
WHEN NEW.`status` = 'booked' AND NEW.`personal_data_erased_at` IS NULL
BEGIN
  INSERT INTO `cluster_events` (`location_id`, `kind`, `subject_id`, `at`)
  VALUES (NEW.`location_id`, 'appointment:booked', NEW.`id`, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
--> statement-breakpoint
-- A hold confirmed is booked; a booked (or held) appointment cancelled.
CREATE TRIGGER `appointments_cluster_status` AFTER UPDATE OF `status` ON `appointments`
WHEN (OLD.`status` = 'held' AND NEW.`status` = 'booked')
  OR (OLD.`status` IN ('booked', 'held') AND NEW.`status` = 'cancelled')
BEGIN
  INSERT INTO `cluster_events` (`location_id`, `kind`, `subject_id`, `at`)
  VALUES (NEW.`location_id`, CASE NEW.`status` WHEN 'booked' THEN 'appointment:booked' ELSE 'appointment:cancelled' END,
    NEW.`id`, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
--> statement-breakpoint
-- A booked appointment moved to another start (the engine's moves between counters keep the start: no fact).
CREATE TRIGGER `appointments_cluster_moved` AFTER UPDATE OF `starts_at` ON `appointments`
WHEN NEW.`status` = 'booked' AND NEW.`starts_at` <> OLD.`starts_at`
BEGIN
  INSERT INTO `cluster_events` (`location_id`, `kind`, `subject_id`, `at`)
  VALUES (NEW.`location_id`, 'appointment:rescheduled', NEW.`id`, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
--> statement-breakpoint
-- Ticket facts as in 0010, with `detail` 'finished' on a finish (the webhook `ticket.finished`).
DROP TRIGGER `ticket_events_cluster`;
--> statement-breakpoint
CREATE TRIGGER `ticket_events_cluster` AFTER INSERT ON `ticket_events`
WHEN EXISTS (SELECT 1 FROM `tickets` WHERE `id` = NEW.`ticket_id` AND `status` NOT IN ('done', 'cancelled', 'no-show'))
  OR EXISTS (SELECT 1 FROM `cluster_events` WHERE `ticket_id` = NEW.`ticket_id`)
BEGIN
  INSERT OR IGNORE INTO `cluster_seq` (`location_id`, `seq`) VALUES (NEW.`location_id`, 0);
  UPDATE `cluster_seq` SET `seq` = `seq` + 1 WHERE `location_id` = NEW.`location_id`;
  INSERT INTO `cluster_events` (`location_id`, `seq`, `kind`, `ticket_id`, `counter_id`, `detail`, `at`)
  VALUES (
    NEW.`location_id`,
    (SELECT `seq` FROM `cluster_seq` WHERE `location_id` = NEW.`location_id`),
    CASE NEW.`type` WHEN 'issued' THEN 'ticket:issued' WHEN 'called' THEN 'ticket:called' WHEN 'recalled' THEN 'ticket:called' ELSE 'ticket:updated' END,
    NEW.`ticket_id`,
    NEW.`counter_id`,
    CASE NEW.`type` WHEN 'called' THEN 'call' WHEN 'recalled' THEN 'recall' WHEN 'finished' THEN 'finished' ELSE NULL END,
    NEW.`at`
  );
END;

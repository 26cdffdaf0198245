CREATE TABLE `cluster_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location_id` text,
	`seq` integer,
	`kind` text NOT NULL,
	`ticket_id` integer,
	`counter_id` integer,
	`subject_id` integer,
	`detail` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cluster_events_location_seq` ON `cluster_events` (`location_id`,`seq`);--> statement-breakpoint
CREATE INDEX `cluster_events_ticket` ON `cluster_events` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `cluster_events_at` ON `cluster_events` (`at`);--> statement-breakpoint
CREATE TABLE `cluster_seq` (
	`location_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
-- The cluster event log is written by triggers, in the transaction of the change (ARCHITECTURE.md#scale-out).
-- Ticket facts come from the ticket-event log. Demo history inserts finished tickets with their events: a fact
-- is logged only for a ticket that is still in the line, or that already has a fact (its later events).
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
    CASE NEW.`type` WHEN 'called' THEN 'call' WHEN 'recalled' THEN 'recall' ELSE NULL END,
    NEW.`at`
  );
END;
--> statement-breakpoint
-- A counter opened, paused, closed or taken by another agent.
CREATE TRIGGER `counters_cluster` AFTER UPDATE OF `state`, `agent_id` ON `counters`
BEGIN
  INSERT OR IGNORE INTO `cluster_seq` (`location_id`, `seq`) VALUES (NEW.`location_id`, 0);
  UPDATE `cluster_seq` SET `seq` = `seq` + 1 WHERE `location_id` = NEW.`location_id`;
  INSERT INTO `cluster_events` (`location_id`, `seq`, `kind`, `counter_id`, `at`)
  VALUES (
    NEW.`location_id`,
    (SELECT `seq` FROM `cluster_seq` WHERE `location_id` = NEW.`location_id`),
    'counter:updated',
    NEW.`id`,
    CAST(unixepoch('subsec') * 1000 AS INTEGER)
  );
END;
--> statement-breakpoint
-- Set-up and ticker changes are audited in their transaction: one `location:changed` per location they touch
-- (a municipality-wide change, location_id null, touches every location of the municipality).
CREATE TRIGGER `audit_entries_cluster_location` AFTER INSERT ON `audit_entries`
WHEN NEW.`action` IN ('closure.create', 'closure.delete', 'counter.create', 'counter.update', 'location-service.delete',
  'location-service.save', 'location.settings', 'roster-rule.create', 'roster-rule.delete', 'roster-rule.update',
  'schedule-rule.create', 'schedule-rule.delete', 'schedule-rule.update', 'service.create', 'service.fees',
  'service.update', 'setup.import', 'display.ticker-set')
BEGIN
  INSERT OR IGNORE INTO `cluster_seq` (`location_id`, `seq`)
    SELECT `id`, 0 FROM `locations`
    WHERE (NEW.`location_id` IS NOT NULL AND `id` = NEW.`location_id`)
       OR (NEW.`location_id` IS NULL AND `municipality_id` = NEW.`municipality_id`);
  UPDATE `cluster_seq` SET `seq` = `seq` + 1
    WHERE `location_id` IN (
      SELECT `id` FROM `locations`
      WHERE (NEW.`location_id` IS NOT NULL AND `id` = NEW.`location_id`)
         OR (NEW.`location_id` IS NULL AND `municipality_id` = NEW.`municipality_id`));
  INSERT INTO `cluster_events` (`location_id`, `seq`, `kind`, `detail`, `at`)
    SELECT `location_id`, `seq`, 'location:changed',
      CASE NEW.`action` WHEN 'display.ticker-set' THEN 'ticker' ELSE 'setup' END, NEW.`at`
    FROM `cluster_seq`
    WHERE `location_id` IN (
      SELECT `id` FROM `locations`
      WHERE (NEW.`location_id` IS NOT NULL AND `id` = NEW.`location_id`)
         OR (NEW.`location_id` IS NULL AND `municipality_id` = NEW.`municipality_id`));
END;
--> statement-breakpoint
-- A device revoked or a staff member signed out: every node drops the sockets (API keys: the adapter and the re-check).
CREATE TRIGGER `audit_entries_cluster_revoked` AFTER INSERT ON `audit_entries`
WHEN NEW.`action` IN ('device.revoked', 'session.signed-out')
BEGIN
  INSERT INTO `cluster_events` (`kind`, `subject_id`, `detail`, `at`)
  VALUES ('auth:revoked', CAST(NEW.`target_id` AS INTEGER),
    CASE NEW.`action` WHEN 'device.revoked' THEN 'device' ELSE 'staff' END, NEW.`at`);
END;

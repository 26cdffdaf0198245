ALTER TABLE `outbox` ADD `claimed_until` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `render` text;--> statement-breakpoint
-- The lease used to be kept in last_error as 'sending; claimed until <ISO instant>': move it to its column.
UPDATE `outbox` SET `claimed_until` = CAST(round((julianday(substr(`last_error`, 24)) - 2440587.5) * 86400000) AS INTEGER),
  `last_error` = NULL
WHERE `last_error` LIKE 'sending; claimed until %';

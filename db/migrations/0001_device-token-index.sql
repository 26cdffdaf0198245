DROP INDEX `devices_token`;--> statement-breakpoint
CREATE INDEX `devices_token` ON `devices` (`token_hash`);
-- Bumped by every change to what the scheduling engine reads about offices, so a process can keep
-- an office in memory and still see changes made by any other process (one tiny read per use).
CREATE TABLE `scheduling_config_version` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `version` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `scheduling_config_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `locations_bump_scheduling_version_insert` AFTER INSERT ON `locations`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `locations_bump_scheduling_version_update` AFTER UPDATE ON `locations`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `locations_bump_scheduling_version_delete` AFTER DELETE ON `locations`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `services_bump_scheduling_version_insert` AFTER INSERT ON `services`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `services_bump_scheduling_version_update` AFTER UPDATE ON `services`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `services_bump_scheduling_version_delete` AFTER DELETE ON `services`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `location_services_bump_scheduling_version_insert` AFTER INSERT ON `location_services`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `location_services_bump_scheduling_version_update` AFTER UPDATE ON `location_services`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `location_services_bump_scheduling_version_delete` AFTER DELETE ON `location_services`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counters_bump_scheduling_version_insert` AFTER INSERT ON `counters`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counters_bump_scheduling_version_update` AFTER UPDATE OF `active`, `location_id` ON `counters`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counters_bump_scheduling_version_delete` AFTER DELETE ON `counters`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counter_skills_bump_scheduling_version_insert` AFTER INSERT ON `counter_skills`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counter_skills_bump_scheduling_version_update` AFTER UPDATE ON `counter_skills`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counter_skills_bump_scheduling_version_delete` AFTER DELETE ON `counter_skills`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `schedule_rules_bump_scheduling_version_insert` AFTER INSERT ON `schedule_rules`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `schedule_rules_bump_scheduling_version_update` AFTER UPDATE ON `schedule_rules`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `schedule_rules_bump_scheduling_version_delete` AFTER DELETE ON `schedule_rules`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `roster_rules_bump_scheduling_version_insert` AFTER INSERT ON `roster_rules`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `roster_rules_bump_scheduling_version_update` AFTER UPDATE ON `roster_rules`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `roster_rules_bump_scheduling_version_delete` AFTER DELETE ON `roster_rules`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `closures_bump_scheduling_version_insert` AFTER INSERT ON `closures`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `closures_bump_scheduling_version_update` AFTER UPDATE ON `closures`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `closures_bump_scheduling_version_delete` AFTER DELETE ON `closures`
BEGIN
  UPDATE `scheduling_config_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;

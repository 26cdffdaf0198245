-- Occupancy in memory (ARCHITECTURE.md#storage-seam, "occupancy cache"): a version per location and UTC day
-- (`starts_at / 86400000`), bumped by every change to what `occupancy` reads, by any process. A reader keeps
-- the committed occupancy of a day and re-reads it only when that day's version moved (one small read per
-- request instead of every appointment of eight weeks).
CREATE TABLE `appointment_day_versions` (
  `location_id` text NOT NULL,
  `day` integer NOT NULL,
  `version` integer NOT NULL,
  PRIMARY KEY (`location_id`, `day`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER `appointments_bump_day_insert` AFTER INSERT ON `appointments`
BEGIN
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`) VALUES (NEW.`location_id`, NEW.`starts_at` / 86400000, 1)
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `appointments_bump_day_update`
AFTER UPDATE OF `location_id`, `starts_at`, `ends_at`, `counter_id`, `channel`, `status`, `hold_expires_at` ON `appointments`
BEGIN
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`) VALUES (OLD.`location_id`, OLD.`starts_at` / 86400000, 1)
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`) VALUES (NEW.`location_id`, NEW.`starts_at` / 86400000, 1)
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `appointments_bump_day_delete` AFTER DELETE ON `appointments`
BEGIN
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`) VALUES (OLD.`location_id`, OLD.`starts_at` / 86400000, 1)
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `appointment_items_bump_day_insert` AFTER INSERT ON `appointment_items`
BEGIN
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`)
    SELECT `location_id`, `starts_at` / 86400000, 1 FROM `appointments` WHERE `id` = NEW.`appointment_id`
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `appointment_items_bump_day_update` AFTER UPDATE ON `appointment_items`
BEGIN
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`)
    SELECT `location_id`, `starts_at` / 86400000, 1 FROM `appointments` WHERE `id` IN (OLD.`appointment_id`, NEW.`appointment_id`)
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `appointment_items_bump_day_delete` AFTER DELETE ON `appointment_items`
BEGIN
  INSERT INTO `appointment_day_versions` (`location_id`, `day`, `version`)
    SELECT `location_id`, `starts_at` / 86400000, 1 FROM `appointments` WHERE `id` = OLD.`appointment_id`
    ON CONFLICT (`location_id`, `day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
-- The overlap guard of 0008 with a lower bound: an appointment is at most a day long (refused otherwise), so
-- only rows starting in the day before the new one can overlap it — an index range on (counter, start)
-- instead of every earlier appointment of the counter.
DROP TRIGGER `appointments_no_overlap_insert`;
--> statement-breakpoint
DROP TRIGGER `appointments_no_overlap_update`;
--> statement-breakpoint
CREATE TRIGGER `appointments_no_overlap_insert`
BEFORE INSERT ON `appointments`
WHEN NEW.`status` IN ('held', 'booked', 'checked-in')
BEGIN
  SELECT RAISE(ABORT, 'appointment longer than a day') WHERE NEW.`ends_at` - NEW.`starts_at` > 86400000;
  SELECT RAISE(ABORT, 'appointment overlaps another on the same counter')
  WHERE EXISTS (
    SELECT 1 FROM `appointments` a
    WHERE a.`counter_id` = NEW.`counter_id`
      AND a.`starts_at` > NEW.`starts_at` - 86400000
      AND a.`starts_at` < NEW.`ends_at`
      AND NEW.`starts_at` < a.`ends_at`
      AND a.`status` IN ('held', 'booked', 'checked-in')
  );
END;
--> statement-breakpoint
CREATE TRIGGER `appointments_no_overlap_update`
BEFORE UPDATE OF `starts_at`, `ends_at`, `status` ON `appointments`
WHEN NEW.`status` IN ('held', 'booked', 'checked-in')
BEGIN
  SELECT RAISE(ABORT, 'appointment longer than a day') WHERE NEW.`ends_at` - NEW.`starts_at` > 86400000;
  SELECT RAISE(ABORT, 'appointment overlaps another on the same counter')
  WHERE EXISTS (
    SELECT 1 FROM `appointments` a
    WHERE a.`id` <> NEW.`id`
      AND a.`counter_id` = NEW.`counter_id`
      AND a.`starts_at` > NEW.`starts_at` - 86400000
      AND a.`starts_at` < NEW.`ends_at`
      AND NEW.`starts_at` < a.`ends_at`
      AND a.`status` IN ('held', 'booked', 'checked-in')
  );
END;

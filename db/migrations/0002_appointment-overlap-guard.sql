-- Defence in depth for rule 1 (DESIGN.md): the engine never double-books a counter, and the database
-- refuses it anyway. Moves between counters are checked by the engine before commit (a swap would
-- trip a row-level trigger half-way), so the triggers guard inserts and time changes.
CREATE TRIGGER `appointments_no_overlap_insert`
BEFORE INSERT ON `appointments`
WHEN NEW.`status` IN ('booked', 'checked-in')
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another on the same counter')
  WHERE EXISTS (
    SELECT 1 FROM `appointments` a
    WHERE a.`counter_id` = NEW.`counter_id`
      AND a.`status` IN ('booked', 'checked-in')
      AND a.`starts_at` < NEW.`ends_at`
      AND NEW.`starts_at` < a.`ends_at`
  );
END;
--> statement-breakpoint
CREATE TRIGGER `appointments_no_overlap_update`
BEFORE UPDATE OF `starts_at`, `ends_at`, `status` ON `appointments`
WHEN NEW.`status` IN ('booked', 'checked-in')
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another on the same counter')
  WHERE EXISTS (
    SELECT 1 FROM `appointments` a
    WHERE a.`id` <> NEW.`id`
      AND a.`counter_id` = NEW.`counter_id`
      AND a.`status` IN ('booked', 'checked-in')
      AND a.`starts_at` < NEW.`ends_at`
      AND NEW.`starts_at` < a.`ends_at`
  );
END;

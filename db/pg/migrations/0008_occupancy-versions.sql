-- Occupancy in memory on PostgreSQL (written by hand; ARCHITECTURE.md#storage-seam, "occupancy cache"). As SQLite's
-- 0011: a version per location and UTC day (`starts_at` in whole days since 1970), bumped by every change to what
-- `occupancy` reads, in the changing transaction. The bump's row lock is held until COMMIT, so a day's versions
-- commit in order. Each bump also logs which appointment it was for, so a node that keeps the day at an older
-- version reads again only the appointments changed since (its own and other nodes' writes alike), not the day.
-- The log keeps each day's last 1000 bumps; a node further behind reads the day in full.
CREATE TABLE "appointment_day_versions" (
  "location_id" text NOT NULL,
  "day" integer NOT NULL,
  "version" bigint NOT NULL,
  PRIMARY KEY ("location_id", "day")
);
--> statement-breakpoint
CREATE TABLE "appointment_day_changes" (
  "location_id" text NOT NULL,
  "day" integer NOT NULL,
  "version" bigint NOT NULL,
  "appointment_id" integer NOT NULL,
  PRIMARY KEY ("location_id", "day", "version")
);
--> statement-breakpoint
CREATE FUNCTION "appointment_day_bump"(loc text, at timestamptz, appointment integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  d integer := floor(extract(epoch FROM at) / 86400)::integer;
  v bigint;
BEGIN
  INSERT INTO "appointment_day_versions" ("location_id", "day", "version") VALUES (loc, d, 1)
    ON CONFLICT ("location_id", "day") DO UPDATE SET "version" = "appointment_day_versions"."version" + 1
    RETURNING "version" INTO v;
  INSERT INTO "appointment_day_changes" ("location_id", "day", "version", "appointment_id") VALUES (loc, d, v, appointment);
  IF v > 1000 THEN
    DELETE FROM "appointment_day_changes" WHERE "location_id" = loc AND "day" = d AND "version" = v - 1000;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "appointments_bump_day"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "appointment_day_bump"(OLD."location_id", OLD."starts_at", OLD."id");
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD."location_id" <> NEW."location_id"
      OR floor(extract(epoch FROM OLD."starts_at") / 86400) <> floor(extract(epoch FROM NEW."starts_at") / 86400))) THEN
    PERFORM "appointment_day_bump"(NEW."location_id", NEW."starts_at", NEW."id");
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "appointments_bump_day_insert" AFTER INSERT OR DELETE ON "appointments"
  FOR EACH ROW EXECUTE FUNCTION "appointments_bump_day"();
--> statement-breakpoint
CREATE TRIGGER "appointments_bump_day_update"
  AFTER UPDATE OF "location_id", "starts_at", "ends_at", "counter_id", "channel", "status", "hold_expires_at"
  ON "appointments" FOR EACH ROW
  WHEN ((OLD."location_id", OLD."starts_at", OLD."ends_at", OLD."counter_id", OLD."channel", OLD."status",
         OLD."hold_expires_at")
        IS DISTINCT FROM (NEW."location_id", NEW."starts_at", NEW."ends_at", NEW."counter_id", NEW."channel",
         NEW."status", NEW."hold_expires_at"))
  EXECUTE FUNCTION "appointments_bump_day"();
--> statement-breakpoint
-- An appointment's service ids are part of what `occupancy` reads.
CREATE FUNCTION "appointment_items_bump_day"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a record;
BEGIN
  FOR a IN SELECT "id", "location_id", "starts_at" FROM "appointments"
            WHERE "id" IN (CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW."appointment_id" END,
                           CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD."appointment_id" END)
            ORDER BY "id"
  LOOP
    PERFORM "appointment_day_bump"(a."location_id", a."starts_at", a."id");
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "appointment_items_bump_day" AFTER INSERT OR UPDATE OR DELETE ON "appointment_items"
  FOR EACH ROW EXECUTE FUNCTION "appointment_items_bump_day"();

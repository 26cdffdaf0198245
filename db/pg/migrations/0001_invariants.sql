-- What drizzle-kit cannot express (db/pg/schema/index.ts). Written by hand; mirrors the SQLite triggers.
--
-- Rule 1 (DESIGN.md, ARCHITECTURE.md#invariants): no counter is double-booked. SQLite guards it with the
-- triggers of db/migrations/0002 and 0008 (held, booked and checked-in appointments count); here it is an
-- exclusion constraint over counter × [starts_at, ends_at). DEFERRABLE INITIALLY DEFERRED: it is checked at
-- COMMIT, so the engine may move appointments between counters (a swap) inside one transaction. A violation
-- is SQLSTATE 23P01, which db/pg/storage.ts answers as 409 slot-unavailable.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_overlap"
  EXCLUDE USING gist ("counter_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('held', 'booked', 'checked-in'))
  DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
-- Bumped by every change to what the scheduling engine and the queue read about offices (as SQLite's
-- db/migrations/0004), so a node can keep an office in memory and still see a change made on any node.
CREATE TABLE "scheduling_config_version" (
  "id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1),
  "version" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "scheduling_config_version" ("id", "version") VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION "bump_scheduling_config_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "scheduling_config_version" SET "version" = "version" + 1 WHERE "id" = 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "locations_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "locations"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "services_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "services"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "location_services_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "location_services"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "counters_bump_scheduling_version" AFTER INSERT OR UPDATE OF "active", "location_id" OR DELETE ON "counters"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "counter_skills_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "counter_skills"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "schedule_rules_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "schedule_rules"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "roster_rules_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "roster_rules"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();
--> statement-breakpoint
CREATE TRIGGER "closures_bump_scheduling_version" AFTER INSERT OR UPDATE OR DELETE ON "closures"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_scheduling_config_version"();

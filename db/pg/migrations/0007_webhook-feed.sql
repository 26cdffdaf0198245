CREATE TABLE "webhook_feed" (
	"name" text PRIMARY KEY NOT NULL,
	"last_event_id" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone
);
--> statement-breakpoint
-- As SQLite's 0014: the recorder starts at the end of the log; appointment facts for webhooks (no seq); ticket
-- facts with `detail` 'finished' on a finish. The facts take their commit-order ids as every fact does (0004).
INSERT INTO "webhook_feed" ("name", "last_event_id") SELECT 'webhooks', coalesce(max("id"), 0) FROM "cluster_events";
--> statement-breakpoint
CREATE FUNCTION "appointments_cluster"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- The demo history's appointments come without personal data (erased at insert) and leave none.
    IF NEW."status" = 'booked' AND NEW."personal_data_erased_at" IS NULL THEN k := 'appointment:booked'; END IF;
  ELSIF OLD."status" = 'held' AND NEW."status" = 'booked' THEN
    k := 'appointment:booked';
  ELSIF OLD."status" IN ('booked', 'held') AND NEW."status" = 'cancelled' THEN
    k := 'appointment:cancelled';
  ELSIF NEW."status" = 'booked' AND OLD."status" = 'booked' AND NEW."starts_at" <> OLD."starts_at" THEN
    k := 'appointment:rescheduled';
  END IF;
  IF k IS NOT NULL THEN
    INSERT INTO "cluster_events" ("location_id", "kind", "subject_id", "at")
    VALUES (NEW."location_id", k, NEW."id", clock_timestamp());
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "appointments_cluster" AFTER INSERT OR UPDATE OF "status", "starts_at" ON "appointments"
  FOR EACH ROW EXECUTE FUNCTION "appointments_cluster"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "ticket_events_cluster"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Demo history inserts finished tickets with their events: only live tickets, or ones already in the log.
  IF EXISTS (SELECT 1 FROM "tickets" WHERE "id" = NEW."ticket_id" AND "status" NOT IN ('done', 'cancelled', 'no-show'))
     OR EXISTS (SELECT 1 FROM "cluster_events" WHERE "ticket_id" = NEW."ticket_id") THEN
    INSERT INTO "cluster_events" ("location_id", "seq", "kind", "ticket_id", "counter_id", "detail", "at")
    VALUES (
      NEW."location_id",
      "cluster_next_seq"(NEW."location_id"),
      CASE NEW."type" WHEN 'issued' THEN 'ticket:issued' WHEN 'called' THEN 'ticket:called'
        WHEN 'recalled' THEN 'ticket:called' ELSE 'ticket:updated' END,
      NEW."ticket_id",
      NEW."counter_id",
      CASE NEW."type" WHEN 'called' THEN 'call' WHEN 'recalled' THEN 'recall' WHEN 'finished' THEN 'finished' END,
      NEW."at"
    );
  END IF;
  RETURN NULL;
END $$;

-- Ids in commit order (written by hand). A node tails the cluster log by id and never goes back, so an id must
-- never become visible after a higher one; with ids from a sequence at insert, a transaction that inserted
-- first and commits last would be skipped. A fact keeps its provisional id until COMMIT, when a deferred
-- constraint trigger gives it its real id under one transaction-scoped advisory lock, held until the commit is
-- visible: the next committing transaction waits for it, so ids are handed out in commit order. Only the
-- moment of committing a fact is serialised, not the transactions.
CREATE FUNCTION "cluster_events_commit_order"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- "Cluster" in ASCII.
  PERFORM pg_advisory_xact_lock(18978075143595378);
  UPDATE "cluster_events" SET "id" = nextval(pg_get_serial_sequence('cluster_events', 'id')) WHERE "id" = NEW."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cluster_events_commit_order" AFTER INSERT ON "cluster_events"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "cluster_events_commit_order"();
--> statement-breakpoint
-- An audit target id that is not a number (SQLite's CAST gives 0) must not fail the audited change.
CREATE OR REPLACE FUNCTION "audit_entries_cluster"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE loc text;
BEGIN
  IF NEW."action" IN ('device.revoked', 'session.signed-out') THEN
    INSERT INTO "cluster_events" ("kind", "subject_id", "detail", "at")
    VALUES ('auth:revoked', CASE WHEN NEW."target_id" ~ '^[0-9]{1,9}$' THEN NEW."target_id"::integer ELSE 0 END,
      CASE NEW."action" WHEN 'device.revoked' THEN 'device' ELSE 'staff' END, NEW."at");
    RETURN NULL;
  END IF;
  -- Locations in a fixed order, so two municipality-wide changes take the cluster_seq rows in the same order.
  FOR loc IN
    SELECT "id" FROM "locations"
    WHERE (NEW."location_id" IS NOT NULL AND "id" = NEW."location_id")
       OR (NEW."location_id" IS NULL AND "municipality_id" = NEW."municipality_id")
    ORDER BY "id"
  LOOP
    INSERT INTO "cluster_events" ("location_id", "seq", "kind", "detail", "at")
    VALUES (loc, "cluster_next_seq"(loc), 'location:changed',
      CASE NEW."action" WHEN 'display.ticker-set' THEN 'ticker' ELSE 'setup' END, NEW."at");
  END LOOP;
  RETURN NULL;
END $$;

-- A wake-up for the nodes tailing the cluster log (written by hand; db/pg/cluster-log.ts#listenForFacts). Each
-- committing transaction with a fact the hub sends (not the webhooks' appointment facts) notifies `loket_cluster`
-- once (PostgreSQL folds a transaction's identical notifications into one, delivered after its commit is visible),
-- so an idle node answers its tail's polls from memory instead of asking the database every 75 ms. The ids are
-- handed out as in 0004.
CREATE OR REPLACE FUNCTION "cluster_events_commit_order"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- "Cluster" in ASCII.
  PERFORM pg_advisory_xact_lock(18978075143595378);
  UPDATE "cluster_events" SET "id" = nextval(pg_get_serial_sequence('cluster_events', 'id')) WHERE "id" = NEW."id";
  IF NEW."kind" NOT LIKE 'appointment:%' THEN
    PERFORM pg_notify('loket_cluster', '');
  END IF;
  RETURN NULL;
END $$;

-- The check a write transaction sends when it decided on an office kept in memory (written by hand;
-- db/pg/office-store.ts#versionCheck): fails the transaction with a serialization failure unless the configuration
-- version is still `expected` and was not written by this transaction. It was an anonymous DO block, which
-- PostgreSQL parses and compiles anew for every booking (about 5 % of its CPU on the hot day); a function is
-- compiled, and its statements planned, once per connection.
CREATE FUNCTION "loket_office_unchanged"(expected bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce((SELECT "version" FROM "scheduling_config_version" WHERE "id" = 1), 0) <> expected
     OR EXISTS (SELECT 1 FROM "scheduling_config_version"
                 WHERE "id" = 1 AND xmin = pg_current_xact_id_if_assigned()::xid) THEN
    RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
      MESSAGE = 'loket: the office configuration changed during the transaction';
  END IF;
END $$;

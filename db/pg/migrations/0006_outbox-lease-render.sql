ALTER TABLE "outbox" ADD COLUMN "claimed_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "render" jsonb;--> statement-breakpoint
-- The lease used to be kept in last_error as 'sending; claimed until <ISO instant>': move it to its column.
UPDATE "outbox" SET "claimed_until" = substr("last_error", 24)::timestamptz, "last_error" = NULL
WHERE "last_error" LIKE 'sending; claimed until %';

import { and, isNull, lt, sql } from 'drizzle-orm';
import type { PersonalDataStore } from '../../server/scheduling/personal-data-store.ts';
import type { PgDb } from './client.ts';
import { appointments, outbox } from './schema/index.ts';

/**
 * Erasure on PostgreSQL (contract: server/scheduling/personal-data-store.ts): two statements whatever the number
 * of appointments — the erasing UPDATE … RETURNING feeds the DELETE of their mails in one CTE.
 */
export function pgPersonalDataStore(db: PgDb): PersonalDataStore {
  return {
    eraseEndedBefore: async (cutoff, now) => {
      const result = await db.execute<{ erased: number }>(sql`
        WITH erased AS (
          UPDATE ${appointments}
             SET customer_name = NULL, customer_email = NULL, customer_phone = NULL,
                 mailbox_key = NULL, phone_key = NULL, personal_data_erased_at = ${now.toISOString()}::timestamptz
           WHERE ends_at < ${cutoff.toISOString()}::timestamptz AND personal_data_erased_at IS NULL
          RETURNING id
        ), mails AS (
          DELETE FROM ${outbox} WHERE appointment_id IN (SELECT id FROM erased) RETURNING 1
        )
        SELECT (SELECT count(*)::int FROM erased) AS erased, (SELECT count(*)::int FROM mails) AS mails`);
      // Mails not tied to an appointment carry an address too.
      await db.delete(outbox).where(and(isNull(outbox.appointmentId), lt(outbox.createdAt, cutoff)));
      return Number(result.rows[0]?.erased ?? 0);
    },
  };
}

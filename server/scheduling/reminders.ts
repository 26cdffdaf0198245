import { and, eq, gte, isNotNull, isNull, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { writeTransaction } from '../../db/client.ts';
import { appointments, locations } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { queueAppointmentMail } from './appointment-mails.ts';
import { loadRecord } from './appointment-record.ts';

/**
 * Queues a reminder for every booked appointment tomorrow (in its office's zone) that has none yet.
 * Idempotent: run it as often as you like. Returns how many were queued.
 */
export function queueReminders(deps: Deps): number {
  const now = deps.clock.now();
  return writeTransaction(deps.db, (tx) => {
    let queued = 0;
    for (const location of tx.select().from(locations).all()) {
      const tomorrow = DateTime.fromJSDate(now, { zone: location.timeZone }).startOf('day').plus({ days: 1 });
      const due = tx
        .select()
        .from(appointments)
        .where(
          and(
            eq(appointments.locationId, location.id),
            eq(appointments.status, 'booked'),
            isNull(appointments.reminderSentAt),
            isNotNull(appointments.customerEmail),
            gte(appointments.startsAt, tomorrow.toJSDate()),
            lt(appointments.startsAt, tomorrow.plus({ days: 1 }).toJSDate()),
          ),
        )
        .all();
      for (const a of due) {
        queueAppointmentMail(tx, loadRecord(tx, a), 'reminder', now, null);
        tx.update(appointments).set({ reminderSentAt: now }).where(eq(appointments.id, a.id)).run();
        queued++;
      }
    }
    return queued;
  });
}

import { DateTime } from 'luxon';
import type { Deps } from '../deps.ts';
import { queueAppointmentMail } from './appointment-mails.ts';

/**
 * Queues a reminder for every booked appointment tomorrow (in its office's zone) that has none yet.
 * Idempotent: run it as often as you like. Returns how many were queued.
 */
export async function queueReminders(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  return deps.storage.write(async (tx) => {
    const windows = (await tx.office.catalogLocations()).map(({ location }) => {
      const tomorrow = DateTime.fromJSDate(now, { zone: location.timeZone }).startOf('day').plus({ days: 1 });
      return { locationId: location.id, from: tomorrow.toMillis(), to: tomorrow.plus({ days: 1 }).toMillis() };
    });
    const due = await tx.appointments.dueForReminder(windows);
    for (const record of due) await queueAppointmentMail(tx, record, 'reminder', now, null);
    await tx.appointments.markReminded(
      due.map((r) => r.appointment.id),
      now,
    );
    return due.length;
  });
}

import { and, inArray, isNull, lt } from 'drizzle-orm';
import type { PersonalDataStore } from '../../server/scheduling/personal-data-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { appointments, outbox } from '../schema/index.ts';

/** Erasure on SQLite: ids in chunks of 500 (SQLite's bound-parameter limit). */
export function sqlitePersonalDataStore(db: Db): Synchronous<PersonalDataStore> {
  return {
    eraseEndedBefore: (cutoff, now) => {
      const due = db
        .select({ id: appointments.id })
        .from(appointments)
        .where(and(lt(appointments.endsAt, cutoff), isNull(appointments.personalDataErasedAt)))
        .all()
        .map((r) => r.id);
      for (let k = 0; k < due.length; k += 500) {
        const ids = due.slice(k, k + 500);
        db.update(appointments)
          .set({
            customerName: null,
            customerEmail: null,
            customerPhone: null,
            // The booking caps' keys are the same person's mailbox and number, normalised.
            mailboxKey: null,
            phoneKey: null,
            personalDataErasedAt: now,
          })
          .where(inArray(appointments.id, ids))
          .run();
        db.delete(outbox).where(inArray(outbox.appointmentId, ids)).run();
      }
      // Mails not tied to an appointment carry an address too.
      db.delete(outbox)
        .where(and(isNull(outbox.appointmentId), lt(outbox.createdAt, cutoff)))
        .run();
      return due.length;
    },
  };
}

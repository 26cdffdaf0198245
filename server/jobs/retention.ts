import { and, inArray, isNull, lt } from 'drizzle-orm';
import { checkpointAfterErasure, writeTransaction } from '../../db/client.ts';
import { appointments, outbox } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';

const DAY = 86_400_000;

/**
 * Invariant 7 (ARCHITECTURE.md#invariants): personal data of appointments is erased RETENTION_DAYS after the appointment ended,
 * together with the mails about them. The appointment row stays (statistics need no person).
 * Erased means erased on disk: the connection runs with `secure_delete` (db/client.ts), so the old
 * values are zeroed in the database file, and the WAL, which still holds the old pages, is checkpointed
 * and truncated afterwards. Returns the number of appointments erased.
 */
export function erasePersonalData(deps: Deps): number {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.config.RETENTION_DAYS * DAY);
  const erased = writeTransaction(deps.db, (tx) => {
    const due = tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(lt(appointments.endsAt, cutoff), isNull(appointments.personalDataErasedAt)))
      .all()
      .map((r) => r.id);
    for (let k = 0; k < due.length; k += 500) {
      const ids = due.slice(k, k + 500);
      tx.update(appointments)
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
      tx.delete(outbox).where(inArray(outbox.appointmentId, ids)).run();
    }
    // Mails not tied to an appointment carry an address too.
    tx.delete(outbox)
      .where(and(isNull(outbox.appointmentId), lt(outbox.createdAt, cutoff)))
      .run();
    return due.length;
  });
  checkpointAfterErasure(deps.db);
  return erased;
}

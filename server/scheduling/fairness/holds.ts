import type { Config } from '../../config.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { queueAppointmentMail } from '../appointment-mails.ts';
import { type AppointmentDto, findByReference, manageUrl, toDto, withChanges } from '../appointment-record.ts';
import type { AppointmentStore } from '../appointment-store.ts';
import { tokenMatches } from '../tokens.ts';
import { sweepBookingRequests } from './booking-idempotency.ts';
import { sweepSpentChallenges } from './challenge.ts';

/**
 * Hold, then confirm (double opt-in, rule 8). Where a location turns confirmation on, an online booking
 * is inserted `held` with `holdExpiresAt`: it counts as taken (availability, the engine, the overlap
 * triggers, the mailbox cap) and the resident gets a mail with a one-time confirmation link. Confirmed
 * in time it becomes `booked` (and gets the normal confirmation mail with its calendar file); not
 * confirmed it becomes `expired` and the time is free again — it never was an appointment.
 *
 * Lapsed holds are released twice over: every booking transaction expires those of its location before
 * it places (so correctness never waits for a job), and the holds job expires all of them every minute.
 */

/** The link in the hold mail: the code proves the mailbox; the manage token lets the page show it. */
export function confirmUrl(config: Config, reference: string, code: string, manageToken: string): string {
  const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
  return `${base}/confirm/${reference}#code=${code}&token=${manageToken}`;
}

/** Sets lapsed holds (of one location, or all) to `expired`; returns which. */
export function expireLapsedHolds(
  tx: { appointments: AppointmentStore },
  now: Date,
  locationId?: string,
): Promise<{ appointmentId: number; locationId: string }[]> {
  return tx.appointments.expireLapsedHolds(now, locationId);
}

/**
 * A booking's release of its office's lapsed holds before it places: its answer is not needed, so on PostgreSQL it goes
 * with the transaction's next statement (`expireLapsedHoldsWithNext`).
 */
export async function releaseLapsedHoldsBeforePlacing(
  tx: { appointments: AppointmentStore },
  now: Date,
  locationId: string,
): Promise<void> {
  if (tx.appointments.expireLapsedHoldsWithNext) await tx.appointments.expireLapsedHoldsWithNext(now, locationId);
  else await tx.appointments.expireLapsedHolds(now, locationId);
}

/** The background job: release lapsed holds, forget spent challenges and old idempotency answers. */
export async function releaseLapsedHolds(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  return deps.storage.write(async (tx) => {
    const rows = await expireLapsedHolds(tx, now);
    await sweepSpentChallenges(tx, now);
    await sweepBookingRequests(tx, now);
    return rows.length;
  });
}

export interface ConfirmInput {
  reference: string;
  /** The manage token (the link carries it with the code). */
  token: string | undefined;
  code: string;
}

/**
 * Confirms a hold (and the pickup held with it) with the code from the mail. Confirming twice returns
 * the appointment; a lapsed hold is `hold-expired` and stays free; a wrong code is `not-found`.
 */
export async function confirmHold(deps: Deps, input: ConfirmInput): Promise<AppointmentDto> {
  const result = await deps.storage.write(async (tx) => {
    const now = deps.clock.now();
    const record = await findByReference(tx, input.reference, input.token);
    const row = record.appointment;
    if (row.status !== 'held') {
      if (row.confirmedAt !== null) return { dto: toDto(record), confirmed: [] as number[] };
      if (row.status === 'expired') throw new AppError('hold-expired', 'The hold lapsed before it was confirmed');
      throw new AppError('invalid-state', `The appointment is ${row.status}`);
    }
    if (!row.confirmCodeHash || !tokenMatches(input.code, row.confirmCodeHash))
      throw new AppError('not-found', 'No hold with that reference and code');
    if (!row.holdExpiresAt || row.holdExpiresAt.getTime() <= now.getTime())
      throw new AppError('hold-expired', 'The hold lapsed before it was confirmed');
    const held = [row, ...record.followUps.filter((c) => c.status === 'held')];
    await tx.appointments.confirmHolds(
      held.map((h) => h.id),
      now,
    );
    const token = input.token ?? '';
    const confirmed = { status: 'booked' as const, confirmedAt: now, holdExpiresAt: null, confirmCodeHash: null };
    for (const h of held) {
      const details = h.id === row.id ? record : await tx.appointments.byId(h.id);
      if (!details) continue;
      await queueAppointmentMail(
        tx,
        withChanges(details, confirmed),
        'confirmation',
        now,
        manageUrl(deps.config, h.reference, token),
      );
    }
    const dto = toDto(await findByReference(tx, input.reference, input.token));
    return { dto, confirmed: held.map((h) => h.id) };
  });
  // Only now is it an appointment (webhooks and other subscribers learn of it here, not at the hold).
  for (const id of result.confirmed)
    deps.events.publish('appointment:booked', { locationId: result.dto.location.id, appointmentId: id });
  return result.dto;
}

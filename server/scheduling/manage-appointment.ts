import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { writeTransaction } from '../../db/client.ts';
import { appointments } from '../../db/schema/index.ts';
import { moveCheckInCode } from '../../db/sqlite/appointment-store.ts';
import { recordAudit } from '../auth/audit.ts';
import type { ApiClientPrincipal, StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { appointmentCalendarFile, organizerOf, queueAppointmentMail } from './appointment-mails.ts';
import {
  type AppointmentDto,
  type AppointmentRow,
  childrenOf,
  findByReference,
  loadRecord,
  manageUrl,
  toDto,
} from './appointment-record.ts';
import { followUpFor } from './book-appointment.ts';
import { localDateOf } from './calendar.ts';
import { loadOffice, type Office } from './office.ts';
import { placeInTransaction } from './placement.ts';
import { generateCheckInCode } from './tokens.ts';

export interface ManageInput {
  reference: string;
  token: string | undefined;
  /** Staff (phone, desk) act by reference alone at their own locations; their changes are audited. */
  staff?: StaffPrincipal | null;
  /** An API client acts by reference alone on the appointments it booked; its changes are audited. */
  apiClient?: ApiClientPrincipal | null;
}

export function getAppointment(deps: Deps, input: ManageInput): AppointmentDto {
  const row = findByReference(deps.db, input.reference, input.token, input.staff, input.apiClient);
  return toDto(deps.db, loadRecord(deps.db, row));
}

export function appointmentCalendar(deps: Deps, input: ManageInput): { reference: string; ics: string } {
  const row = findByReference(deps.db, input.reference, input.token, input.staff, input.apiClient);
  const record = loadRecord(deps.db, row);
  const url = input.token ? manageUrl(deps.config, row.reference, input.token) : null;
  const method = row.status === 'cancelled' ? 'CANCEL' : 'PUBLISH';
  return {
    reference: row.reference,
    ics: appointmentCalendarFile(record, deps.clock.now(), url, method, organizerOf(deps.db, record)),
  };
}

function assertChangeable(row: AppointmentRow, now: Date): void {
  // A hold (not yet confirmed) may be cancelled or moved like a booking; it stays a hold.
  if (row.status !== 'booked' && row.status !== 'held')
    throw new AppError('invalid-state', `The appointment is ${row.status}`);
  if (row.startsAt.getTime() <= now.getTime()) throw new AppError('invalid-state', 'The appointment has started');
}

/** Cancels the appointment and the pickup booked with it; cancelling twice is fine. */
export function cancelAppointment(deps: Deps, input: ManageInput): void {
  const cancelled = writeTransaction(deps.db, (tx) => {
    const now = deps.clock.now();
    const row = findByReference(tx, input.reference, input.token, input.staff, input.apiClient);
    if (row.status === 'cancelled') return [];
    assertChangeable(row, now);
    const rows = [
      row,
      ...childrenOf(tx, [row.id]).filter((c) => (c.status === 'booked' || c.status === 'held') && c.startsAt > now),
    ];
    for (const r of rows) {
      tx.update(appointments).set({ status: 'cancelled', cancelledAt: now }).where(eq(appointments.id, r.id)).run();
      const record = loadRecord(tx, { ...r, status: 'cancelled' });
      queueAppointmentMail(tx, record, 'cancellation', now, null);
      const actor = input.staff ?? input.apiClient;
      if (actor) {
        recordAudit(tx, actor, r.municipalityId, now, {
          action: 'appointment.cancelled',
          targetType: 'appointment',
          targetId: r.id,
          locationId: r.locationId,
        });
      }
    }
    return rows.map((r) => ({ locationId: r.locationId, appointmentId: r.id }));
  });
  for (const c of cancelled) deps.events.publish('appointment:cancelled', c);
}

/** Moves the appointment to another start at the same office; on 409 nothing changed. */
/**
 * A pickup booked with an application stays at least N working days after it: moving the application
 * past its pickup, or the pickup before that, is refused (move the other one first).
 */
function assertPickupStillLater(
  tx: Deps['db'],
  office: Office,
  row: AppointmentRow,
  record: ReturnType<typeof loadRecord>,
  start: number,
): void {
  const zone = office.location.timeZone;
  const requested = (r: ReturnType<typeof loadRecord>) =>
    r.items.map((i) => ({ code: i.service.code, persons: i.persons }));
  const pickups = childrenOf(tx, [row.id]).filter((c) => c.status === 'booked');
  if (pickups.length > 0) {
    const follow = followUpFor(office, requested(record), localDateOf(start, zone));
    for (const p of pickups) {
      if (follow && localDateOf(p.startsAt, zone) < follow.earliestDate)
        throw new AppError(
          'slot-unavailable',
          `The pickup booked with it must be moved to ${follow.earliestDate} or later first`,
        );
    }
  }
  if (row.followUpOfId !== null) {
    const parent = tx.select().from(appointments).where(eq(appointments.id, row.followUpOfId)).get();
    if (parent && parent.status === 'booked') {
      const follow = followUpFor(office, requested(loadRecord(tx, parent)), localDateOf(parent.startsAt, zone));
      if (follow && localDateOf(start, zone) < follow.earliestDate)
        throw new AppError('slot-unavailable', `The pickup can be from ${follow.earliestDate}`);
    }
  }
}

export function rescheduleAppointment(deps: Deps, input: ManageInput & { start: string }): AppointmentDto {
  const target = DateTime.fromISO(input.start, { setZone: true });
  if (!target.isValid) throw new AppError('validation-failed', 'start must be an ISO 8601 date-time');
  const start = target.toMillis();
  const result = writeTransaction(deps.db, (tx) => {
    const now = deps.clock.now();
    const row = findByReference(tx, input.reference, input.token, input.staff, input.apiClient);
    assertChangeable(row, now);
    const office = loadOffice(tx, row.locationId);
    if (!office) throw new AppError('not-found', 'No such location');
    const record = loadRecord(tx, row);
    const durationMs = row.endsAt.getTime() - row.startsAt.getTime();
    const placed = placeInTransaction(tx, office, {
      start,
      durationMs,
      serviceIds: record.items.map((i) => i.service.id),
      now,
      exclude: row.id,
      staff: !!input.staff || row.channel !== 'online',
    });
    assertPickupStillLater(tx, office, row, record, start);
    const updated = tx
      .update(appointments)
      .set({
        startsAt: new Date(start),
        endsAt: new Date(start + durationMs),
        counterId: placed.counterId,
        reminderSentAt: null,
      })
      .where(eq(appointments.id, row.id))
      .returning()
      .get();
    const serviceDate = localDateOf(start, office.location.timeZone);
    const moved =
      serviceDate === updated.serviceDate
        ? updated
        : { ...updated, serviceDate, checkInCode: moveCheckInCode(tx, updated, serviceDate, generateCheckInCode) };
    const movedRecord = loadRecord(tx, moved);
    const url = input.token ? manageUrl(deps.config, moved.reference, input.token) : null;
    queueAppointmentMail(tx, movedRecord, 'reschedule', now, url);
    const actor = input.staff ?? input.apiClient;
    if (actor) {
      recordAudit(tx, actor, moved.municipalityId, now, {
        action: 'appointment.rescheduled',
        targetType: 'appointment',
        targetId: moved.id,
        locationId: moved.locationId,
        details: { from: row.startsAt.toISOString(), to: moved.startsAt.toISOString() },
      });
    }
    return { dto: toDto(tx, movedRecord), locationId: moved.locationId, id: moved.id };
  });
  deps.events.publish('appointment:rescheduled', { locationId: result.locationId, appointmentId: result.id });
  return result.dto;
}

import { DateTime } from 'luxon';
import type { ApiClientPrincipal, StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import { appointmentCalendarFile, organizerOf, queueAppointmentMail } from './appointment-mails.ts';
import {
  type AppointmentDto,
  type AppointmentRecord,
  type AppointmentRow,
  findByReference,
  manageUrl,
  toDto,
  withChanges,
} from './appointment-record.ts';
import { followUpFor } from './book-appointment.ts';
import { localDateOf } from './calendar.ts';
import { getOffice, type Office, officeAfterLocks } from './office-cache.ts';
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

export async function getAppointment(deps: Deps, input: ManageInput): Promise<AppointmentDto> {
  return toDto(await findByReference(deps.storage.read, input.reference, input.token, input.staff, input.apiClient));
}

export async function appointmentCalendar(deps: Deps, input: ManageInput): Promise<{ reference: string; ics: string }> {
  const record = await findByReference(deps.storage.read, input.reference, input.token, input.staff, input.apiClient);
  const row = record.appointment;
  const url = input.token ? manageUrl(deps.config, row.reference, input.token) : null;
  const method = row.status === 'cancelled' ? 'CANCEL' : 'PUBLISH';
  return {
    reference: row.reference,
    ics: appointmentCalendarFile(record, deps.clock.now(), url, method, organizerOf(record)),
  };
}

function assertChangeable(row: AppointmentRow, now: Date): void {
  // A hold (not yet confirmed) may be cancelled or moved like a booking; it stays a hold.
  if (row.status !== 'booked' && row.status !== 'held')
    throw new AppError('invalid-state', `The appointment is ${row.status}`);
  if (row.startsAt.getTime() <= now.getTime()) throw new AppError('invalid-state', 'The appointment has started');
}

/** Cancels the appointment and the pickup booked with it; cancelling twice is fine. */
export async function cancelAppointment(deps: Deps, input: ManageInput): Promise<void> {
  const cancelled = await deps.storage.write(async (tx) => {
    const now = deps.clock.now();
    const record = await findByReference(tx, input.reference, input.token, input.staff, input.apiClient);
    const row = record.appointment;
    if (row.status === 'cancelled') return [];
    assertChangeable(row, now);
    const pickups = record.followUps.filter((c) => (c.status === 'booked' || c.status === 'held') && c.startsAt > now);
    const records: AppointmentRecord[] = [record];
    for (const p of pickups) {
      const details = await tx.appointments.byId(p.id);
      if (details) records.push(details);
    }
    await tx.appointments.cancel(
      records.map((r) => r.appointment.id),
      now,
    );
    const actor = input.staff ?? input.apiClient;
    for (const r of records) {
      const a = r.appointment;
      await queueAppointmentMail(
        tx,
        withChanges(r, { status: 'cancelled', cancelledAt: now }),
        'cancellation',
        now,
        null,
      );
      if (actor) {
        await tx.audit.record(actor, a.municipalityId, now, {
          action: 'appointment.cancelled',
          targetType: 'appointment',
          targetId: a.id,
          locationId: a.locationId,
        });
      }
    }
    return records.map((r) => ({ locationId: r.appointment.locationId, appointmentId: r.appointment.id }));
  });
  for (const c of cancelled) deps.events.publish('appointment:cancelled', c);
}

/**
 * A pickup booked with an application stays at least N working days after it: moving the application
 * past its pickup, or the pickup before that, is refused (move the other one first).
 */
async function assertPickupStillLater(
  tx: Repositories,
  office: Office,
  record: AppointmentRecord,
  start: number,
): Promise<void> {
  const row = record.appointment;
  const zone = office.location.timeZone;
  const requested = (r: AppointmentRecord) => r.items.map((i) => ({ code: i.service.code, persons: i.persons }));
  const pickups = record.followUps.filter((c) => c.status === 'booked');
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
    const parent = await tx.appointments.byId(row.followUpOfId);
    if (parent && parent.appointment.status === 'booked') {
      const follow = followUpFor(office, requested(parent), localDateOf(parent.appointment.startsAt, zone));
      if (follow && localDateOf(start, zone) < follow.earliestDate)
        throw new AppError('slot-unavailable', `The pickup can be from ${follow.earliestDate}`);
    }
  }
}

/** Moves the appointment to another start at the same office; on 409 nothing changed. */
export async function rescheduleAppointment(
  deps: Deps,
  input: ManageInput & { start: string },
): Promise<AppointmentDto> {
  const target = DateTime.fromISO(input.start, { setZone: true });
  if (!target.isValid) throw new AppError('validation-failed', 'start must be an ISO 8601 date-time');
  const start = target.toMillis();
  const result = await deps.storage.write(async (tx) => {
    const now = deps.clock.now();
    const record = await findByReference(tx, input.reference, input.token, input.staff, input.apiClient);
    const row = record.appointment;
    assertChangeable(row, now);
    const before = await getOffice(tx, row.locationId);
    if (!before) throw new AppError('not-found', 'No such location');
    const zone = before.location.timeZone;
    const serviceDate = localDateOf(start, zone);
    // The day it leaves and the day it moves to (the engine may move others on the new day).
    await tx.appointments.lockOfficeDays(before.location.id, [
      ...new Set([localDateOf(row.startsAt.getTime(), zone), serviceDate]),
    ]);
    const office = await officeAfterLocks(tx, before);
    const durationMs = row.endsAt.getTime() - row.startsAt.getTime();
    const placed = await placeInTransaction(tx, office, {
      start,
      durationMs,
      serviceIds: record.items.map((i) => i.service.id),
      now,
      exclude: row.id,
      staff: !!input.staff || row.channel !== 'online',
    });
    await assertPickupStillLater(tx, office, record, start);
    const moved = await tx.appointments.reschedule(
      row.id,
      { startsAt: new Date(start), endsAt: new Date(start + durationMs), counterId: placed.counterId, serviceDate },
      generateCheckInCode,
    );
    const movedRecord = withChanges(record, moved);
    const url = input.token ? manageUrl(deps.config, moved.reference, input.token) : null;
    await queueAppointmentMail(tx, movedRecord, 'reschedule', now, url);
    const actor = input.staff ?? input.apiClient;
    if (actor) {
      await tx.audit.record(actor, moved.municipalityId, now, {
        action: 'appointment.rescheduled',
        targetType: 'appointment',
        targetId: moved.id,
        locationId: moved.locationId,
        details: { from: row.startsAt.toISOString(), to: moved.startsAt.toISOString() },
      });
    }
    return { dto: toDto(movedRecord), locationId: moved.locationId, id: moved.id };
  });
  deps.events.publish('appointment:rescheduled', { locationId: result.locationId, appointmentId: result.id });
  return result.dto;
}

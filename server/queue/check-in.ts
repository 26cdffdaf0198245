import { canAccessLocation, type Principal } from '../auth/principal.ts';
import { parseCheckInCode } from '../contracts/check-in.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { type IssuedTicket, insertTicket, publishIssued } from './issue-ticket.ts';
import { serviceDateOf, type TicketRow } from './queue-model.ts';
import { queueWrite } from './queue-transaction.ts';

/**
 * What a resident typed or the kiosk scanned: the bare reference, or the QR code's content — a URL
 * to the appointment (…/appointments/REF… or ?reference=REF). Case and spaces do not matter.
 */
export function parseReference(input: string): string {
  const text = input.trim();
  let candidate = text;
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      candidate =
        url.searchParams.get('reference') ??
        url.searchParams.get('ref') ??
        url.pathname.split('/').filter(Boolean).pop() ??
        '';
    } catch {
      candidate = text;
    }
  }
  return candidate.replace(/\s+/g, '').toUpperCase();
}

export type CheckInResult = { ticket: TicketRow; created: boolean; late: boolean };
type CheckedIn = CheckInResult & { issued: IssuedTicket | null };

/**
 * Check-in at the kiosk (or by staff) for an appointment of this location today. From
 * `checkInEarlyMinutes` before the start; the ticket is due at the start. Later than
 * `checkInLateGraceMinutes` after the start the resident is served as a walk-in (no due time).
 * Checking in twice gives the same ticket back.
 */
export async function checkIn(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { locationId: string; reference: string; language?: 'nl' | 'en' },
): Promise<CheckInResult> {
  if (!principal) throw new AppError('unauthorized', 'Only a paired kiosk or staff can check in');
  if (!canAccessLocation(principal, input.locationId)) throw new AppError('forbidden', 'Not your location');
  if (principal.kind === 'device' && principal.deviceKind !== 'kiosk') {
    throw new AppError('forbidden', 'Only a kiosk checks in');
  }
  const code = parseCheckInCode(input.reference);
  const reference = code ?? parseReference(input.reference);
  if (reference.length < 4 || reference.length > 40) throw new AppError('validation-failed', 'Not a reference');
  const now = deps.clock.now();
  const result = await queueWrite(deps, async (tx): Promise<CheckedIn> => {
    const location = await tx.queue.location(input.locationId);
    if (!location) throw new AppError('not-found', 'No such location');
    // A code is valid only at its office on the appointment's day; a reference anywhere (it says more).
    const appointment = code
      ? await tx.queue.appointmentByCheckInCode(location.id, serviceDateOf(now, location.timeZone), code)
      : await tx.queue.appointmentByReference(reference);
    // Another office's reference is "not found" here: a kiosk learns nothing about other locations.
    if (!appointment || appointment.locationId !== location.id) {
      throw new AppError(
        'not-found',
        code ? 'No appointment with this code here today' : 'No appointment with this reference here',
        { kind: code ? 'check-in-code' : 'reference' },
      );
    }
    const existing = await tx.queue.ticketOfAppointment(appointment.id);
    if (existing) return { ticket: existing, created: false, late: existing.dueAt === null, issued: null };
    if (appointment.status === 'cancelled') throw new AppError('invalid-state', 'This appointment was cancelled');
    if (appointment.status !== 'booked') throw new AppError('invalid-state', 'This appointment cannot be checked in');
    const today = serviceDateOf(now, location.timeZone);
    const day = serviceDateOf(appointment.startsAt, location.timeZone);
    if (day > today)
      throw new AppError('check-in-too-early', `The appointment is on ${day}`, {
        startsAt: appointment.startsAt.toISOString(),
      });
    if (day < today) throw new AppError('check-in-too-late', 'The appointment was on an earlier day');
    const startMs = appointment.startsAt.getTime();
    if (now.getTime() < startMs - location.checkInEarlyMinutes * 60_000) {
      throw new AppError(
        'check-in-too-early',
        `Check in from ${location.checkInEarlyMinutes} minutes before your time`,
        {
          startsAt: appointment.startsAt.toISOString(),
          opensAt: new Date(startMs - location.checkInEarlyMinutes * 60_000).toISOString(),
        },
      );
    }
    const late = now.getTime() > startMs + location.checkInLateGraceMinutes * 60_000;
    const services = await tx.queue.services(location);
    const resolved = appointment.items.map((i) => {
      const info = services.find((s) => s.id === i.serviceId);
      if (!info) throw new AppError('invalid-state', 'The appointment has a service this office no longer offers');
      return { info, persons: i.persons };
    });
    await tx.queue.setAppointmentStatus(appointment.id, 'checked-in', now);
    const issued = await insertTicket(tx, {
      location,
      services: resolved,
      source: 'check-in',
      priority: 0,
      language: input.language ?? appointment.language,
      appointmentId: appointment.id,
      dueAt: late ? null : appointment.startsAt,
      actor: principal,
      now,
    });
    return { ticket: issued.row, created: true, late, issued };
  });
  if (result.issued) publishIssued(deps, result.issued);
  return { ticket: result.ticket, created: result.created, late: result.late };
}

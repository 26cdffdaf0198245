import { canAccessLocation, type StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { type AppointmentDto, toDto } from './appointment-record.ts';
import { dayBounds } from './day-plans.ts';
import { getOffice } from './office-cache.ts';
import { normaliseReference, REFERENCE_PATTERN } from './tokens.ts';

export interface SearchInput {
  locationId: string;
  /** A name, an e-mail address (or part of one, at least 2 characters), or a reference. */
  q?: string;
  /** A local date at the location. */
  date?: string;
}

export const SEARCH_LIMIT = 50;

/**
 * The appointment desk's search: staff of the office find appointments by name, e-mail, reference
 * and/or date, at most 50, by start. Every search is audited — which office, what kind of query and how
 * many results, never the query itself (it is personal data).
 */
export async function searchAppointments(
  deps: Deps,
  staff: StaffPrincipal,
  input: SearchInput,
): Promise<{ appointments: AppointmentDto[]; truncated: boolean }> {
  if (!canAccessLocation(staff, input.locationId)) throw new AppError('forbidden', 'Not your location');
  const q = input.q?.trim() ?? '';
  if (!q && !input.date) throw new AppError('validation-failed', 'Give a name, e-mail, reference or date');
  if (q && q.length < 2) throw new AppError('validation-failed', 'Type at least 2 characters');
  const now = deps.clock.now();
  // A write transaction for the audit entry: the search and its record commit together.
  return deps.storage.write(async (tx) => {
    const office = await getOffice(tx, input.locationId);
    if (!office) throw new AppError('not-found', 'No such location');
    const location = office.location;
    const reference = normaliseReference(q);
    const byReference = q !== '' && REFERENCE_PATTERN.test(reference);
    const kind = !q ? 'date' : byReference ? 'reference' : q.includes('@') ? 'email' : 'name';
    const day = input.date ? dayBounds(input.date, location.timeZone) : null;
    const rows = await tx.appointments.search({
      locationId: location.id,
      reference: byReference ? reference : undefined,
      text: q && !byReference ? q : undefined,
      from: day?.start,
      to: day?.end,
      limit: SEARCH_LIMIT + 1,
    });
    const found = rows.slice(0, SEARCH_LIMIT).map(toDto);
    await tx.audit.record(staff, location.municipalityId, now, {
      action: 'appointment.searched',
      targetType: 'location',
      targetId: location.id,
      locationId: location.id,
      details: { kind, date: input.date ?? null, results: found.length },
    });
    return { appointments: found, truncated: rows.length > SEARCH_LIMIT };
  });
}

import type { Pickup } from '../contracts/scheduling.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { followUpFor } from './book-appointment.ts';
import { getOffice } from './office-cache.ts';
import { type RequestedItem, resolveItems } from './requested-items.ts';

/**
 * The pickup an application for these services on `date` implies at this office: which service, for
 * how many, from which day (working days after the application, skipping weekends, holidays and the
 * office's closures) and whether it is by appointment. The booking page asks this instead of counting
 * days itself, so the day it offers is the day booking accepts. Null when the services lead to none.
 */
export async function findPickup(
  deps: Deps,
  input: { locationId: string; services: RequestedItem[]; date: string; online?: boolean },
): Promise<Pickup | null> {
  const office = await getOffice(deps.storage.read, input.locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  resolveItems(office, input.services, input.online ?? true);
  return followUpFor(office, input.services, input.date);
}

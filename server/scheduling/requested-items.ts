import { AppError } from '../errors.ts';
import type { OfferedService, Office } from './office-cache.ts';

export interface RequestedItem {
  code: string;
  persons: number;
}

export interface ResolvedItems {
  items: { service: OfferedService; persons: number }[];
  serviceIds: number[];
  durationMinutes: number;
}

/**
 * Checks the requested services against the office: offered here, bookable (online for residents),
 * persons within the service's maximum. Duration = Σ minutes × persons, rounded up to the grid.
 */
export function resolveItems(office: Office, requested: readonly RequestedItem[], online: boolean): ResolvedItems {
  if (requested.length === 0) throw new AppError('validation-failed', 'Choose at least one service');
  const seen = new Set<string>();
  const items = requested.map((r) => {
    if (seen.has(r.code)) throw new AppError('validation-failed', `Service ${r.code} is listed twice`);
    seen.add(r.code);
    const service = office.services.get(r.code);
    if (!service) throw new AppError('validation-failed', `Service ${r.code} is not offered at this location`);
    if (online && !service.bookableOnline)
      throw new AppError('validation-failed', `Service ${r.code} cannot be booked online at this location`);
    if (!Number.isInteger(r.persons) || r.persons < 1 || r.persons > service.maxPersons)
      throw new AppError('validation-failed', `Service ${r.code} takes 1 to ${service.maxPersons} persons`);
    return { service, persons: r.persons };
  });
  const minutes = items.reduce((sum, i) => sum + i.service.minutesPerPerson * i.persons, 0);
  const grid = office.location.slotGridMinutes;
  return {
    items,
    serviceIds: items.map((i) => i.service.id),
    durationMinutes: Math.ceil(minutes / grid) * grid,
  };
}

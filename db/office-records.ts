import type {
  CatalogLocationRecord,
  CatalogServiceRecord,
  ClosureRecord,
  CounterSetupRecord,
  LocationRecord,
  LocationSetupRecord,
  OfficeRecord,
  RosterRuleRecord,
  ScheduleRuleRecord,
  ServiceRecord,
} from '../server/scheduling/office-store.ts';

/**
 * Rows → records of the office repository (server/scheduling/office-store.ts), shared by SQLite
 * (db/sqlite/office-store.ts) and PostgreSQL (db/pg/office-store.ts): the engines differ in their queries only.
 */

type Offer = { bookableOnline: boolean; walkIn: boolean };

export function officeRecordOf(rows: {
  location: LocationRecord;
  offered: ({ service: ServiceRecord } & Offer)[];
  counters: { id: number; name: string }[];
  skills: { counterId: number; serviceId: number }[];
  scheduleRules: ScheduleRuleRecord[];
  rosterRules: RosterRuleRecord[];
  closures: { date: string; locationId: string | null }[];
}): OfficeRecord {
  return {
    location: rows.location,
    services: rows.offered.map((o) => ({ ...o.service, bookableOnline: o.bookableOnline, walkIn: o.walkIn })),
    counters: rows.counters.map((c) => ({
      id: c.id,
      name: c.name,
      skillIds: rows.skills.filter((s) => s.counterId === c.id).map((s) => s.serviceId),
    })),
    scheduleRules: rows.scheduleRules,
    rosterRules: rows.rosterRules,
    closures: rows.closures,
  };
}

/** Services (in catalogue order) with how any location offers them and their fees. */
export function catalogServicesOf(
  services: ServiceRecord[],
  offered: ({ serviceId: number } & Offer)[],
  fees: { serviceId: number; ageGroup: 'adult' | 'minor'; amountCents: number }[],
): CatalogServiceRecord[] {
  const feeOf = (serviceId: number, ageGroup: 'adult' | 'minor') =>
    fees.find((f) => f.serviceId === serviceId && f.ageGroup === ageGroup)?.amountCents ?? null;
  return services.map((s) => {
    const at = offered.filter((o) => o.serviceId === s.id);
    return {
      ...s,
      bookableOnline: at.some((o) => o.bookableOnline),
      walkIn: at.some((o) => o.walkIn),
      fees: { adult: feeOf(s.id, 'adult'), minor: feeOf(s.id, 'minor') },
    };
  });
}

/** Locations (in catalogue order), each with the offers of its own, in the order given. */
export function catalogLocationsOf(
  locations: LocationRecord[],
  offered: ({ locationId: string; code: string } & Offer)[],
): CatalogLocationRecord[] {
  return locations.map((location) => ({
    location,
    services: offered
      .filter((o) => o.locationId === location.id)
      .map((o) => ({ code: o.code, bookableOnline: o.bookableOnline, walkIn: o.walkIn })),
  }));
}

/** Counters with the codes of their skills (`skills` may hold other counters' rows too). */
export function countersWithSkills(
  counters: { id: number; locationId: string; name: string; active: boolean }[],
  skills: { counterId: number; code: string }[],
): CounterSetupRecord[] {
  return counters.map((c) => ({
    id: c.id,
    locationId: c.locationId,
    name: c.name,
    active: c.active,
    skills: skills.filter((s) => s.counterId === c.id).map((s) => s.code),
  }));
}

export function locationSetupOf(rows: {
  counters: { id: number; locationId: string; name: string; active: boolean }[];
  skills: { counterId: number; code: string }[];
  services: ({ code: string } & Offer)[];
  scheduleRules: ScheduleRuleRecord[];
  rosterRules: RosterRuleRecord[];
  closures: ClosureRecord[];
}): LocationSetupRecord {
  return {
    counters: countersWithSkills(rows.counters, rows.skills),
    services: rows.services,
    scheduleRules: rows.scheduleRules,
    rosterRules: rows.rosterRules,
    closures: rows.closures,
  };
}

import { and, asc, eq, isNull, or } from 'drizzle-orm';
import {
  closures,
  counterSkills,
  counters,
  locationServices,
  rosterRules,
  scheduleRules,
  services,
} from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { localDateOf } from '../calendar.ts';
import { publicHolidays } from '../closures.ts';
import { locationFor } from './setup-change.ts';

export function readSetup(deps: Deps, staff: StaffPrincipal, locationId: string) {
  const location = locationFor(deps, staff, locationId);
  const db = deps.db;
  const counterRows = db
    .select()
    .from(counters)
    .where(eq(counters.locationId, locationId))
    .orderBy(asc(counters.id))
    .all();
  const skills = db
    .select({ counterId: counterSkills.counterId, code: services.code })
    .from(counterSkills)
    .innerJoin(services, eq(services.id, counterSkills.serviceId))
    .all();
  const offered = db
    .select({ code: services.code, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
    .from(locationServices)
    .innerJoin(services, eq(services.id, locationServices.serviceId))
    .where(eq(locationServices.locationId, locationId))
    .all();
  const today = localDateOf(deps.clock.now(), location.timeZone);
  const year = Number(today.slice(0, 4));
  const holidays = [...publicHolidays(year, location), ...publicHolidays(year + 1, location)]
    .filter(([date]) => date >= today)
    .map(([date, name]) => ({ date, name }));
  return {
    location: {
      id: location.id,
      name: location.name,
      timeZone: location.timeZone,
      slotGridMinutes: location.slotGridMinutes,
      walkInShare: location.walkInShare,
      minNoticeMinutes: location.minNoticeMinutes,
      maxDaysAhead: location.maxDaysAhead,
      closedOnGoodFriday: location.closedOnGoodFriday,
      closedOnLiberationDay: location.closedOnLiberationDay,
      callAndStart: location.callAndStart,
    },
    services: offered,
    counters: counterRows.map((c) => ({
      id: c.id,
      name: c.name,
      active: c.active,
      skills: skills.filter((s) => s.counterId === c.id).map((s) => s.code),
    })),
    scheduleRules: db.select().from(scheduleRules).where(eq(scheduleRules.locationId, locationId)).all(),
    rosterRules: db.select().from(rosterRules).where(eq(rosterRules.locationId, locationId)).all(),
    closures: db
      .select()
      .from(closures)
      .where(
        and(
          eq(closures.municipalityId, location.municipalityId),
          or(isNull(closures.locationId), eq(closures.locationId, locationId)),
        ),
      )
      .orderBy(asc(closures.date))
      .all(),
    holidays,
  };
}

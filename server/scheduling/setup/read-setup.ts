import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { localDateOf } from '../calendar.ts';
import { publicHolidays } from '../closures.ts';
import { locationFor } from './setup-change.ts';

export async function readSetup(deps: Deps, staff: StaffPrincipal, locationId: string) {
  const location = await locationFor(deps, staff, locationId);
  const setup = await deps.storage.read.office.locationSetup(locationId, location.municipalityId);
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
    services: setup.services,
    counters: setup.counters.map((c) => ({ id: c.id, name: c.name, active: c.active, skills: c.skills })),
    scheduleRules: setup.scheduleRules,
    rosterRules: setup.rosterRules,
    closures: setup.closures,
    holidays,
  };
}

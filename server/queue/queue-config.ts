import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { counterSkills, locationServices, locations, services } from '../../db/schema/index.ts';
import type { ActiveTicket, CounterState, LocationRow, ServiceInfo } from './queue-model.ts';
import { statements } from './queue-statements.ts';

/**
 * Services, location rows and counter skills change rarely; the scheduling module's triggers bump
 * `scheduling_config_version` on every change to them (by any process). Each queue read costs one tiny
 * query for the version instead of five for the configuration — the hub does several reads per call.
 * Counter state, agent and name are always read fresh.
 */
interface ConfigCache {
  version: number;
  locations: Map<string, LocationRow>;
  services: Map<string, ServiceInfo[]>;
  skills: Map<string, Map<number, string[]>>;
}
const configCaches = new WeakMap<Db['$client'], { stmt: { get(): unknown }; cache: ConfigCache }>();

function configCache(db: Db): ConfigCache {
  let entry = configCaches.get(db.$client);
  if (!entry) {
    const prepared = db.$client.prepare('SELECT version FROM scheduling_config_version WHERE id = 1').pluck();
    entry = {
      stmt: { get: () => prepared.get() },
      cache: { version: -1, locations: new Map(), services: new Map(), skills: new Map() },
    };
    configCaches.set(db.$client, entry);
  }
  const version = Number(entry.stmt.get() ?? 0);
  if (version !== entry.cache.version) {
    entry.cache = { version, locations: new Map(), services: new Map(), skills: new Map() };
  }
  return entry.cache;
}

export function loadServices(db: Db, location: LocationRow): ServiceInfo[] {
  const cache = configCache(db);
  const hit = cache.services.get(location.id);
  if (hit) return hit;
  const value = readServices(db, location);
  cache.services.set(location.id, value);
  return value;
}

function readServices(db: Db, location: LocationRow): ServiceInfo[] {
  const offered = new Map(
    db
      .select()
      .from(locationServices)
      .where(eq(locationServices.locationId, location.id))
      .all()
      .map((l) => [l.serviceId, l]),
  );
  return db
    .select()
    .from(services)
    .where(eq(services.municipalityId, location.municipalityId))
    .orderBy(services.sortOrder)
    .all()
    .map((s) => ({
      id: s.id,
      code: s.code,
      letter: s.ticketLetter,
      minutesPerPerson: s.minutesPerPerson,
      targetWaitMinutes: s.targetWaitMinutes,
      maxPersons: s.maxPersons,
      walkIn: offered.get(s.id)?.walkIn ?? false,
      offered: offered.has(s.id),
    }));
}

export function loadCounters(db: Db, locationId: string, active: ActiveTicket[] = []): CounterState[] {
  const rows = statements(db).counters.all({ locationId });
  const cache = configCache(db);
  let skills = cache.skills.get(locationId);
  if (!skills) {
    skills = new Map<number, string[]>();
    const ids = rows.map((r) => r.counter.id);
    if (ids.length > 0) {
      for (const s of db
        .select({ counterId: counterSkills.counterId, code: services.code })
        .from(counterSkills)
        .innerJoin(services, eq(services.id, counterSkills.serviceId))
        .where(inArray(counterSkills.counterId, ids))
        .all()) {
        skills.set(s.counterId, [...(skills.get(s.counterId) ?? []), s.code]);
      }
    }
    cache.skills.set(locationId, skills);
  }
  const skillsOf = skills;
  return rows.map(({ counter, agentName }) => ({
    id: counter.id,
    name: counter.name,
    active: counter.active,
    state: counter.state,
    agentId: counter.agentId,
    agentName: agentName ?? null,
    skills: skillsOf.get(counter.id) ?? [],
    currentTicketId:
      active.find((t) => t.row.counterId === counter.id && (t.row.status === 'called' || t.row.status === 'serving'))
        ?.row.id ?? null,
  }));
}

export function loadLocation(db: Db, locationId: string): LocationRow | undefined {
  const cache = configCache(db);
  const hit = cache.locations.get(locationId);
  if (hit) return hit;
  const row = db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (row) cache.locations.set(locationId, row);
  return row;
}

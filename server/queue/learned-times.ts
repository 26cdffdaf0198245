import { and, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { services, ticketEvents, ticketItems, tickets } from '../../db/schema/index.ts';
import { learnPatience } from './patience.ts';
import { type LearnedServiceTimes, learnServiceTimes, type ServiceSample } from './service-times.ts';

/**
 * Service times learned from the last weeks of finished tickets at a location, for the live predictor
 * (`meanMinutesPerPerson`, `counterSpeed`, `serviceCv` of PredictorInput). Cached per location for a
 * few minutes: the estimates move slowly and the predictor runs on every queue change.
 */
const WINDOW_DAYS = 28;
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { at: number; configuredKey: string; value: LearnedServiceTimes }>();

export function learnedServiceTimes(
  db: Db,
  locationId: string,
  now: Date,
  configured: Record<string, number>,
): LearnedServiceTimes {
  const configuredKey = JSON.stringify(configured);
  const hit = cache.get(locationId);
  if (hit && now.getTime() - hit.at < CACHE_MS && hit.configuredKey === configuredKey) return hit.value;
  const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
  const rows = db
    .select({
      id: tickets.id,
      counterId: tickets.counterId,
      startedAt: tickets.startedAt,
      finishedAt: tickets.finishedAt,
      code: services.code,
      persons: ticketItems.persons,
    })
    .from(tickets)
    .innerJoin(ticketItems, eq(ticketItems.ticketId, tickets.id))
    .innerJoin(services, eq(services.id, ticketItems.serviceId))
    .where(
      and(
        eq(tickets.locationId, locationId),
        eq(tickets.status, 'done'),
        gte(tickets.startedAt, since),
        isNotNull(tickets.finishedAt),
      ),
    )
    .all();
  const samples = new Map<number, ServiceSample>();
  for (const r of rows) {
    if (!r.startedAt || !r.finishedAt) continue;
    let s = samples.get(r.id);
    if (!s) {
      s = { services: [], counterId: r.counterId, minutes: (r.finishedAt.getTime() - r.startedAt.getTime()) / 60_000 };
      samples.set(r.id, s);
    }
    s.services.push({ code: r.code, persons: r.persons });
  }
  // Walk-ins' patience from the same weeks' issued / called / cancelled-as-abandoned events.
  const waitEvents = db
    .select({ ticketId: ticketEvents.ticketId, type: ticketEvents.type, at: ticketEvents.at, data: ticketEvents.data })
    .from(ticketEvents)
    .where(
      and(
        eq(ticketEvents.locationId, locationId),
        gte(ticketEvents.at, since),
        inArray(ticketEvents.type, ['issued', 'called', 'cancelled']),
      ),
    )
    .all();
  const value = {
    ...learnServiceTimes([...samples.values()], configured),
    patienceMinutes: learnPatience(waitEvents, now).meanMinutes,
  };
  cache.set(locationId, { at: now.getTime(), configuredKey, value });
  return value;
}

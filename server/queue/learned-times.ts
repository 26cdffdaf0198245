import type { Repositories } from '../storage.ts';
import { learnPatience } from './patience.ts';
import { type LearnedServiceTimes, learnServiceTimes } from './service-times.ts';

/**
 * Service times learned from the last weeks of finished tickets at a location, for the live predictor
 * (`meanMinutesPerPerson`, `counterSpeed`, `serviceCv` of PredictorInput), and walk-ins' patience from the
 * same weeks' events. Cached per database and location for a few minutes: the estimates move slowly and the
 * predictor runs on every queue change. Per database (the queue store's `cacheScope`, shared by its read side and
 * its transactions): two databases in one process may hold the same location id with other tickets.
 */
const WINDOW_DAYS = 28;
const CACHE_MS = 5 * 60_000;
type Entry = { at: number; configuredKey: string; value: LearnedServiceTimes };
const caches = new WeakMap<object, Map<string, Entry>>();

export async function learnedServiceTimes(
  repos: Repositories,
  locationId: string,
  now: Date,
  configured: Record<string, number>,
): Promise<LearnedServiceTimes> {
  const configuredKey = JSON.stringify(configured);
  let cache = caches.get(repos.queue.cacheScope);
  if (!cache) {
    cache = new Map();
    caches.set(repos.queue.cacheScope, cache);
  }
  const hit = cache.get(locationId);
  if (hit && now.getTime() - hit.at < CACHE_MS && hit.configuredKey === configuredKey) return hit.value;
  const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
  const history = await repos.queue.learningHistory(locationId, since);
  const value = {
    ...learnServiceTimes(history.serviceSamples, configured),
    // Walk-ins' patience from the issued / called / cancelled-as-abandoned events.
    patienceMinutes: learnPatience(history.waitEvents, now).meanMinutes,
  };
  cache.set(locationId, { at: now.getTime(), configuredKey, value });
  return value;
}

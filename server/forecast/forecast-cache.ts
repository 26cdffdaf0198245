import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { localDateOf } from '../scheduling/calendar.ts';
import { cachedVersion, getOffice } from '../scheduling/office-cache.ts';
import { getLocationForecast, type LocationForecast } from './location-forecast.ts';

/**
 * The planner's answers (the forecast, the weekly outlook, a what-if's day forecast) are seconds of CPU each
 * and the same for every supervisor: kept per location and query, and reused while what they were computed
 * from is unchanged (ARCHITECTURE.md#forecasting-statistics-and-open-data).
 *
 * Exact: the office's configuration version (roster, services, counters, schedules, closures: every node's
 * change is seen at once, `scheduling_config_version`), the service day in the office's zone (history grows
 * by a day, today moves on), and the contents of the municipality's registry and the location's imported hours
 * (a digest of both read at every request: an import through any node, or any process, is seen at once).
 * Bounded: the live inputs — the appointment book (bookings, cancellations, holds lapsing by the clock) and
 * the last four weeks' finished tickets up to now (minutes per ticket) — move with every booking and every
 * served resident. An answer is reused for at most `MAX_AGE_MS` after its computation started; the response
 * says so (`computedAt`, `Age`).
 *
 * Concurrent requests for the same answer share one computation; a failed one is not kept. Memory is bounded:
 * at most `MAX_LOCATIONS` locations (the least recently asked goes first), `MAX_ENTRIES_PER_LOCATION` answers
 * each, `MAX_BYTES` in all. One cache per storage (per node: each node keeps its own, validated against the shared database).
 */

/** How long an answer may be reused while only the book and today's tickets can have moved. */
export const MAX_AGE_MS = 5 * 60_000;
export const MAX_LOCATIONS = 16;
export const MAX_ENTRIES_PER_LOCATION = 6;
/**
 * Answers kept at most, in bytes of their JSON (an 8-week forecast of the demo is ~80 kB, the longest, 26 weeks,
 * ~260 kB, a 52-week outlook ~15 kB): the least recently asked locations go first.
 */
export const MAX_BYTES = 8_000_000;

export interface Cached<T> {
  value: T;
  /** The clock's instant the computation started at: its data are no older. */
  computedAt: Date;
}

/** What the cache did, per kind of answer (for tests and measurements: a seam that counts, not a timer). */
export interface CacheCounts {
  computed: number;
  hits: number;
  joined: number;
}

interface Entry {
  stamp: string;
  computedAt: number;
  generation: number;
  value: unknown;
  bytes: number;
}

interface Flight {
  stamp: string;
  promise: Promise<Cached<unknown>>;
}

/** The cache itself (no I/O): `stamp` is what the caller read of the answer's exact inputs. */
export class ForecastCache {
  /** Location → (query key → answer), both in least-recently-used order (a hit moves to the end). */
  private readonly locations = new Map<string, Map<string, Entry>>();
  private readonly flights = new Map<string, Flight>();
  private generation = 0;
  private bytes = 0;
  readonly counts = new Map<string, CacheCounts>();

  constructor(
    private readonly now: () => number,
    private readonly sizeOf: (value: unknown) => number = (value) => JSON.stringify(value)?.length ?? 0,
    private readonly maxBytes = MAX_BYTES,
  ) {}

  /** Bytes of the answers kept (their JSON). */
  get keptBytes(): number {
    return this.bytes;
  }

  async get<T>(
    kind: string,
    locationId: string,
    query: string,
    stamp: string,
    compute: () => Promise<T>,
  ): Promise<Cached<T>> {
    const counts = this.countsOf(kind);
    const key = `${kind}|${query}`;
    const now = this.now();
    const entries = this.locations.get(locationId);
    if (entries) {
      this.locations.delete(locationId);
      this.locations.set(locationId, entries);
      const entry = entries.get(key);
      if (entry && entry.stamp === stamp && now - entry.computedAt < MAX_AGE_MS && now >= entry.computedAt) {
        entries.delete(key);
        entries.set(key, entry);
        counts.hits++;
        return { value: entry.value as T, computedAt: new Date(entry.computedAt) };
      }
    }
    const flightKey = `${locationId}|${key}`;
    const flight = this.flights.get(flightKey);
    if (flight && flight.stamp === stamp) {
      counts.joined++;
      return (await flight.promise) as Cached<T>;
    }
    counts.computed++;
    const generation = ++this.generation;
    const promise = (async (): Promise<Cached<unknown>> => {
      const value = await compute();
      this.keep(locationId, key, { stamp, computedAt: now, generation, value, bytes: this.sizeOf(value) });
      return { value, computedAt: new Date(now) };
    })();
    const own: Flight = { stamp, promise };
    this.flights.set(flightKey, own);
    try {
      return (await promise) as Cached<T>;
    } finally {
      if (this.flights.get(flightKey) === own) this.flights.delete(flightKey);
    }
  }

  private keep(locationId: string, key: string, entry: Entry): void {
    // A computation that started before the one already kept (its inputs older) does not replace it.
    const kept = this.locations.get(locationId)?.get(key);
    if (kept && kept.generation > entry.generation) return;
    if (kept) this.drop(locationId, key);
    if (entry.bytes > this.maxBytes) return;
    let entries = this.locations.get(locationId);
    if (!entries) {
      entries = new Map();
      this.locations.set(locationId, entries);
    }
    entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const oldest of entries.keys()) {
      if (entries.size <= MAX_ENTRIES_PER_LOCATION) break;
      this.drop(locationId, oldest);
    }
    // The least recently asked locations first, then this location's least recently asked answers.
    for (const [id, answers] of this.locations) {
      if (this.locations.size <= MAX_LOCATIONS && this.bytes <= this.maxBytes) break;
      if (id === locationId) continue;
      for (const k of [...answers.keys()]) this.drop(id, k);
    }
    for (const oldest of [...entries.keys()]) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.drop(locationId, oldest);
    }
  }

  private drop(locationId: string, key: string): void {
    const entries = this.locations.get(locationId);
    const entry = entries?.get(key);
    if (!entries || !entry) return;
    entries.delete(key);
    this.bytes -= entry.bytes;
    if (entries.size === 0) this.locations.delete(locationId);
  }

  private countsOf(kind: string): CacheCounts {
    let counts = this.counts.get(kind);
    if (!counts) {
      counts = { computed: 0, hits: 0, joined: 0 };
      this.counts.set(kind, counts);
    }
    return counts;
  }
}

/** One cache per storage: a test's fresh database never sees another's answers. */
const caches = new WeakMap<object, ForecastCache>();

function cacheOf(deps: Deps): ForecastCache {
  let cache = caches.get(deps.storage);
  if (!cache) {
    cache = new ForecastCache(() => deps.clock.now().getTime());
    caches.set(deps.storage, cache);
  }
  return cache;
}

/** What the cache of this storage did so far, per kind (`forecast`, `outlook`). */
export function forecastCacheCounts(deps: Deps, kind: string): CacheCounts {
  return { ...(cacheOf(deps).counts.get(kind) ?? { computed: 0, hits: 0, joined: 0 }) };
}

/**
 * History this process wrote outside the live queue (the demo history fill, one office-day at a time), counted
 * per storage and location. Part of the stamp, so a planner opened while the fill runs does not keep a half-filled
 * answer for MAX_AGE_MS. On several nodes the fill runs on one node; the others see its days within MAX_AGE_MS.
 */
const historyWrites = new WeakMap<object, Map<string, number>>();

export function noteHistoryWritten(deps: Pick<Deps, 'storage'>, locationId: string): void {
  let counts = historyWrites.get(deps.storage);
  if (!counts) {
    counts = new Map();
    historyWrites.set(deps.storage, counts);
  }
  counts.set(locationId, (counts.get(locationId) ?? 0) + 1);
}

/**
 * The exact part of what a location's answers are computed from, read before the computation reads anything
 * (so its data are never older than the stamp they are kept under). A few small reads: the configuration
 * version, the registry (hundreds of rows) and the location's imported hours.
 */
async function inputsStamp(deps: Deps, locationId: string): Promise<string | null> {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const version = cachedVersion(deps.storage.read.office, locationId);
  // A repository that keeps no office cache cannot say which configuration an answer was computed from.
  if (version === null) return null;
  const store = deps.storage.read.forecastHistory;
  const [registry, imported] = await Promise.all([
    store.registry(office.location.municipalityId),
    store.importedHourlyCounts(locationId, '0000-01-01', '9999-12-31'),
  ]);
  const digest = createHash('sha256');
  // Sorted: neither engine promises an order without ORDER BY, and an upsert may move a row.
  for (const line of registry.map((r) => `${r.month}|${r.documentType}|${r.ageBand}|${r.count}`).sort())
    digest.update(`${line}\n`);
  digest.update('--\n');
  for (const line of imported.map((r) => `${r.serviceCode}|${r.date}|${r.hour}|${r.count}`).sort())
    digest.update(`${line}\n`);
  const day = localDateOf(deps.clock.now(), office.location.timeZone);
  const written = historyWrites.get(deps.storage)?.get(locationId) ?? 0;
  return `${version}|${day}|${written}|${digest.digest('base64')}`;
}

/**
 * A planner's answer of `kind` for a location and query (`query`: every parameter the answer depends on
 * besides the location), from the cache or computed once for every concurrent caller.
 */
export async function cachedPlannerAnswer<T>(
  deps: Deps,
  kind: string,
  locationId: string,
  query: string,
  compute: () => Promise<T>,
): Promise<Cached<T>> {
  const stamp = await inputsStamp(deps, locationId);
  if (stamp === null) {
    const computedAt = deps.clock.now();
    return { value: await compute(), computedAt };
  }
  return cacheOf(deps).get(kind, locationId, query, stamp, compute);
}

/** `getLocationForecast` through the cache (the planner's GET, and the what-if's day). */
export function cachedLocationForecast(
  deps: Deps,
  locationId: string,
  from: string,
  to: string,
  slotMinutes = 10,
): Promise<Cached<LocationForecast>> {
  return cachedPlannerAnswer(deps, 'forecast', locationId, `${from}|${to}|${slotMinutes}`, () =>
    getLocationForecast(deps, locationId, from, to, slotMinutes),
  );
}

import type Database from 'better-sqlite3';
import type { OccupiedRecord } from '../../server/scheduling/appointment-store.ts';

/**
 * The committed occupancy of a location kept in memory per connection, by UTC day (`starts_at / 86400000`),
 * each day with the version migration 0011 bumps on every change to it by any process (ARCHITECTURE.md,
 * "Occupancy in memory"). A read checks the versions of the days it spans (one small query) and re-reads only
 * the days that moved, so eight weeks of a busy office cost a few hundred rows of versions, not 160,000 rows.
 *
 * Only reads outside a write transaction are served here: inside one the rows may still roll back, and a
 * rolled-back version number is reused by the next committed change.
 */

const DAY_MS = 86_400_000;
/** Rows kept per connection at most; beyond it the cache starts again (a safety bound, not a tuning knob). */
const MAX_ROWS = 400_000;
/** Longer ranges than the booking window are read from the database. */
const MAX_DAYS = 400;

interface CachedDay {
  version: number;
  rows: OccupiedRecord[];
  /** Per row, when its hold lapses (null: not a hold); kept beside the records, which are the repository's answer. */
  holdExpiresAt: (number | null)[];
}

interface Cache {
  days: Map<string, Map<number, CachedDay>>;
  rows: number;
  versions: Database.Statement;
  read: Database.Statement;
}

const caches = new WeakMap<Database.Database, Cache>();

function cacheOf(client: Database.Database): Cache {
  let cache = caches.get(client);
  if (!cache) {
    cache = {
      days: new Map(),
      rows: 0,
      versions: client.prepare(
        'SELECT day, version FROM appointment_day_versions WHERE location_id = ? AND day >= ? AND day <= ?',
      ),
      // Every row that may take its counter's time; a hold's lapse is applied at read time (`now`).
      read: client.prepare(
        `SELECT a.id AS id, a.counter_id AS counterId, a.starts_at AS startsAt, a.ends_at AS endsAt, a.status AS status,
                a.channel AS channel, a.hold_expires_at AS holdExpiresAt, group_concat(i.service_id) AS serviceIds
           FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
          WHERE a.location_id = ? AND a.starts_at >= ? AND a.starts_at < ?
            AND a.status IN ('held', 'booked', 'checked-in')
          GROUP BY a.id ORDER BY a.starts_at, a.id`,
      ),
    };
    caches.set(client, cache);
  }
  return cache;
}

/**
 * Occupancy of [from, to) at `now` from memory, re-reading the days whose version changed; null inside a write
 * transaction (the caller reads the database).
 */
export function cachedOccupancy(
  client: Database.Database,
  locationId: string,
  from: number,
  to: number,
  now: Date,
): OccupiedRecord[] | null {
  if (client.inTransaction || to <= from) return null;
  const cache = cacheOf(client);
  const first = Math.floor(from / DAY_MS);
  const last = Math.floor((to - 1) / DAY_MS);
  // Open-ended reads (everything from now on, for a set-up change) go to the database.
  if (last - first > MAX_DAYS) return null;
  // One read transaction: the versions and the rows re-read are of the same committed state.
  const days = client
    .transaction(() => {
      let byDay = cache.days.get(locationId);
      if (!byDay) {
        byDay = new Map();
        cache.days.set(locationId, byDay);
      }
      const versions = new Map<number, number>();
      for (const v of cache.versions.all(locationId, first, last) as { day: number; version: number }[])
        versions.set(v.day, v.version);
      let stale: number[] = [];
      const flush = () => {
        if (stale.length === 0) return;
        const lo = stale[0] as number;
        const hi = stale[stale.length - 1] as number;
        const fresh = new Map<number, CachedDay>(
          stale.map((d) => [d, { version: versions.get(d) ?? 0, rows: [], holdExpiresAt: [] }]),
        );
        const read = cache.read.all(locationId, lo * DAY_MS, (hi + 1) * DAY_MS) as (Omit<
          OccupiedRecord,
          'serviceIds'
        > & {
          serviceIds: string | null;
          holdExpiresAt: number | null;
        })[];
        for (const r of read) {
          const day = fresh.get(Math.floor(r.startsAt / DAY_MS));
          if (!day) continue;
          // Written out field by field: the availability loops read these 100,000s of times, and records of one
          // literal shape stay fast where rest/spread copies may not.
          day.rows.push({
            id: r.id,
            counterId: r.counterId,
            startsAt: r.startsAt,
            endsAt: r.endsAt,
            status: r.status,
            channel: r.channel,
            serviceIds: r.serviceIds ? r.serviceIds.split(',').map(Number) : [],
          });
          day.holdExpiresAt.push(r.status === 'held' ? r.holdExpiresAt : null);
        }
        for (const [d, day] of fresh) {
          cache.rows += day.rows.length - (byDay.get(d)?.rows.length ?? 0);
          byDay.set(d, day);
        }
        stale = [];
      };
      // Consecutive stale days are read in one query.
      for (let d = first; d <= last; d++) {
        if (byDay.get(d)?.version === (versions.get(d) ?? 0)) flush();
        else stale.push(d);
      }
      flush();
      const out: CachedDay[] = [];
      for (let d = first; d <= last; d++) out.push(byDay.get(d) as CachedDay);
      return out;
    })
    .deferred();
  const t = now.getTime();
  const out: OccupiedRecord[] = [];
  // By start (each day is read in that order): callers that group by day walk them once.
  for (const day of days) {
    const { rows, holdExpiresAt } = day;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k] as OccupiedRecord;
      if (r.startsAt >= from && r.startsAt < to && (r.status !== 'held' || (holdExpiresAt[k] ?? 0) > t)) out.push(r);
    }
  }
  if (cache.rows > MAX_ROWS) {
    cache.days.clear();
    cache.rows = 0;
  }
  return out;
}

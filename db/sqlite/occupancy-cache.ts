import type Database from 'better-sqlite3';
import type { OccupiedRecord } from '../../server/scheduling/appointment-store.ts';
import { type CachedDay, DAY_MS, occupancyOf, patched as patchedDay } from '../occupancy-days.ts';

/**
 * The committed occupancy of a location kept in memory, by UTC day (`starts_at / 86400000`), each day with the
 * version migration 0011 bumps on every change to it by any process (ARCHITECTURE.md, "Occupancy in memory").
 *
 * A read checks the versions of the days it spans (one small query). A day whose version moved is brought up to
 * date from the change log of this process's writer connection when that log explains every bump since the day was
 * kept — the writes were all this process's, and only the appointments they touched are read again — and read
 * in full otherwise (another process wrote, or the log cannot tell). So a hot office-day that takes a booking
 * between every two reads costs one or two rows per read, not a thousand.
 *
 * The change log: TEMP triggers on the writer's connection (they see only that connection's writes) record one
 * row per version bump, for the same statements and rows as migration 0011's triggers, in a TEMP table that
 * commits and rolls back with the write. A day kept at version v, now at v', with n logged bumps since: v' − v = n
 * means nobody else changed it (bumps only add), and then the day is the kept rows with the logged appointments
 * read again. The log is drained into memory only while the writer has no transaction open, so what is drained
 * has committed.
 *
 * Kept days are committed states only: inside a write transaction a day is answered from the kept rows plus the
 * log (the transaction's own writes included) and never stored, as a rolled-back version number is reused by the
 * next committed change.
 */

/** Ranges noted for keeping after a write at most (a group commit holds up to 32 bookings). */
const MAX_WANTED = 64;
/** Rows kept per cache at most; beyond it the cache starts again (a safety bound, not a tuning knob). */
const MAX_ROWS = 400_000;
/** Longer ranges than the booking window are read from the database. */
const MAX_DAYS = 400;
/**
 * Rows the change log holds at most: beyond it the triggers stop logging until the next read drains it, and the
 * bumps they left out send their days to a full read (a writer nobody reads from never grows it further).
 */
const MAX_LOG = 10_000;
const LOG_TABLE = 'loket_occupancy_changes';

/** A row as the occupancy statements read it. */
type ReadRow = Omit<OccupiedRecord, 'serviceIds'> & {
  serviceIds: string | null;
  holdExpiresAt: number | null;
  locationId: string;
};

/** What one connection prepares. */
interface Statements {
  versions: Database.Statement;
  read: Database.Statement;
  byIds: Database.Statement;
  byId: Database.Statement;
}

/** The writer connection's change log, drained into memory by location and day. */
interface ChangeLog {
  writer: Database.Database;
  /** Appointment ids, one per version bump, logged since each kept day was stored (committed writes only). */
  drained: Map<string, number[]>;
  drain: Database.Statement;
  clear: Database.Statement;
  /** The log rows not drained yet of one location and day (inside a write transaction: its own writes too). */
  undrained: Database.Statement;
}

interface Cache {
  days: Map<string, Map<number, CachedDay>>;
  rows: number;
  /** The writer whose change log explains moved versions; null until installed (never for a lone reader). */
  log: ChangeLog | null;
  /** The writer connection to install the log on, when it could not be yet (it was in a transaction). */
  writer: Database.Database | null;
  /** Ranges a write transaction had to read from the database (not kept): read and kept once it has ended. */
  wanted: Map<string, { locationId: string; first: number; last: number }>;
}

const caches = new WeakMap<Database.Database, Cache>();
const prepared = new WeakMap<Database.Database, Statements>();

const COLUMNS = `a.id AS id, a.location_id AS locationId, a.counter_id AS counterId, a.starts_at AS startsAt,
  a.ends_at AS endsAt, a.status AS status, a.channel AS channel, a.hold_expires_at AS holdExpiresAt,
  group_concat(i.service_id) AS serviceIds`;

function statementsOf(client: Database.Database): Statements {
  let s = prepared.get(client);
  if (!s) {
    s = {
      versions: client.prepare(
        'SELECT day, version FROM appointment_day_versions WHERE location_id = ? AND day >= ? AND day <= ?',
      ),
      // Every row that may take its counter's time; a hold's lapse is applied at read time (`now`).
      read: client.prepare(
        `SELECT ${COLUMNS}
           FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
          WHERE a.location_id = ? AND a.starts_at >= ? AND a.starts_at < ?
            AND a.status IN ('held', 'booked', 'checked-in')
          GROUP BY a.id ORDER BY a.starts_at, a.id`,
      ),
      // The appointments a log names, wherever they are now and whatever their status.
      byIds: client.prepare(
        `SELECT ${COLUMNS}
           FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
          WHERE a.id IN (SELECT value FROM json_each(?))
          GROUP BY a.id`,
      ),
      byId: client.prepare(
        `SELECT ${COLUMNS}
           FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
          WHERE a.id = ?
          GROUP BY a.id`,
      ),
    };
    prepared.set(client, s);
  }
  return s;
}

/**
 * The TEMP table and triggers of the change log on the writer's connection: one row per bump of migration 0011's
 * triggers (the same events, columns and rows; `tests/db/occupancy-cache.test.ts` holds them to it).
 */
function installLog(writer: Database.Database): ChangeLog {
  const when = `WHEN coalesce((SELECT max(seq) FROM temp.${LOG_TABLE}), 0) < ${MAX_LOG}`;
  const bump = (loc: string, day: string, id: string) =>
    `INSERT INTO temp.${LOG_TABLE} (location_id, day, appointment_id) VALUES (${loc}, ${day}, ${id});`;
  const bumpOf = (where: string) =>
    `INSERT INTO temp.${LOG_TABLE} (location_id, day, appointment_id)
       SELECT location_id, starts_at / 86400000, id FROM main.appointments WHERE ${where};`;
  writer.exec(`
    CREATE TEMP TABLE IF NOT EXISTS ${LOG_TABLE} (
      seq INTEGER PRIMARY KEY, location_id TEXT NOT NULL, day INTEGER NOT NULL, appointment_id INTEGER NOT NULL);
    CREATE TEMP TRIGGER IF NOT EXISTS loket_occupancy_insert AFTER INSERT ON main.appointments ${when}
    BEGIN ${bump('NEW.location_id', 'NEW.starts_at / 86400000', 'NEW.id')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS loket_occupancy_update
    AFTER UPDATE OF location_id, starts_at, ends_at, counter_id, channel, status, hold_expires_at ON main.appointments ${when}
    BEGIN
      ${bump('OLD.location_id', 'OLD.starts_at / 86400000', 'OLD.id')}
      ${bump('NEW.location_id', 'NEW.starts_at / 86400000', 'NEW.id')}
    END;
    CREATE TEMP TRIGGER IF NOT EXISTS loket_occupancy_delete AFTER DELETE ON main.appointments ${when}
    BEGIN ${bump('OLD.location_id', 'OLD.starts_at / 86400000', 'OLD.id')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS loket_occupancy_item_insert AFTER INSERT ON main.appointment_items ${when}
    BEGIN ${bumpOf('id = NEW.appointment_id')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS loket_occupancy_item_update AFTER UPDATE ON main.appointment_items ${when}
    BEGIN ${bumpOf('id IN (OLD.appointment_id, NEW.appointment_id)')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS loket_occupancy_item_delete AFTER DELETE ON main.appointment_items ${when}
    BEGIN ${bumpOf('id = OLD.appointment_id')} END;
  `);
  return {
    writer,
    drained: new Map(),
    drain: writer.prepare(`SELECT location_id, day, appointment_id FROM temp.${LOG_TABLE} ORDER BY seq`).raw(),
    clear: writer.prepare(`DELETE FROM temp.${LOG_TABLE}`),
    undrained: writer.prepare(`SELECT appointment_id FROM temp.${LOG_TABLE} WHERE location_id = ? AND day = ?`).pluck(),
  };
}

function cacheOf(client: Database.Database): Cache {
  let cache = caches.get(client);
  if (!cache) {
    cache = { days: new Map(), rows: 0, log: null, writer: client.readonly ? null : client, wanted: new Map() };
    caches.set(client, cache);
  }
  // DDL inside a transaction would roll back with it: the log is installed at the first read outside one.
  if (!cache.log && cache.writer?.open && !cache.writer.inTransaction) {
    cache.log = installLog(cache.writer);
    cache.writer = null;
  }
  return cache;
}

/**
 * The reader connection of a file shares the cache of the file's writer, so the writer's log explains what the
 * reader sees move (`db/sqlite/storage.ts` calls this when it opens the reader).
 */
export function shareOccupancy(reader: Database.Database, writer: Database.Database): void {
  if (reader !== writer) caches.set(reader, cacheOf(writer));
}

const keyOf = (locationId: string, day: number) => `${locationId}\u0000${day}`;

/** Moves the committed log rows into memory, for the kept days only (a day not kept is read in full anyway). */
function drain(cache: Cache, log: ChangeLog): void {
  const rows = log.drain.all() as [string, number, number][];
  if (rows.length === 0) return;
  log.clear.run();
  for (const [locationId, day, id] of rows) {
    const byDay = cache.days.get(locationId);
    const kept = byDay?.get(day);
    if (!byDay || !kept) continue;
    const key = keyOf(locationId, day);
    const list = log.drained.get(key);
    if (!list) log.drained.set(key, [id]);
    else if (list.length < MAX_LOG) list.push(id);
    else {
      // Written to far more than read: forget the day, its next read reads it in full.
      byDay.delete(day);
      cache.rows -= kept.rows.length;
      log.drained.delete(key);
    }
  }
}

/**
 * After a write transaction on `writer` ended, with none open: the log is drained and each kept day it touched is
 * brought up to date and kept (its logged appointments read again), or forgotten when the log does not explain its
 * version (another process wrote: its next read reads it in full). Without this, writes with no read outside a
 * transaction between them (an API client's burst of bookings, the benches) left every booking's read inside its
 * transaction to patch the kept day with every change since it was stored — a list that only grew, to MAX_LOG.
 * `db/sqlite/storage.ts` calls it when a write settles.
 */
export function catchUpAfterWrite(writer: Database.Database): void {
  const cache = caches.get(writer);
  const log = cache?.log;
  if (!cache || !log || log.writer !== writer || writer.inTransaction || !writer.open) return;
  try {
    drain(cache, log);
    if (log.drained.size > 0) keepUpToDate(writer, cache, log);
    // The days the transaction read in full are kept now, committed: the next booking on one of them patches it
    // with the rows that changed instead of reading the whole day again (bookings with no availability read
    // before them, like an API client's burst or the booking row of the scale bench, found no day kept).
    for (const [key, w] of cache.wanted) {
      cache.wanted.delete(key);
      daysRefreshed(writer, cache, w.locationId, w.first, w.last);
    }
  } catch {
    // Never the write's failure (it has settled): forget what is kept, the next reads read the database.
    dropAll(cache);
  }
}

function keepUpToDate(writer: Database.Database, cache: Cache, log: ChangeLog): void {
  const st = statementsOf(writer);
  // One read transaction: each day's version and its rows read again are of the same committed state.
  writer
    .transaction(() => {
      for (const [key, ids] of log.drained) {
        log.drained.delete(key);
        const sep = key.indexOf('\u0000');
        const locationId = key.slice(0, sep);
        const d = Number(key.slice(sep + 1));
        const byDay = cache.days.get(locationId);
        const day = byDay?.get(d);
        if (!byDay || !day) continue;
        const version = versionsOf(st, locationId, d, d).get(d) ?? 0;
        if (version - day.version !== ids.length) {
          byDay.delete(d);
          cache.rows -= day.rows.length;
          continue;
        }
        const fresh = readByIds(st, ids);
        const next = patched(day, version, new Set(ids), fresh, locationId, d);
        cache.rows += next.rows.length - day.rows.length;
        byDay.set(d, next);
      }
    })
    .deferred();
}

function dropAll(cache: Cache): void {
  cache.days.clear();
  cache.wanted.clear();
  cache.rows = 0;
  cache.log?.drained.clear();
}

function recordOf(r: ReadRow): OccupiedRecord {
  // Written out field by field: the availability loops read these 100,000s of times, and records of one
  // literal shape stay fast where rest/spread copies may not.
  return {
    id: r.id,
    counterId: r.counterId,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    status: r.status,
    channel: r.channel,
    serviceIds: r.serviceIds ? r.serviceIds.split(',').map(Number) : [],
  };
}

/** A kept day brought up to date with the `changed` appointments as read now (db/occupancy-days.ts). */
function patched(
  day: CachedDay,
  version: number,
  changed: Set<number>,
  fresh: readonly ReadRow[],
  locationId: string,
  d: number,
): CachedDay {
  return patchedDay(day, version, changed, fresh, locationId, d, recordOf);
}

/**
 * Occupancy of [from, to) at `now` from memory. Outside a write transaction the days that moved are brought up to
 * date and kept; inside one (on the writer) the kept days plus the log answer without keeping anything. Null when
 * the database must be read instead.
 */
export function cachedOccupancy(
  client: Database.Database,
  locationId: string,
  from: number,
  to: number,
  now: Date,
): OccupiedRecord[] | null {
  if (to <= from) return null;
  const first = Math.floor(from / DAY_MS);
  const last = Math.floor((to - 1) / DAY_MS);
  // Open-ended reads (everything from now on, for a set-up change) go to the database.
  if (last - first > MAX_DAYS) return null;
  const cache = cacheOf(client);
  const days = client.inTransaction
    ? daysInTransaction(client, cache, locationId, first, last)
    : daysRefreshed(client, cache, locationId, first, last);
  if (!days) {
    // Not kept, so read from the database inside this transaction: keep it once the transaction has ended.
    if (client.inTransaction && cache.log?.writer === client && cache.wanted.size < MAX_WANTED)
      cache.wanted.set(`${keyOf(locationId, first)}\u0000${last}`, { locationId, first, last });
    return null;
  }
  // By start (each day is kept in that order): callers that group by day walk them once.
  const out = occupancyOf(days, from, to, now);
  if (cache.rows > MAX_ROWS) dropAll(cache);
  return out;
}

/**
 * Inside the writer's transaction: every day asked for must be kept, and the log (drained and not) must explain
 * every bump since; then the kept rows with the logged appointments read again in this transaction.
 */
function daysInTransaction(
  client: Database.Database,
  cache: Cache,
  locationId: string,
  first: number,
  last: number,
): CachedDay[] | null {
  const log = cache.log;
  const byDay = cache.days.get(locationId);
  if (!log || log.writer !== client || !byDay) return null;
  const st = statementsOf(client);
  const versions = versionsOf(st, locationId, first, last);
  const changes: number[][] = [];
  const all = new Set<number>();
  for (let d = first; d <= last; d++) {
    const day = byDay.get(d);
    if (!day) return null;
    const ids = [...(log.drained.get(keyOf(locationId, d)) ?? []), ...(log.undrained.all(locationId, d) as number[])];
    if ((versions.get(d) ?? 0) - day.version !== ids.length) return null;
    changes.push(ids);
    for (const id of ids) all.add(id);
  }
  const fresh = all.size > 0 ? readByIds(st, [...all]) : [];
  const out: CachedDay[] = [];
  for (let d = first; d <= last; d++) {
    const day = byDay.get(d) as CachedDay;
    const ids = changes[d - first] as number[];
    out.push(ids.length === 0 ? day : patched(day, versions.get(d) ?? 0, new Set(ids), fresh, locationId, d));
  }
  return out;
}

/** Up to this many changed appointments are read one statement each (see `readByIds`). */
const FEW_IDS = 16;

/**
 * The appointments a log names (once each: a booking's row and its item bump a day twice), as read now. A few — a
 * booking's transaction, the catch-up after a group — are read one by one with a plain key look-up, which costs a
 * fraction of passing them through json_each; many in one statement.
 */
function readByIds(st: Statements, ids: readonly number[]): ReadRow[] {
  const unique = new Set(ids);
  if (unique.size > FEW_IDS) return st.byIds.all(JSON.stringify([...unique])) as ReadRow[];
  const rows: ReadRow[] = [];
  for (const id of unique) {
    const row = st.byId.get(id) as ReadRow | undefined;
    if (row) rows.push(row);
  }
  return rows;
}

function versionsOf(st: Statements, locationId: string, first: number, last: number): Map<number, number> {
  const versions = new Map<number, number>();
  for (const v of st.versions.all(locationId, first, last) as { day: number; version: number }[])
    versions.set(v.day, v.version);
  return versions;
}

/** Outside a transaction: the days asked for as committed now, each brought up to date and kept. */
function daysRefreshed(
  client: Database.Database,
  cache: Cache,
  locationId: string,
  first: number,
  last: number,
): CachedDay[] | null {
  const log = cache.log;
  // The writer's open transaction may hold log rows that will roll back: they must not be drained, and committed
  // ones may wait behind them. Read the database this time.
  if (log && (log.writer.inTransaction || !log.writer.open)) return null;
  if (log) drain(cache, log);
  const st = statementsOf(client);
  // One read transaction: the versions and the rows read again are of the same committed state.
  return client
    .transaction(() => {
      let byDay = cache.days.get(locationId);
      if (!byDay) {
        byDay = new Map();
        cache.days.set(locationId, byDay);
      }
      const versions = versionsOf(st, locationId, first, last);
      const stale: number[] = [];
      const patch: { d: number; ids: number[] }[] = [];
      for (let d = first; d <= last; d++) {
        const day = byDay.get(d);
        const version = versions.get(d) ?? 0;
        if (day?.version === version) continue;
        const ids = day ? log?.drained.get(keyOf(locationId, d)) : undefined;
        if (day && ids && version - day.version === ids.length) patch.push({ d, ids });
        else stale.push(d);
      }
      const store = (d: number, day: CachedDay) => {
        cache.rows += day.rows.length - (byDay.get(d)?.rows.length ?? 0);
        byDay.set(d, day);
        log?.drained.delete(keyOf(locationId, d));
      };
      if (patch.length > 0) {
        const all = new Set(patch.flatMap((p) => p.ids));
        const fresh = readByIds(st, [...all]);
        for (const { d, ids } of patch)
          store(d, patched(byDay.get(d) as CachedDay, versions.get(d) ?? 0, new Set(ids), fresh, locationId, d));
      }
      // Consecutive stale days are read in one query.
      for (let k = 0; k < stale.length; ) {
        let j = k;
        while (j + 1 < stale.length && (stale[j + 1] as number) === (stale[j] as number) + 1) j++;
        const lo = stale[k] as number;
        const hi = stale[j] as number;
        const fresh = new Map<number, CachedDay>();
        for (let d = lo; d <= hi; d++) fresh.set(d, { version: versions.get(d) ?? 0, rows: [], holdExpiresAt: [] });
        for (const r of st.read.all(locationId, lo * DAY_MS, (hi + 1) * DAY_MS) as ReadRow[]) {
          const day = fresh.get(Math.floor(r.startsAt / DAY_MS));
          if (!day) continue;
          day.rows.push(recordOf(r));
          day.holdExpiresAt.push(r.status === 'held' ? r.holdExpiresAt : null);
        }
        for (const [d, day] of fresh) store(d, day);
        k = j + 1;
      }
      const out: CachedDay[] = [];
      for (let d = first; d <= last; d++) out.push(byDay.get(d) as CachedDay);
      return out;
    })
    .deferred();
}

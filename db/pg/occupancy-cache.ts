import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { OccupiedRecord } from '../../server/scheduling/appointment-store.ts';
import { type CachedDay, DAY_MS, type FreshRow, occupancyOf, patched } from '../occupancy-days.ts';
import { type PreparedStatement, queryOf } from './batching.ts';
import type { PgDb } from './client.ts';

/**
 * The committed occupancy of locations kept in memory by one storage (one node), by UTC day, each day with the
 * version migration 0008 bumps in every transaction that changes it, on any node (ARCHITECTURE.md, "Occupancy in
 * memory"). The pure part is shared with SQLite's cache (db/occupancy-days.ts); what differs is how a moved day is
 * brought up to date: PostgreSQL logs which appointment each bump was for (`appointment_day_changes`), so every
 * node reads again only the appointments changed since the version it keeps, whoever changed them.
 *
 * ONE statement answers a read: the versions of the days asked for, the changed appointments of the days kept,
 * and every row of the days not kept (or whose log no longer reaches back to the kept version). One statement is
 * one snapshot, so the versions and rows agree; inside a booking it is the statement the office-day lock goes
 * with (db/pg/batching.ts), so the placement decides on the day as committed after the lock, plus its own writes.
 *
 * Only committed states are kept: a day whose version row this transaction wrote (its `xmin` is the transaction's
 * own id, or a savepoint's of it — a group commit's members, db/pg/storage.ts) is answered and not kept, since its
 * number may roll back and be reused by the next commit. Every write to a day's appointments or their items bumps
 * that row, so a day this transaction did not bump is as committed.
 */

/** Rows kept per storage at most; beyond it the cache starts again (a safety bound, not a tuning knob). */
const MAX_ROWS = 400_000;
/** Longer ranges than the booking window are read from the database. */
const MAX_DAYS = 400;

export interface OccupancyCache {
  days: Map<string, Map<number, CachedDay>>;
  rows: number;
}

export function newOccupancyCache(): OccupancyCache {
  return { days: new Map(), rows: 0 };
}

/**
 * One row of the statement: a day's version (`day` set; `id` then the appointment id reserved, if asked for) or an
 * appointment (`whole`: of a day read in full).
 */
interface Row extends Record<string, unknown> {
  day: number | null;
  version: number | null;
  mine: boolean | null;
  whole: boolean | null;
  /** The appointments logged as changed on the day since the kept version (gone ones included). */
  changed: number[] | null;
  /** The scheduling configuration version in the statement's snapshot (on the day rows). */
  configVersion: number | null;
  id: number;
  locationId: string;
  counterId: number;
  startsAt: number;
  endsAt: number;
  status: OccupiedRecord['status'];
  channel: OccupiedRecord['channel'];
  holdExpiresAt: number | null;
  serviceIds: number[];
}

const recordOf = (r: Row & FreshRow): OccupiedRecord => ({
  id: r.id,
  counterId: r.counterId,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  status: r.status,
  channel: r.channel,
  serviceIds: r.serviceIds,
});

const COLUMNS = sql`a.id AS "id", a.location_id AS "locationId", a.counter_id AS "counterId",
  (extract(epoch FROM a.starts_at) * 1000)::float8 AS "startsAt",
  (extract(epoch FROM a.ends_at) * 1000)::float8 AS "endsAt",
  a.status AS "status", a.channel AS "channel",
  (extract(epoch FROM a.hold_expires_at) * 1000)::float8 AS "holdExpiresAt",
  ARRAY(SELECT i.service_id FROM appointment_items i WHERE i.appointment_id = a.id ORDER BY i.id) AS "serviceIds"`;

/**
 * The statement: for each day asked for, its version and whether this transaction wrote it (`mine`: its version
 * row's writer is this transaction, or still in progress — a row visible to this statement whose writer has not
 * committed is this transaction's own, written in a savepoint of it by a group commit's member; the row's 32-bit
 * xid is widened to an xid8 for pg_xact_status as the nearest one to the snapshot's xmax, which this transaction's
 * own xids may lie above; no SQL comment here may hold a quote: db/pg/batching.ts inlines parameters); then the appointments
 * logged as changed since the kept version (any status, wherever they are now); then every row that may take its
 * counter's time on the days read in full (not kept, or the log does not explain every bump since).
 */
function statementOf(locationId: unknown, days: unknown, since: unknown, reserve: unknown) {
  return sql`
    WITH r AS (SELECT CASE WHEN ${reserve}::boolean THEN nextval(pg_get_serial_sequence('appointments', 'id')) END AS id),
    w AS (SELECT * FROM unnest(${sql.param(days)}::int[], ${sql.param(since)}::int8[]) AS w(day, since)),
    v AS (
      SELECT w.day, w.since, coalesce(d.version, 0) AS version,
             CASE WHEN d.xmin IS NULL THEN false
                  WHEN d.xmin = pg_current_xact_id_if_assigned()::xid THEN true
                  WHEN d.xmin::text::int8 < 3 THEN false
                  ELSE coalesce(pg_xact_status(nullif(greatest(s.xmax + ((d.xmin::text::int8 - (s.xmax & 4294967295)
                         + 2147483648) % 4294967296 + 4294967296) % 4294967296 - 2147483648, -1), -1)::text::xid8)
                         = 'in progress', false)
             END AS mine
        FROM w LEFT JOIN appointment_day_versions d ON d.location_id = ${locationId} AND d.day = w.day,
             (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::int8 AS xmax) s),
    c AS (
      SELECT c.day, c.appointment_id FROM v
        JOIN appointment_day_changes c ON c.location_id = ${locationId} AND c.day = v.day AND c.version > v.since
       WHERE v.since >= 0 AND v.version > v.since),
    n AS (
      SELECT v.day, v.version, v.mine,
             v.since < 0 OR v.version < v.since
               OR (SELECT count(*) FROM c WHERE c.day = v.day) <> v.version - v.since AS whole,
             ARRAY(SELECT DISTINCT c.appointment_id FROM c WHERE c.day = v.day) AS changed
        FROM v)
    SELECT n.day, n.version::float8 AS "version", n.mine, n.whole, n.changed,
           (SELECT cv.version FROM scheduling_config_version cv WHERE cv.id = 1)::float8 AS "configVersion",
           r.id::int AS "id", NULL::text AS "locationId",
           NULL::int AS "counterId", NULL::float8 AS "startsAt", NULL::float8 AS "endsAt", NULL::text AS "status",
           NULL::text AS "channel", NULL::float8 AS "holdExpiresAt", NULL::int[] AS "serviceIds"
      FROM n, r
    UNION ALL
    SELECT NULL, NULL, NULL, false, NULL, NULL, ${COLUMNS}
      FROM appointments a
     WHERE a.id IN (SELECT c.appointment_id FROM c JOIN n ON n.day = c.day AND NOT n.whole)
    UNION ALL
    SELECT NULL, NULL, NULL, true, NULL, NULL, ${COLUMNS}
      FROM n JOIN appointments a ON a.location_id = ${locationId}
       AND a.starts_at >= to_timestamp(n.day * 86400.0) AND a.starts_at < to_timestamp((n.day + 1) * 86400.0)
     WHERE n.whole AND a.status IN ('held', 'booked', 'checked-in')`;
}

/**
 * The statement as a named prepared statement (one text for every read; `reserve` is a parameter): PostgreSQL
 * parses and plans its text once per connection instead of on every read — about 0.8 ms of the server's CPU per
 * read unprepared against 0.1 ms prepared (issue #9). On the pool node-postgres prepares it on each connection
 * the first time; inside a write transaction db/pg/batching.ts sends `EXECUTE` of it in its batch, on a
 * connection that db/pg/storage.ts prepared it on at checkout. Drizzle builds the text once, here.
 */
export const OCCUPANCY_STATEMENT = (() => {
  const marks = { location: '\u0000location', days: [-1], since: [-2], reserve: '\u0000reserve' };
  const { text, params } = queryOf(statementOf(marks.location, marks.days, marks.since, marks.reserve));
  const order = params.map((p) => {
    const at = Object.entries(marks).find(([, mark]) => mark === p)?.[0];
    if (!at) throw new Error('occupancy: a parameter of the statement is not one of its inputs');
    return at as keyof typeof marks;
  });
  return {
    name: 'loket_occupancy',
    text,
    valuesOf: (v: { location: string; days: number[]; since: number[]; reserve: boolean }) => order.map((k) => v[k]),
    sample: order.map((k) => (k === 'location' ? '' : k === 'reserve' ? false : [])),
  } satisfies PreparedStatement & { valuesOf: unknown };
})();

const byStart = (a: OccupiedRecord, b: OccupiedRecord) => a.startsAt - b.startsAt || a.id - b.id;

/**
 * Occupancy of [from, to) at `now`, from the days kept and what changed since, in one statement, with the scheduling
 * configuration version of the same snapshot (a read on the pool decides on a kept office when it is unchanged,
 * server/scheduling/availability.ts); null when the
 * range is too long to keep (the caller reads the database). Days this transaction has not written are kept.
 * `reserveId`: the same statement draws an appointment id from the sequence, for a booking to insert with later
 * (db/pg/appointment-store.ts#insertBooked).
 */
export async function cachedOccupancy(
  db: PgDb,
  cache: OccupancyCache,
  locationId: string,
  from: number,
  to: number,
  now: Date,
  reserveId = false,
): Promise<{ occupancy: OccupiedRecord[]; reservedId: number | null; configVersion: number } | null> {
  if (to <= from) return null;
  const first = Math.floor(from / DAY_MS);
  const last = Math.floor((to - 1) / DAY_MS);
  // Open-ended reads (everything from now on, for a set-up change) go to the database.
  if (last - first > MAX_DAYS) return null;
  let byDay = cache.days.get(locationId);
  if (!byDay) {
    byDay = new Map();
    cache.days.set(locationId, byDay);
  }
  const days: number[] = [];
  const since: number[] = [];
  // The kept days this read starts from (a concurrent read may replace them meanwhile).
  const base = new Map<number, CachedDay>();
  for (let d = first; d <= last; d++) {
    days.push(d);
    const kept = byDay.get(d);
    if (kept) base.set(d, kept);
    since.push(kept ? kept.version : -1);
  }
  const client = (db as unknown as { $client: Pick<pg.Pool, 'query'> }).$client;
  const result = await client.query<Row>({
    name: OCCUPANCY_STATEMENT.name,
    text: OCCUPANCY_STATEMENT.text,
    values: OCCUPANCY_STATEMENT.valuesOf({ location: locationId, days, since, reserve: reserveId }),
  });
  let reservedId: number | null = null;
  let configVersion = -1;
  const heads = new Map<number, { version: number; mine: boolean; whole: boolean; changed: number[] }>();
  const changed: Row[] = [];
  const wholeRows = new Map<number, Row[]>();
  for (const r of result.rows) {
    if (r.day !== null) {
      reservedId = r.id;
      configVersion = r.configVersion ?? -1;
      heads.set(r.day, {
        version: r.version ?? 0,
        mine: r.mine ?? false,
        whole: r.whole ?? true,
        changed: r.changed ?? [],
      });
    } else if (r.whole) {
      const d = Math.floor(r.startsAt / DAY_MS);
      const list = wholeRows.get(d);
      if (list) list.push(r);
      else wholeRows.set(d, [r]);
    } else changed.push(r);
  }
  const out: CachedDay[] = [];
  for (const d of days) {
    const head = heads.get(d);
    if (!head) throw new Error(`occupancy: no version of day ${d}`);
    const kept = base.get(d);
    let day: CachedDay;
    if (head.whole || !kept) {
      const rows = (wholeRows.get(d) ?? []).sort(byStart);
      day = {
        version: head.version,
        rows: rows.map(recordOf),
        holdExpiresAt: rows.map((r) => (r.status === 'held' ? r.holdExpiresAt : null)),
      };
    } else if (head.version === kept.version) day = kept;
    else day = patched(kept, head.version, new Set(head.changed), changed, locationId, d, recordOf);
    out.push(day);
    // Kept: a committed state (this transaction did not write the day), newer than what is kept now.
    const current = byDay.get(d);
    if (!head.mine && day !== current && (!current || current.version < day.version)) {
      cache.rows += day.rows.length - (current?.rows.length ?? 0);
      byDay.set(d, day);
    }
  }
  const answer = occupancyOf(out, from, to, now);
  if (cache.rows > MAX_ROWS) {
    cache.days.clear();
    cache.rows = 0;
  }
  return { occupancy: answer, reservedId, configVersion };
}

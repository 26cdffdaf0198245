import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import {
  type ActiveTicket,
  type CounterInfo,
  type CounterRow,
  formatTicketNumber,
  type LineTicket,
  type LocationRow,
  type ServiceInfo,
  type TicketRow,
} from '../../server/queue/queue-model.ts';
import type {
  CheckInAppointment,
  LiveQueue,
  QueueStore,
  TicketChanges,
  TicketEventRecord,
} from '../../server/queue/queue-store.ts';
import {
  ACTIVE_STATUSES,
  emptyQueueConfig,
  learningSampleQuery,
  MAX_KEPT_ANSWERS,
  type QueueConfigCache,
  recentCallQuery,
  serviceSamplesOf,
  toCounterInfo,
  toRecentCall,
  toServiceInfo,
  waitEventQuery,
  withLineTicket,
} from '../records/queue.ts';
import { queryableOf, sendTextLater } from './batching.ts';
import type { PgDb } from './client.ts';
import {
  appointmentItems,
  appointments,
  counterSkills,
  counters,
  locationServices,
  locations,
  services,
  staffUsers,
  ticketEvents,
  ticketItems,
  tickets,
} from './schema/index.ts';

export type { QueueConfigCache } from '../records/queue.ts';

/**
 * The configuration cache (db/records/queue.ts; the triggers of migration 0001 bump the version), one per
 * storage (per database). Only the queue's own transactions read through it, and they never change the
 * configuration, so nothing uncommitted is cached. The storage's kept call lines (`KeptLines`) travel with it.
 */
export function newQueueConfigCache(): { current: QueueConfigCache; lines: KeptLines } {
  return { current: emptyQueueConfig(-1), lines: new Map() };
}

/**
 * The call lines kept per storage (node) between presses (ARCHITECTURE.md, "The call line in memory"): per location,
 * the line as of one committed fact — its seq and the fact's id. Fact ids come from a sequence (never reused, not
 * even after a rollback), so a fact id found at that seq later means the same history up to it, and the tickets of
 * the facts after it are all that changed.
 */
export type KeptLines = Map<
  string,
  { serviceDate: string; configVersion: number; seq: number; fact: string; tickets: LineTicket[]; answers: number }
>;
/** A kept line more facts behind than this is read in full. */
const MAX_LINE_CATCH_UP = 100;

const ticketColumns = {
  id: tickets.id,
  municipalityId: tickets.municipalityId,
  locationId: tickets.locationId,
  serviceDate: tickets.serviceDate,
  number: tickets.number,
  letter: tickets.letter,
  sequence: tickets.sequence,
  publicId: tickets.publicId,
  source: tickets.source,
  status: tickets.status,
  priority: tickets.priority,
  appointmentId: tickets.appointmentId,
  dueAt: tickets.dueAt,
  targetCounterId: tickets.targetCounterId,
  counterId: tickets.counterId,
  agentId: tickets.agentId,
  callCount: tickets.callCount,
  predictedWaitSeconds: tickets.predictedWaitSeconds,
  requestKey: tickets.requestKey,
  requestFingerprint: tickets.requestFingerprint,
  language: tickets.language,
  issuedAt: tickets.issuedAt,
  queuedAt: tickets.queuedAt,
  calledAt: tickets.calledAt,
  startedAt: tickets.startedAt,
  finishedAt: tickets.finishedAt,
};

const counterColumns = {
  id: counters.id,
  locationId: counters.locationId,
  name: counters.name,
  active: counters.active,
  state: counters.state,
  agentId: counters.agentId,
  stateSince: counters.stateSince,
};

const locationColumns = {
  id: locations.id,
  municipalityId: locations.municipalityId,
  name: locations.name,
  city: locations.city,
  timeZone: locations.timeZone,
  checkInEarlyMinutes: locations.checkInEarlyMinutes,
  checkInLateGraceMinutes: locations.checkInLateGraceMinutes,
  serviceNormShare: locations.serviceNormShare,
  serviceNormMinutes: locations.serviceNormMinutes,
  tickerText: locations.tickerText,
  callAndStart: locations.callAndStart,
};

/** A ticket with its items (in item order) and its appointment's reference, in one row (outer columns qualified). */
const detailColumns = {
  row: ticketColumns,
  items: sql<{ code: string; persons: number }[] | null>`(
    SELECT json_agg(json_build_object('code', s.code, 'persons', i.persons) ORDER BY i.id)
      FROM ${ticketItems} i JOIN ${services} s ON s.id = i.service_id WHERE i.ticket_id = "tickets"."id")`,
  reference: sql<string | null>`(SELECT a.reference FROM ${appointments} a WHERE a.id = "tickets"."appointment_id")`,
};

type DetailRow = { row: TicketRow; items: { code: string; persons: number }[] | null; reference: string | null };
const toActive = (r: DetailRow): ActiveTicket => ({
  row: r.row,
  services: r.items ?? [],
  appointmentReference: r.reference,
});

/** A line ticket as `lineSelect` reads it (times as epoch milliseconds; `id` null: no changed ticket). */
type LineRow = {
  id: number | null;
  location_id: string;
  service_date: string;
  status: TicketRow['status'];
  number: string;
  counter_id: number | null;
  queued_at: number;
  due_at: number | null;
  priority: number;
  target_counter_id: number | null;
  called_at: number | null;
  items: { code: string; persons: number }[] | null;
  reference: string | null;
};

const msOf = (column: string) => sql.raw(`(extract(epoch from t.${column}) * 1000)::float8 AS ${column}`);
const lineSelect = sql.join(
  [
    sql.raw('t.id, t.location_id, t.service_date, t.status, t.number, t.counter_id'),
    msOf('queued_at'),
    msOf('due_at'),
    sql.raw('t.priority, t.target_counter_id'),
    msOf('called_at'),
    sql`(SELECT json_agg(json_build_object('code', s.code, 'persons', i.persons) ORDER BY i.id)
           FROM ${ticketItems} i JOIN ${services} s ON s.id = i.service_id WHERE i.ticket_id = t.id) AS items`,
    sql`(SELECT a.reference FROM ${appointments} a WHERE a.id = t.appointment_id) AS reference`,
  ],
  sql.raw(', '),
);

function lineTicketOf(r: LineRow): LineTicket {
  return {
    row: {
      id: Number(r.id),
      status: r.status,
      number: r.number,
      counterId: r.counter_id,
      queuedAt: new Date(r.queued_at),
      dueAt: r.due_at === null ? null : new Date(r.due_at),
      priority: r.priority,
      targetCounterId: r.target_counter_id,
      calledAt: r.called_at === null ? null : new Date(r.called_at),
    },
    services: r.items ?? [],
    appointmentReference: r.reference,
  };
}

/** A 64-bit lock key for one (location, day, letter): the ticket numbers handed out there. */
const numberLockKey = (locationId: string, serviceDate: string, letter: string) =>
  sql`hashtextextended(${`ticket-number\u001f${locationId}\u001f${serviceDate}\u001f${letter}`}, 0)`;

/**
 * A clerk's press (call-next, then start) on PostgreSQL as constant SQL, mapped by hand, as on SQLite
 * (db/sqlite/queue-store.ts): drizzle builds a statement's text and its column list anew at every call, and on a
 * press that was most of the node's CPU for its queries (a CPU profile of call-next + start on one node, 2026-12-07:
 * drizzle's query building about 40 % of it). The guarded update (one text per set of changed columns), a counter by
 * id and the ticket event.
 */
/** A column's name as drizzle's `casing: 'snake_case'` makes it of its key (`publicId` → `public_id`). */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const TICKET_SELECT = Object.keys(ticketColumns).map(snake).join(', ');
const TICKET_CHANGE_COLUMNS: Record<keyof TicketChanges, string> = {
  status: 'status',
  counterId: 'counter_id',
  agentId: 'agent_id',
  targetCounterId: 'target_counter_id',
  callCount: 'call_count',
  queuedAt: 'queued_at',
  calledAt: 'called_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
};
const TICKET_FIELDS = Object.keys(ticketColumns).map((key) => [key, snake(key)] as const);
const COUNTER_FIELDS = Object.keys(counterColumns).map((key) => [key, snake(key)] as const);
/** `updateTicketIf`'s statements by their changed columns (a handful in practice). */
const ticketUpdates = new Map<string, string>();
const COUNTER_BY_ID = `SELECT ${Object.keys(counterColumns).map(snake).join(', ')} FROM counters WHERE id = $1`;
const EVENT_INSERT =
  'INSERT INTO ticket_events (ticket_id, location_id, type, at, counter_id, agent_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7)';

const CONFIG_VERSION = 'SELECT version FROM scheduling_config_version WHERE id = 1';
/** The location's counters with their agent's name (`countersWith` once the skills are cached). */
const COUNTERS_OF = `SELECT ${Object.keys(counterColumns)
  .map((k) => `c.${snake(k)}`)
  .join(', ')}, u.display_name AS agent_name
  FROM counters c LEFT JOIN staff_users u ON u.id = c.agent_id WHERE c.location_id = $1 ORDER BY c.id`;
/** Tickets by id with their items (in item order) and their appointment's reference (`detailColumns`). */
const TICKETS_WITH_DETAILS = `SELECT ${Object.keys(ticketColumns)
  .map((k) => `t.${snake(k)}`)
  .join(', ')},
    (SELECT json_agg(json_build_object('code', s.code, 'persons', i.persons) ORDER BY i.id)
      FROM ticket_items i JOIN services s ON s.id = i.service_id WHERE i.ticket_id = t.id) AS items,
    (SELECT a.reference FROM appointments a WHERE a.id = t.appointment_id) AS reference
  FROM tickets t WHERE t.id = ANY($1::int[]) ORDER BY t.id`;

/** A `tickets` row as `TICKET_SELECT` reads it (timestamps come as Dates, as drizzle maps them). */
function ticketRowOf(r: Record<string, unknown>): TicketRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of TICKET_FIELDS) out[key] = r[column];
  return out as unknown as TicketRow;
}

function counterRowOf(r: Record<string, unknown>): CounterRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of COUNTER_FIELDS) out[key] = r[column];
  return out as unknown as CounterRow;
}

/**
 * Appends a ticket event. Nobody reads the row back in the use-case: inside a write transaction it goes with the next
 * statement or COMMIT (db/pg/batching.ts), not as a round trip of its own — call-next + start append three (#9 item 7).
 */
async function appendEvent(db: PgDb, e: TicketEventRecord): Promise<void> {
  const values = [
    e.ticketId,
    e.locationId,
    e.type,
    e.at,
    e.counterId,
    e.agentId,
    e.data === null ? null : JSON.stringify(e.data),
  ];
  await sendTextLater(db, EVENT_INSERT, values);
}

/**
 * The queue repository on PostgreSQL (contract: server/queue/queue-store.ts). Under READ COMMITTED the guards
 * are in the statements: `updateTicketIf` is one `UPDATE … WHERE id = ? AND status = ?` (a concurrent caller
 * waits for the row lock, then finds the status changed and updates nothing), and `insertTicket` takes a
 * transaction-scoped advisory lock per (location, day, letter) before its max+1, so numbers are unique and
 * gap-free across nodes; the unique index is the last line of defence. Reads are few statements: the live
 * queue is the version check, the counters and one statement for the tickets with their items and references.
 */
export function pgQueueStore(db: PgDb, shared: { current: QueueConfigCache; lines?: KeptLines }): QueueStore {
  const config = async (): Promise<QueueConfigCache> => {
    const result = await queryableOf(db).query({ text: CONFIG_VERSION, values: [] });
    const version = Number(result.rows[0]?.version ?? 0);
    if (version !== shared.current.version) shared.current = emptyQueueConfig(version);
    return shared.current;
  };

  const location = async (locationId: string): Promise<LocationRow | null> => {
    const c = await config();
    const hit = c.locations.get(locationId);
    if (hit) return hit;
    const [row] = await db.select(locationColumns).from(locations).where(eq(locations.id, locationId)).limit(1);
    if (row) c.locations.set(locationId, row);
    return row ?? null;
  };

  const servicesWith = async (c: QueueConfigCache, loc: Pick<LocationRow, 'id' | 'municipalityId'>) => {
    const hit = c.services.get(loc.id);
    if (hit) return hit;
    const rows = await db
      .select({ service: services, walkIn: locationServices.walkIn, offered: locationServices.serviceId })
      .from(services)
      .leftJoin(
        locationServices,
        and(eq(locationServices.serviceId, services.id), eq(locationServices.locationId, loc.id)),
      )
      .where(eq(services.municipalityId, loc.municipalityId))
      .orderBy(asc(services.sortOrder), asc(services.id));
    const value: ServiceInfo[] = rows.map(({ service, walkIn, offered }) =>
      toServiceInfo(service, offered === null ? null : { walkIn: walkIn ?? false }),
    );
    c.services.set(loc.id, value);
    return value;
  };

  const countersWith = async (c: QueueConfigCache, locationId: string): Promise<CounterInfo[]> => {
    const cached = c.skills.get(locationId);
    if (cached) {
      // The usual case (a press): constant SQL, no skills.
      const { rows } = await queryableOf(db).query({ text: COUNTERS_OF, values: [locationId] });
      return rows.map((r) => toCounterInfo(counterRowOf(r), r.agent_name as string | null, cached.get(r.id as number)));
    }
    // Skills only when the cache has none for this location: then they come in the same statement.
    const rows = await db
      .select({
        counter: counterColumns,
        agentName: staffUsers.displayName,
        skills: sql<string[] | null>`(SELECT array_agg(s.code ORDER BY s.sort_order, s.id) FROM ${counterSkills} k
               JOIN ${services} s ON s.id = k.service_id WHERE k.counter_id = "counters"."id")`,
      })
      .from(counters)
      .leftJoin(staffUsers, eq(staffUsers.id, counters.agentId))
      .where(eq(counters.locationId, locationId))
      .orderBy(asc(counters.id));
    const skills = new Map(rows.map((r) => [r.counter.id, r.skills ?? []]));
    c.skills.set(locationId, skills);
    return rows.map(({ counter, agentName }) => toCounterInfo(counter, agentName, skills.get(counter.id)));
  };

  const checkInAppointment = async (where: ReturnType<typeof eq>): Promise<CheckInAppointment | null> => {
    const [row] = await db
      .select({
        id: appointments.id,
        locationId: appointments.locationId,
        startsAt: appointments.startsAt,
        status: appointments.status,
        language: appointments.language,
        items: sql<{ serviceId: number; persons: number }[] | null>`(
          SELECT json_agg(json_build_object('serviceId', i.service_id, 'persons', i.persons) ORDER BY i.id)
            FROM ${appointmentItems} i WHERE i.appointment_id = "appointments"."id")`,
      })
      .from(appointments)
      .where(where)
      .limit(1);
    return row ? { ...row, items: row.items ?? [] } : null;
  };

  const oneTicket = async (where: ReturnType<typeof eq>): Promise<TicketRow | null> =>
    (await db.select(ticketColumns).from(tickets).where(where).limit(1))[0] ?? null;

  /** The day's active tickets of a location (waiting, called, serving). */
  const activeOf = (locationId: string, serviceDate: string) =>
    and(
      eq(tickets.locationId, locationId),
      eq(tickets.serviceDate, serviceDate),
      inArray(tickets.status, ['waiting', 'called', 'serving']),
    );

  /**
   * The day's active tickets as call-next ranks them: the kept line brought up to date with the tickets of the facts
   * after it (one statement, so one snapshot), or read in full. A line is kept only from a statement of a transaction
   * that has written nothing yet (`pg_current_xact_id_if_assigned()` is null), so it is a committed state; and used
   * only in one, so no write of this transaction without a fact is left out.
   */
  const lineTickets = async (configVersion: number, locationId: string, serviceDate: string): Promise<LineTicket[]> => {
    const lines = shared.lines;
    const kept = lines?.get(locationId);
    /** Keeps the line as of the fact `fact` (its seq `seq`), answered `answers` times since it was read in full. */
    const keep = (seq: number, fact: string, line: LineTicket[], answers: number) =>
      lines?.set(locationId, { serviceDate, configVersion, seq, fact, tickets: line, answers });
    if (
      lines &&
      kept &&
      kept.serviceDate === serviceDate &&
      kept.configVersion === configVersion &&
      kept.answers < MAX_KEPT_ANSWERS
    ) {
      const result = await db.execute<
        LineRow & { head_seq: number; head_fact: string | null; kept_fact: string | null; clean: boolean }
      >(
        sql`WITH head AS (
              SELECT s.seq,
                (SELECT e.id FROM cluster_events e WHERE e.location_id = s.location_id AND e.seq = s.seq) AS fact,
                (SELECT e.id FROM cluster_events e WHERE e.location_id = s.location_id AND e.seq = ${kept.seq}) AS kept_fact
              FROM cluster_seq s WHERE s.location_id = ${locationId}
            ), changed AS (
              SELECT DISTINCT e.ticket_id FROM cluster_events e, head h
              WHERE e.location_id = ${locationId} AND e.seq > ${kept.seq} AND e.seq <= h.seq
                AND h.seq - ${kept.seq} <= ${MAX_LINE_CATCH_UP} AND e.ticket_id IS NOT NULL
            )
            SELECT h.seq AS head_seq, h.fact::text AS head_fact, h.kept_fact::text AS kept_fact,
              pg_current_xact_id_if_assigned() IS NULL AS clean, ${lineSelect}
            FROM head h LEFT JOIN ${tickets} t ON t.id IN (SELECT ticket_id FROM changed)`,
      );
      const [first] = result.rows;
      if (
        first?.clean &&
        first.kept_fact === kept.fact &&
        first.head_fact !== null &&
        first.head_seq - kept.seq <= MAX_LINE_CATCH_UP
      ) {
        let line = kept.tickets;
        for (const r of result.rows) {
          if (r.id === null) continue;
          const onLine =
            r.location_id === locationId && r.service_date === serviceDate && ACTIVE_STATUSES.has(r.status);
          line = withLineTicket(line, Number(r.id), onLine ? lineTicketOf(r) : undefined);
        }
        keep(first.head_seq, first.head_fact, line, kept.answers + 1);
        return line;
      }
      lines.delete(locationId);
    }
    const result = await db.execute<LineRow & { head_seq: number | null; head_fact: string | null; clean: boolean }>(
      sql`WITH head AS (
            SELECT s.seq,
              (SELECT e.id FROM cluster_events e WHERE e.location_id = s.location_id AND e.seq = s.seq) AS fact
            FROM cluster_seq s WHERE s.location_id = ${locationId}
          )
          SELECT (SELECT seq FROM head) AS head_seq, (SELECT fact FROM head)::text AS head_fact,
            pg_current_xact_id_if_assigned() IS NULL AS clean, ${lineSelect}
          FROM ${tickets} t
          WHERE t.location_id = ${locationId} AND t.service_date = ${serviceDate}
            AND t.status IN ('waiting', 'called', 'serving')
          ORDER BY t.id`,
    );
    const line = result.rows.map(lineTicketOf);
    const [first] = result.rows;
    if (first?.clean && first.head_seq !== null && first.head_fact !== null)
      keep(first.head_seq, first.head_fact, line, 0);
    return line;
  };

  const liveQueue = async (
    loc: Pick<LocationRow, 'id' | 'municipalityId'>,
    serviceDate: string,
  ): Promise<LiveQueue> => {
    const c = await config();
    const [serviceList, counterList, rows] = await Promise.all([
      servicesWith(c, loc),
      countersWith(c, loc.id),
      db.select(detailColumns).from(tickets).where(activeOf(loc.id, serviceDate)).orderBy(asc(tickets.id)),
    ]);
    return { services: serviceList, counters: counterList, tickets: rows.map(toActive) };
  };

  return {
    // One `shared` per storage, for its pool and every transaction: the database's identity.
    cacheScope: shared,
    location,
    services: async (loc) => servicesWith(await config(), loc),
    counters: async (locationId) => countersWith(await config(), locationId),
    liveQueue,
    callLine: async (loc, serviceDate) => {
      const c = await config();
      const [serviceList, counterList, tickets] = await Promise.all([
        servicesWith(c, loc),
        countersWith(c, loc.id),
        lineTickets(c.version, loc.id, serviceDate),
      ]);
      return { services: serviceList, counters: counterList, tickets };
    },
    recentCalls: async (locationId, serviceDate, limit) => {
      const q = recentCallQuery(ticketEvents, tickets, locationId, serviceDate);
      const rows = await db
        .select(q.columns)
        .from(ticketEvents)
        .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
        .where(q.where)
        .orderBy(desc(ticketEvents.id))
        .limit(limit);
      return rows.map(toRecentCall);
    },
    learningHistory: async (locationId, since) => {
      const samples = learningSampleQuery(tickets, services, ticketItems, locationId, since);
      const waits = waitEventQuery(ticketEvents, locationId, since);
      const [rows, waitEvents] = await Promise.all([
        db
          .select(samples.columns)
          .from(tickets)
          .innerJoin(ticketItems, eq(ticketItems.ticketId, tickets.id))
          .innerJoin(services, eq(services.id, ticketItems.serviceId))
          .where(samples.where)
          .orderBy(asc(tickets.id), asc(ticketItems.id)),
        db.select(waits.columns).from(ticketEvents).where(waits.where).orderBy(asc(ticketEvents.id)),
      ]);
      return { serviceSamples: serviceSamplesOf(rows, waitEvents), waitEvents };
    },

    ticket: (ticketId) => oneTicket(eq(tickets.id, ticketId)),
    ticketByPublicId: (publicId) => oneTicket(eq(tickets.publicId, publicId)),
    ticketByRequestKey: async (locationId, requestKey) =>
      (
        await db
          .select(ticketColumns)
          .from(tickets)
          .where(and(eq(tickets.locationId, locationId), eq(tickets.requestKey, requestKey)))
          .limit(1)
      )[0] ?? null,
    ticketOfAppointment: (appointmentId) => oneTicket(eq(tickets.appointmentId, appointmentId)),
    ticketsWithDetails: async (ticketIds) => {
      if (ticketIds.length === 0) return [];
      const { rows } = await queryableOf(db).query({ text: TICKETS_WITH_DETAILS, values: [[...ticketIds]] });
      return rows.map((r) => ({
        row: ticketRowOf(r),
        services: (r.items as { code: string; persons: number }[] | null) ?? [],
        appointmentReference: r.reference as string | null,
      }));
    },
    insertTicket: async ({ items, ...input }) => {
      // Numbers per (location, day, letter) are handed out one transaction at a time across nodes; the lock
      // is released at commit. The max+1 below runs after it is granted, so it sees the previous holder's row.
      await db.execute(
        sql`SELECT pg_advisory_xact_lock(${numberLockKey(input.locationId, input.serviceDate, input.letter)})`,
      );
      const [last] = await db
        .select({ seq: sql<number | null>`max(${tickets.sequence})` })
        .from(tickets)
        .where(
          and(
            eq(tickets.locationId, input.locationId),
            eq(tickets.serviceDate, input.serviceDate),
            eq(tickets.letter, input.letter),
          ),
        );
      const sequence = Number(last?.seq ?? 0) + 1;
      const [row] = await db
        .insert(tickets)
        .values({ ...input, sequence, number: formatTicketNumber(input.letter, sequence) })
        .returning(ticketColumns);
      if (!row) throw new Error('insertTicket: no row returned');
      if (items.length > 0) {
        await db
          .insert(ticketItems)
          .values(items.map((i) => ({ ticketId: row.id, serviceId: i.serviceId, persons: i.persons })));
      }
      return row;
    },
    setPredictedWait: async (ticketId, seconds) => {
      await db.update(tickets).set({ predictedWaitSeconds: seconds }).where(eq(tickets.id, ticketId));
    },
    updateTicketIf: async (ticketId, expected, changes) => {
      const keys = (Object.keys(changes) as (keyof TicketChanges)[]).filter((k) => changes[k] !== undefined).sort();
      if (keys.length === 0) return oneTicket(and(eq(tickets.id, ticketId), eq(tickets.status, expected)) as SQL);
      const key = keys.join(',');
      let text = ticketUpdates.get(key);
      if (text === undefined) {
        const set = keys.map((k, i) => `${TICKET_CHANGE_COLUMNS[k]} = $${i + 1}`).join(', ');
        text = `UPDATE tickets SET ${set} WHERE id = $${keys.length + 1} AND status = $${keys.length + 2} RETURNING ${TICKET_SELECT}`;
        ticketUpdates.set(key, text);
      }
      const { rows } = await queryableOf(db).query({
        text,
        values: [...keys.map((k) => changes[k]), ticketId, expected],
      });
      return rows[0] ? ticketRowOf(rows[0]) : null;
    },
    replaceTicketService: async (ticketId, serviceId, persons) => {
      await db.delete(ticketItems).where(eq(ticketItems.ticketId, ticketId));
      await db.insert(ticketItems).values({ ticketId, serviceId, persons });
    },
    // Nobody reads the row back in the use-case: inside a write transaction it goes with the next statement or COMMIT
    // (db/pg/batching.ts), not as a round trip of its own — call-next + start append three (#9 item 7).
    appendTicketEvent: async (event) => {
      await appendEvent(db, event);
    },

    counter: async (counterId) => {
      const { rows } = await queryableOf(db).query({ text: COUNTER_BY_ID, values: [counterId] });
      return rows[0] ? counterRowOf(rows[0]) : null;
    },
    counterOfAgent: async (userId) =>
      (
        await db
          .select(counterColumns)
          .from(counters)
          .where(eq(counters.agentId, userId))
          .orderBy(asc(counters.id))
          .limit(1)
      )[0] ?? null,
    hasActiveTicket: async (counterId) =>
      (
        await db
          .select({ id: tickets.id })
          .from(tickets)
          .where(and(eq(tickets.counterId, counterId), inArray(tickets.status, ['called', 'serving'])))
          .limit(1)
      ).length > 0,
    updateCounter: async (counterId, changes) =>
      (await db.update(counters).set(changes).where(eq(counters.id, counterId)).returning(counterColumns))[0] ?? null,

    appointmentByCheckInCode: (locationId, serviceDate, code) =>
      checkInAppointment(
        and(
          eq(appointments.locationId, locationId),
          eq(appointments.serviceDate, serviceDate),
          eq(appointments.checkInCode, code),
        ) as ReturnType<typeof eq>,
      ),
    appointmentByReference: (reference) => checkInAppointment(eq(appointments.reference, reference)),
    setAppointmentStatus: async (appointmentId, status, checkedInAt) => {
      await db
        .update(appointments)
        .set(checkedInAt ? { status, checkedInAt } : { status })
        .where(eq(appointments.id, appointmentId));
    },
  };
}

import type { Statement } from 'better-sqlite3';
import { and, desc, eq, inArray, max } from 'drizzle-orm';
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
import type { CheckInAppointment, QueueStore, TicketChanges } from '../../server/queue/queue-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
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
import {
  appointmentItems,
  appointments,
  counterSkills,
  counters,
  locationServices,
  locations,
  services,
  ticketEvents,
  ticketItems,
  tickets,
} from '../schema/index.ts';

/** A ticket's columns in TicketRow's order; `ticketOf` maps a raw row (an array) read with them. */
const TICKET_COLUMNS = [
  'id',
  'municipality_id',
  'location_id',
  'service_date',
  'number',
  'letter',
  'sequence',
  'public_id',
  'source',
  'status',
  'priority',
  'appointment_id',
  'due_at',
  'target_counter_id',
  'counter_id',
  'agent_id',
  'call_count',
  'predicted_wait_seconds',
  'request_key',
  'request_fingerprint',
  'language',
  'issued_at',
  'queued_at',
  'called_at',
  'started_at',
  'finished_at',
];
const T_COLUMNS = TICKET_COLUMNS.map((c) => `t.${c}`).join(', ');
const ACTIVE = "('waiting', 'called', 'serving')";

const dateOf = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as number));

function ticketOf(r: unknown[]): TicketRow {
  return {
    id: r[0] as number,
    municipalityId: r[1] as string,
    locationId: r[2] as string,
    serviceDate: r[3] as string,
    number: r[4] as string,
    letter: r[5] as string,
    sequence: r[6] as number,
    publicId: r[7] as string,
    source: r[8] as TicketRow['source'],
    status: r[9] as TicketRow['status'],
    priority: r[10] as number,
    appointmentId: r[11] as number | null,
    dueAt: dateOf(r[12]),
    targetCounterId: r[13] as number | null,
    counterId: r[14] as number | null,
    agentId: r[15] as number | null,
    callCount: r[16] as number,
    predictedWaitSeconds: r[17] as number | null,
    requestKey: r[18] as string | null,
    requestFingerprint: r[19] as string | null,
    language: r[20] as TicketRow['language'],
    issuedAt: dateOf(r[21]) as Date,
    queuedAt: dateOf(r[22]) as Date,
    calledAt: dateOf(r[23]),
    startedAt: dateOf(r[24]),
    finishedAt: dateOf(r[25]),
  };
}

function counterOf(r: unknown[]): CounterRow {
  return {
    id: r[0] as number,
    locationId: r[1] as string,
    name: r[2] as string,
    active: r[3] === 1,
    state: r[4] as CounterRow['state'],
    agentId: r[5] as number | null,
    stateSince: dateOf(r[6]),
  };
}

/** The columns `updateTicketIf` may change, and whether each is a time (stored as epoch milliseconds). */
const TICKET_CHANGES: Record<keyof TicketChanges, [column: string, time: boolean]> = {
  status: ['status', false],
  counterId: ['counter_id', false],
  agentId: ['agent_id', false],
  targetCounterId: ['target_counter_id', false],
  callCount: ['call_count', false],
  queuedAt: ['queued_at', true],
  calledAt: ['called_at', true],
  startedAt: ['started_at', true],
  finishedAt: ['finished_at', true],
};

/**
 * The hub and the queue's use-cases run a few queries on every call (call, start, broadcast, estimates).
 * Building each with drizzle, preparing it in SQLite and mapping every column of a few hundred rows through
 * drizzle's row mapper cost far more CPU than running them (profiles of bench:hub and bench:scale part 4), so the
 * hot ones are plain SQL, prepared once per connection, read as arrays (`raw`) and mapped by hand (`ticketOf`).
 * Variable id lists go in as one JSON array (`json_each`), so one statement serves every length. The rest of
 * the repository stays with drizzle.
 */
function buildStatements(db: Db) {
  const c = db.$client;
  const ticketsWhere = (where: string) =>
    c
      .prepare(
        `SELECT ${T_COLUMNS}, a.reference FROM tickets t LEFT JOIN appointments a ON a.id = t.appointment_id
         WHERE ${where} ORDER BY t.id`,
      )
      .raw();
  const itemsWhere = (where: string) =>
    c
      .prepare(
        `SELECT i.ticket_id, s.code, i.persons FROM ticket_items i JOIN services s ON s.id = i.service_id
         WHERE ${where} ORDER BY i.id`,
      )
      .raw();
  return {
    ticketById: c.prepare(`SELECT ${T_COLUMNS} FROM tickets t WHERE t.id = ?`).raw(),
    counterById: c
      .prepare('SELECT id, location_id, name, active, state, agent_id, state_since FROM counters WHERE id = ?')
      .raw(),
    ticketsByIds: ticketsWhere('t.id IN (SELECT value FROM json_each(?))'),
    itemsByIds: itemsWhere('i.ticket_id IN (SELECT value FROM json_each(?))'),
    activeTickets: ticketsWhere(`t.location_id = ? AND t.service_date = ? AND t.status IN ${ACTIVE}`),
    /** `callLine`'s tickets: LineTicket's columns in its order, then the appointment reference. */
    lineTickets: c
      .prepare(
        `SELECT t.id, t.status, t.number, t.counter_id, t.queued_at, t.due_at, t.priority, t.target_counter_id,
                t.called_at, a.reference
         FROM tickets t LEFT JOIN appointments a ON a.id = t.appointment_id
         WHERE t.location_id = ? AND t.service_date = ? AND t.status IN ${ACTIVE} ORDER BY t.id`,
      )
      .raw(),
    /** One ticket of `lineTickets` by id, and its items (the kept line's patches, below). */
    lineTicketById: c
      .prepare(
        `SELECT t.id, t.status, t.number, t.counter_id, t.queued_at, t.due_at, t.priority, t.target_counter_id,
                t.called_at, a.reference
         FROM tickets t LEFT JOIN appointments a ON a.id = t.appointment_id WHERE t.id = ?`,
      )
      .raw(),
    itemsById: itemsWhere('i.ticket_id = ?'),
    seqOf: c.prepare('SELECT seq FROM cluster_seq WHERE location_id = ?').pluck(),
    activeItems: itemsWhere(
      `i.ticket_id IN (SELECT id FROM tickets WHERE location_id = ? AND service_date = ? AND status IN ${ACTIVE})`,
    ),
    counters: c
      .prepare(
        `SELECT c.id, c.location_id, c.name, c.active, c.state, c.agent_id, c.state_since, u.display_name
         FROM counters c LEFT JOIN staff_users u ON u.id = c.agent_id WHERE c.location_id = ? ORDER BY c.id`,
      )
      .raw(),
    appendEvent: c.prepare(
      'INSERT INTO ticket_events (ticket_id, location_id, type, at, counter_id, agent_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    setPredictedWait: c.prepare('UPDATE tickets SET predicted_wait_seconds = ? WHERE id = ?'),
    /** `updateTicketIf`'s statements, one per set of changed columns (a handful in practice). */
    updates: new Map<string, Statement<unknown[]>>(),
    configVersion: c.prepare('SELECT version FROM scheduling_config_version WHERE id = 1').pluck(),
  };
}

/** Items (ticket id, code, persons) by ticket. */
function itemsByTicket(items: unknown[][]): Map<number, { code: string; persons: number }[]> {
  const byTicket = new Map<number, { code: string; persons: number }[]>();
  for (const i of items) {
    const id = i[0] as number;
    const entry = { code: i[1] as string, persons: i[2] as number };
    const list = byTicket.get(id);
    if (list) list.push(entry);
    else byTicket.set(id, [entry]);
  }
  return byTicket;
}

/** `lineTickets` rows with their items. */
function lineTicketsOf(rows: unknown[][], items: unknown[][]): LineTicket[] {
  const byTicket = itemsByTicket(items);
  return rows.map((r) => ({
    row: {
      id: r[0] as number,
      status: r[1] as TicketRow['status'],
      number: r[2] as string,
      counterId: r[3] as number | null,
      queuedAt: dateOf(r[4]) as Date,
      dueAt: dateOf(r[5]),
      priority: r[6] as number,
      targetCounterId: r[7] as number | null,
      calledAt: dateOf(r[8]),
    },
    services: byTicket.get(r[0] as number) ?? [],
    appointmentReference: (r[9] as string | null) ?? null,
  }));
}

/** Ticket rows with their items and appointment reference (`reference` is the raw row's last column). */
function withItems(rows: unknown[][], items: unknown[][]): ActiveTicket[] {
  const byTicket = itemsByTicket(items);
  return rows.map((r) => {
    const row = ticketOf(r);
    return {
      row,
      services: byTicket.get(row.id) ?? [],
      appointmentReference: row.appointmentId !== null ? ((r[TICKET_COLUMNS.length] as string | null) ?? null) : null,
    };
  });
}

/** The TEMP table of the kept lines' marks (one per connection; see `keptCallLines`). */
const LINE_MARKS = 'loket_call_line_marks';

/** A location's line as `callLine` last answered it, with what it must still match to be answered again. */
interface KeptLine {
  serviceDate: string;
  /** The location's `cluster_seq` it reflects. */
  seq: number;
  /** The configuration version it was read under (service codes). */
  configVersion: number;
  /** Its mark count (`LINE_MARKS`) after its last change: the database's must still be this. */
  marks: number;
  /** In id order; replaced, never changed in place (an answer handed out stays as it was). */
  tickets: LineTicket[];
  /** Times it was answered since it was read. */
  answers: number;
}

/**
 * The call lines kept in memory (ARCHITECTURE.md, "The call line in memory"): call-next reads every active ticket of
 * the day on every press, and in a run of presses at one office nearly all of them are the ones the previous press
 * read. So `callLine` keeps what it answered per location, and answers it again while
 * - the location's seq (`cluster_seq`, bumped by the triggers of every ticket fact and counter change, in the
 *   writing transaction, by any process) is the one it reflects — another process's or node's change, or any change
 *   this repository did not follow, moves it and the line is read again;
 * - the configuration version is the same (service codes come from the set-up), and the service day too;
 * - every change this repository made to it has committed: each change (a read kept inside a write transaction, a
 *   ticket written through `insertTicket`, `updateTicketIf` or `replaceTicketService`, a seq moved by its own
 *   `appendTicketEvent`) also counts one up in a TEMP table of the connection, which rolls back with the transaction
 *   or savepoint — a count below the kept one means a change was undone, and the line is read again.
 * The rows a transaction writes patch the kept line (the ticket as stored, or read again by id), and the seq its own
 * events move is followed when nothing else moved it since the line was kept; so the presses of one office each
 * read a few rows instead of the whole line (and every hundredth reads it all: a bound for a row changed without a
 * fact, which moves no seq). The guarded updates (`status = 'waiting'`) are unchanged: a kept line
 * decides only which ticket to try first.
 */
function keptCallLines(db: Db, statements: () => ReturnType<typeof buildStatements>) {
  const lines = new Map<string, KeptLine>();
  let marks: { bump: Statement<unknown[]>; read: Statement<unknown[]> } | null = null;
  /** Runs `work` on the marks; a failure (the TEMP table created in a transaction that rolled back) forgets all. */
  const onMarks = <T>(work: (m: NonNullable<typeof marks>) => T): T | undefined => {
    try {
      if (!marks) {
        db.$client.exec(
          `CREATE TEMP TABLE IF NOT EXISTS ${LINE_MARKS} (location_id TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
        );
        marks = {
          bump: db.$client
            .prepare(
              `INSERT INTO temp.${LINE_MARKS} (location_id, n) VALUES (?, 1)
               ON CONFLICT (location_id) DO UPDATE SET n = n + 1 RETURNING n`,
            )
            .pluck(),
          read: db.$client.prepare(`SELECT n FROM temp.${LINE_MARKS} WHERE location_id = ?`).pluck(),
        };
      }
      return work(marks);
    } catch {
      marks = null;
      lines.clear();
      return undefined;
    }
  };
  const seqOf = (locationId: string) => Number(statements().seqOf.get(locationId) ?? 0);
  /** Counts a change of the kept line; false (and it is forgotten) when a change before it was undone. */
  const changed = (locationId: string, kept: KeptLine): boolean => {
    const n = onMarks((m) => m.bump.get(locationId) as number);
    if (n !== kept.marks + 1) {
      lines.delete(locationId);
      return false;
    }
    kept.marks = n;
    return true;
  };
  const lineTicketOf = (ticketId: number): LineTicket | undefined => {
    const st = statements();
    const r = st.lineTicketById.get(ticketId) as unknown[] | undefined;
    return r ? lineTicketsOf([r], st.itemsById.all(ticketId) as unknown[][])[0] : undefined;
  };
  return {
    /** The kept line when it is still the location's line, else null. */
    get(locationId: string, serviceDate: string, configVersion: number): { tickets: LineTicket[] | null; seq: number } {
      const seq = seqOf(locationId);
      const kept = lines.get(locationId);
      if (!kept) return { tickets: null, seq };
      const current =
        ++kept.answers <= MAX_KEPT_ANSWERS &&
        kept.seq === seq &&
        kept.serviceDate === serviceDate &&
        kept.configVersion === configVersion &&
        onMarks((m) => Number(m.read.get(locationId) ?? 0)) === kept.marks;
      if (!current) lines.delete(locationId);
      return { tickets: current ? kept.tickets : null, seq };
    },
    /** Keeps a line read at `seq` (the seq read before it, in the same transaction). */
    keep(locationId: string, serviceDate: string, configVersion: number, seq: number, tickets: LineTicket[]): void {
      const n = onMarks((m) => m.bump.get(locationId) as number);
      if (n === undefined) return;
      lines.set(locationId, { serviceDate, seq, configVersion, marks: n, tickets, answers: 0 });
    },
    /** A ticket was written (`row` as stored when the write returned it): the kept line of its day follows it. */
    ticketWritten(row: Pick<TicketRow, 'id' | 'locationId' | 'serviceDate'> & Partial<TicketRow>): void {
      const kept = lines.get(row.locationId);
      if (!kept || kept.serviceDate !== row.serviceDate || !changed(row.locationId, kept)) return;
      const before = kept.tickets.find((t) => t.row.id === row.id);
      let after: LineTicket | undefined;
      if (before && row.status !== undefined) {
        after = ACTIVE_STATUSES.has(row.status) ? { ...before, row: lineRowOf(row as TicketRow) } : undefined;
      } else {
        after = lineTicketOf(row.id);
        if (after && !ACTIVE_STATUSES.has(after.row.status)) after = undefined;
      }
      kept.tickets = withLineTicket(kept.tickets, row.id, after);
    },
    /** Around a ticket event of this repository: its seq, when the kept line was at the seq before it. */
    eventAppended(locationId: string, seqBefore: number): void {
      const kept = lines.get(locationId);
      if (!kept) return;
      if (kept.seq !== seqBefore) {
        lines.delete(locationId);
        return;
      }
      const seq = seqOf(locationId);
      if (seq !== seqBefore && changed(locationId, kept)) kept.seq = seq;
    },
    /** Whether a line of the location is kept (its writes then read the seq around their events). */
    has: (locationId: string) => lines.has(locationId),
    seqOf,
  };
}

/** A full ticket row as a line ticket's row. */
function lineRowOf(r: TicketRow): LineTicket['row'] {
  return {
    id: r.id,
    status: r.status,
    number: r.number,
    counterId: r.counterId,
    queuedAt: r.queuedAt,
    dueAt: r.dueAt,
    priority: r.priority,
    targetCounterId: r.targetCounterId,
    calledAt: r.calledAt,
  };
}

/**
 * The queue repository on SQLite (server/queue/queue-store.ts). Synchronous: `asAsync` wraps it. `scope`: the
 * database's identity (`cacheScope`) — the writer's handle, also for the storage's read-only reader on the same file.
 */
export function sqliteQueueStore(db: Db, scope: object = db): Synchronous<QueueStore> {
  // Prepared on first use, not here: a process may build its storage before the migrations have run.
  let prepared: ReturnType<typeof buildStatements> | undefined;
  const statements = () => {
    prepared ??= buildStatements(db);
    return prepared;
  };
  // The configuration cache (db/records/queue.ts): one version query per read instead of five — the hub
  // does several reads per call.
  let cache = emptyQueueConfig(-1);
  const config = (): QueueConfigCache => {
    const version = Number(statements().configVersion.get() ?? 0);
    if (version !== cache.version) cache = emptyQueueConfig(version);
    return cache;
  };

  const lines = keptCallLines(db, statements);

  const location = (locationId: string): LocationRow | null => {
    const c = config();
    const hit = c.locations.get(locationId);
    if (hit) return hit;
    const row = db.select().from(locations).where(eq(locations.id, locationId)).get();
    if (row) c.locations.set(locationId, row);
    return row ?? null;
  };

  const servicesOf = (loc: Pick<LocationRow, 'id' | 'municipalityId'>): ServiceInfo[] => {
    const c = config();
    const hit = c.services.get(loc.id);
    if (hit) return hit;
    const offered = new Map(
      db
        .select()
        .from(locationServices)
        .where(eq(locationServices.locationId, loc.id))
        .all()
        .map((l) => [l.serviceId, l]),
    );
    const value = db
      .select()
      .from(services)
      .where(eq(services.municipalityId, loc.municipalityId))
      .orderBy(services.sortOrder)
      .all()
      .map((s) => toServiceInfo(s, offered.get(s.id) ?? null));
    c.services.set(loc.id, value);
    return value;
  };

  const countersOf = (locationId: string): CounterInfo[] => {
    const rows = (statements().counters.all(locationId) as unknown[][]).map((r) => ({
      counter: counterOf(r),
      agentName: r[7] as string | null,
    }));
    const c = config();
    let skills = c.skills.get(locationId);
    if (!skills) {
      const bySkill = new Map<number, string[]>();
      const ids = rows.map((r) => r.counter.id);
      if (ids.length > 0) {
        for (const s of db
          .select({ counterId: counterSkills.counterId, code: services.code })
          .from(counterSkills)
          .innerJoin(services, eq(services.id, counterSkills.serviceId))
          .where(inArray(counterSkills.counterId, ids))
          .all()) {
          bySkill.set(s.counterId, [...(bySkill.get(s.counterId) ?? []), s.code]);
        }
      }
      skills = bySkill;
      c.skills.set(locationId, skills);
    }
    const skillsOf = skills;
    return rows.map(({ counter, agentName }) => toCounterInfo(counter, agentName, skillsOf.get(counter.id)));
  };

  const checkInAppointment = (row: typeof appointments.$inferSelect | undefined): CheckInAppointment | null => {
    if (!row) return null;
    const items = db
      .select({ serviceId: appointmentItems.serviceId, persons: appointmentItems.persons })
      .from(appointmentItems)
      .where(eq(appointmentItems.appointmentId, row.id))
      .all();
    return {
      id: row.id,
      locationId: row.locationId,
      startsAt: row.startsAt,
      status: row.status,
      language: row.language,
      items,
    };
  };

  return {
    cacheScope: scope,
    location,
    services: servicesOf,
    counters: countersOf,
    liveQueue: (loc, serviceDate) => {
      const st = statements();
      const tickets = withItems(
        st.activeTickets.all(loc.id, serviceDate) as unknown[][],
        st.activeItems.all(loc.id, serviceDate) as unknown[][],
      );
      return { services: servicesOf(loc), counters: countersOf(loc.id), tickets };
    },
    callLine: (loc, serviceDate) => {
      const st = statements();
      const services = servicesOf(loc);
      const version = cache.version;
      // Kept only inside a write transaction (call-next's): there the seq read first and the line read after it are
      // of one state, and no other writer can move the seq in between.
      const inWrite = db.$client.inTransaction;
      const kept = inWrite ? lines.get(loc.id, serviceDate, version) : null;
      let tickets = kept?.tickets;
      if (!tickets) {
        tickets = lineTicketsOf(
          st.lineTickets.all(loc.id, serviceDate) as unknown[][],
          st.activeItems.all(loc.id, serviceDate) as unknown[][],
        );
        if (kept) lines.keep(loc.id, serviceDate, version, kept.seq, tickets);
      }
      return { services, counters: countersOf(loc.id), tickets };
    },
    recentCalls: (locationId, serviceDate, limit) => {
      const q = recentCallQuery(ticketEvents, tickets, locationId, serviceDate);
      return db
        .select(q.columns)
        .from(ticketEvents)
        .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
        .where(q.where)
        .orderBy(desc(ticketEvents.id))
        .limit(limit)
        .all()
        .map(toRecentCall);
    },
    learningHistory: (locationId, since) => {
      const samples = learningSampleQuery(tickets, services, ticketItems, locationId, since);
      const rows = db
        .select(samples.columns)
        .from(tickets)
        .innerJoin(ticketItems, eq(ticketItems.ticketId, tickets.id))
        .innerJoin(services, eq(services.id, ticketItems.serviceId))
        .where(samples.where)
        .all();
      const waits = waitEventQuery(ticketEvents, locationId, since);
      const waitEvents = db.select(waits.columns).from(ticketEvents).where(waits.where).all();
      return { serviceSamples: serviceSamplesOf(rows, waitEvents), waitEvents };
    },

    ticket: (ticketId) => {
      const r = statements().ticketById.get(ticketId) as unknown[] | undefined;
      return r ? ticketOf(r) : null;
    },
    ticketByPublicId: (publicId) => db.select().from(tickets).where(eq(tickets.publicId, publicId)).get() ?? null,
    ticketByRequestKey: (locationId, requestKey) =>
      db
        .select()
        .from(tickets)
        .where(and(eq(tickets.locationId, locationId), eq(tickets.requestKey, requestKey)))
        .get() ?? null,
    ticketOfAppointment: (appointmentId) =>
      db.select().from(tickets).where(eq(tickets.appointmentId, appointmentId)).get() ?? null,
    ticketsWithDetails: (ticketIds) => {
      if (ticketIds.length === 0) return [];
      const ids = JSON.stringify(ticketIds);
      const st = statements();
      return withItems(st.ticketsByIds.all(ids) as unknown[][], st.itemsByIds.all(ids) as unknown[][]);
    },
    insertTicket: ({ items, ...input }) => {
      // BEGIN IMMEDIATE (the caller's write transaction) makes this max+1 and the insert one step.
      const last = db
        .select({ seq: max(tickets.sequence) })
        .from(tickets)
        .where(
          and(
            eq(tickets.locationId, input.locationId),
            eq(tickets.serviceDate, input.serviceDate),
            eq(tickets.letter, input.letter),
          ),
        )
        .get();
      const sequence = (last?.seq ?? 0) + 1;
      const row = db
        .insert(tickets)
        .values({ ...input, sequence, number: formatTicketNumber(input.letter, sequence) })
        .returning()
        .get();
      db.insert(ticketItems)
        .values(items.map((i) => ({ ticketId: row.id, serviceId: i.serviceId, persons: i.persons })))
        .run();
      lines.ticketWritten({ id: row.id, locationId: row.locationId, serviceDate: row.serviceDate });
      return row;
    },
    setPredictedWait: (ticketId, seconds) => {
      statements().setPredictedWait.run(seconds, ticketId);
    },
    updateTicketIf: (ticketId, expected, changes) => {
      const keys = (Object.keys(changes) as (keyof TicketChanges)[]).filter((k) => changes[k] !== undefined).sort();
      if (keys.length === 0) {
        const r = statements().ticketById.get(ticketId) as unknown[] | undefined;
        return r && r[9] === expected ? ticketOf(r) : null;
      }
      const st = statements();
      const key = keys.join(',');
      let update = st.updates.get(key);
      if (!update) {
        const set = keys.map((k) => `${TICKET_CHANGES[k][0]} = ?`).join(', ');
        update = db.$client
          .prepare<unknown[]>(
            `UPDATE tickets SET ${set} WHERE id = ? AND status = ? RETURNING ${TICKET_COLUMNS.join(', ')}`,
          )
          .raw();
        st.updates.set(key, update);
      }
      const values = keys.map((k) => {
        const v = changes[k];
        return TICKET_CHANGES[k][1] ? (v === null ? null : (v as Date).getTime()) : v;
      });
      const r = update.get(...values, ticketId, expected) as unknown[] | undefined;
      if (!r) return null;
      const row = ticketOf(r);
      lines.ticketWritten(row);
      return row;
    },
    replaceTicketService: (ticketId, serviceId, persons) => {
      db.delete(ticketItems).where(eq(ticketItems.ticketId, ticketId)).run();
      db.insert(ticketItems).values({ ticketId, serviceId, persons }).run();
      const r = statements().ticketById.get(ticketId) as unknown[] | undefined;
      if (r) lines.ticketWritten({ id: ticketId, locationId: r[2] as string, serviceDate: r[3] as string });
    },
    appendTicketEvent: (e) => {
      const seqBefore = lines.has(e.locationId) ? lines.seqOf(e.locationId) : null;
      statements().appendEvent.run(
        e.ticketId,
        e.locationId,
        e.type,
        e.at.getTime(),
        e.counterId,
        e.agentId,
        e.data === null ? null : JSON.stringify(e.data),
      );
      if (seqBefore !== null) lines.eventAppended(e.locationId, seqBefore);
    },

    counter: (counterId) => {
      const r = statements().counterById.get(counterId) as unknown[] | undefined;
      return r ? counterOf(r) : null;
    },
    counterOfAgent: (userId) => db.select().from(counters).where(eq(counters.agentId, userId)).get() ?? null,
    hasActiveTicket: (counterId) =>
      db
        .select({ id: tickets.id })
        .from(tickets)
        .where(and(eq(tickets.counterId, counterId), inArray(tickets.status, ['called', 'serving'])))
        .get() !== undefined,
    updateCounter: (counterId, changes) =>
      db.update(counters).set(changes).where(eq(counters.id, counterId)).returning().get() ?? null,

    appointmentByCheckInCode: (locationId, serviceDate, code) =>
      checkInAppointment(
        db
          .select()
          .from(appointments)
          .where(
            and(
              eq(appointments.locationId, locationId),
              eq(appointments.serviceDate, serviceDate),
              eq(appointments.checkInCode, code),
            ),
          )
          .get(),
      ),
    appointmentByReference: (reference) =>
      checkInAppointment(db.select().from(appointments).where(eq(appointments.reference, reference)).get()),
    setAppointmentStatus: (appointmentId, status, checkedInAt) => {
      db.update(appointments)
        .set(checkedInAt ? { status, checkedInAt } : { status })
        .where(eq(appointments.id, appointmentId))
        .run();
    },
  };
}

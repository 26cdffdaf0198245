import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import {
  type ActiveTicket,
  type CounterInfo,
  formatTicketNumber,
  type LocationRow,
  type ServiceInfo,
  type TicketRow,
} from '../../server/queue/queue-model.ts';
import type { CheckInAppointment, QueueStore } from '../../server/queue/queue-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import {
  emptyQueueConfig,
  learningSampleQuery,
  type QueueConfigCache,
  recentCallQuery,
  serviceSamplesOf,
  toCounterInfo,
  toRecentCall,
  toServiceInfo,
  waitEventQuery,
} from '../records/queue.ts';
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
} from '../schema/index.ts';

/**
 * The hub reads the same few queries several times per call (call, start, broadcast, estimates).
 * Building each with drizzle and preparing it in SQLite cost more CPU than running it (profile of
 * bench:hub), so the hot ones are built and prepared once per connection and reused with placeholders.
 * Variable id lists go in as one JSON array (`json_each`), so one statement serves every length.
 */
function buildStatements(db: Db) {
  const ids = sql`(select value from json_each(${sql.placeholder('ids')}))`;
  return {
    ticketById: db
      .select()
      .from(tickets)
      .where(eq(tickets.id, sql.placeholder('id')))
      .prepare(),
    counterById: db
      .select()
      .from(counters)
      .where(eq(counters.id, sql.placeholder('id')))
      .prepare(),
    ticketsByIds: db.select().from(tickets).where(inArray(tickets.id, ids)).orderBy(tickets.id).prepare(),
    activeTickets: db
      .select()
      .from(tickets)
      .where(
        and(
          eq(tickets.locationId, sql.placeholder('locationId')),
          eq(tickets.serviceDate, sql.placeholder('serviceDate')),
          inArray(tickets.status, ['waiting', 'called', 'serving']),
        ),
      )
      .orderBy(tickets.id)
      .prepare(),
    counters: db
      .select({ counter: counters, agentName: staffUsers.displayName })
      .from(counters)
      .leftJoin(staffUsers, eq(staffUsers.id, counters.agentId))
      .where(eq(counters.locationId, sql.placeholder('locationId')))
      .orderBy(counters.id)
      .prepare(),
    items: db
      .select({ ticketId: ticketItems.ticketId, code: services.code, persons: ticketItems.persons })
      .from(ticketItems)
      .innerJoin(services, eq(services.id, ticketItems.serviceId))
      .where(inArray(ticketItems.ticketId, ids))
      .orderBy(ticketItems.id)
      .prepare(),
    appointmentRefs: db
      .select({ id: appointments.id, reference: appointments.reference })
      .from(appointments)
      .where(inArray(appointments.id, ids))
      .prepare(),
    configVersion: db.$client.prepare('SELECT version FROM scheduling_config_version WHERE id = 1').pluck(),
  };
}

/** The queue repository on SQLite (server/queue/queue-store.ts). Synchronous: `asAsync` wraps it. */
export function sqliteQueueStore(db: Db): Synchronous<QueueStore> {
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
    const rows = statements().counters.all({ locationId });
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

  /** Items and appointment references for a set of ticket rows. */
  const withDetails = (rows: TicketRow[]): ActiveTicket[] => {
    if (rows.length === 0) return [];
    const items = new Map<number, { code: string; persons: number }[]>();
    for (const i of statements().items.all({ ids: JSON.stringify(rows.map((r) => r.id)) })) {
      items.set(i.ticketId, [...(items.get(i.ticketId) ?? []), { code: i.code, persons: i.persons }]);
    }
    const apptIds = rows.map((r) => r.appointmentId).filter((id): id is number => id !== null);
    const refs = new Map<number, string>();
    if (apptIds.length > 0) {
      for (const a of statements().appointmentRefs.all({ ids: JSON.stringify(apptIds) })) refs.set(a.id, a.reference);
    }
    return rows.map((row) => ({
      row,
      services: items.get(row.id) ?? [],
      appointmentReference: row.appointmentId !== null ? (refs.get(row.appointmentId) ?? null) : null,
    }));
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
    location,
    services: servicesOf,
    counters: countersOf,
    liveQueue: (loc, serviceDate) => {
      const rows = statements().activeTickets.all({ locationId: loc.id, serviceDate });
      return { services: servicesOf(loc), counters: countersOf(loc.id), tickets: withDetails(rows) };
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
      return { serviceSamples: serviceSamplesOf(rows), waitEvents };
    },

    ticket: (ticketId) => statements().ticketById.get({ id: ticketId }) ?? null,
    ticketByPublicId: (publicId) => db.select().from(tickets).where(eq(tickets.publicId, publicId)).get() ?? null,
    ticketByRequestKey: (locationId, requestKey) =>
      db
        .select()
        .from(tickets)
        .where(and(eq(tickets.locationId, locationId), eq(tickets.requestKey, requestKey)))
        .get() ?? null,
    ticketOfAppointment: (appointmentId) =>
      db.select().from(tickets).where(eq(tickets.appointmentId, appointmentId)).get() ?? null,
    ticketsWithDetails: (ticketIds) =>
      ticketIds.length === 0 ? [] : withDetails(statements().ticketsByIds.all({ ids: JSON.stringify(ticketIds) })),
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
      return row;
    },
    setPredictedWait: (ticketId, seconds) => {
      db.update(tickets).set({ predictedWaitSeconds: seconds }).where(eq(tickets.id, ticketId)).run();
    },
    updateTicketIf: (ticketId, expected, changes) =>
      db
        .update(tickets)
        .set(changes)
        .where(and(eq(tickets.id, ticketId), eq(tickets.status, expected)))
        .returning()
        .get() ?? null,
    replaceTicketService: (ticketId, serviceId, persons) => {
      db.delete(ticketItems).where(eq(ticketItems.ticketId, ticketId)).run();
      db.insert(ticketItems).values({ ticketId, serviceId, persons }).run();
    },
    appendTicketEvent: (event) => {
      db.insert(ticketEvents).values(event).run();
    },

    counter: (counterId) => statements().counterById.get({ id: counterId }) ?? null,
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

import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { counters, services, staffUsers, ticketItems, tickets } from '../../db/schema/index.ts';
import type { TicketRow } from './queue-model.ts';

/**
 * The hub reads the same few queries several times per call (call, start, broadcast, estimates).
 * Building each with drizzle and preparing it in SQLite cost more CPU than running it (profile of
 * bench:hub), so the hot ones are built and prepared once per database and reused with placeholders.
 * Variable id lists go in as one JSON array (`json_each`), so one statement serves every length.
 */
function buildStatements(db: Db) {
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
    ticketsByIds: db
      .select()
      .from(tickets)
      .where(inArray(tickets.id, sql`(select value from json_each(${sql.placeholder('ids')}))`))
      .prepare(),
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
      .where(inArray(ticketItems.ticketId, sql`(select value from json_each(${sql.placeholder('ids')}))`))
      .orderBy(ticketItems.id)
      .prepare(),
  };
}
const statementCache = new WeakMap<Db, ReturnType<typeof buildStatements>>();

export function statements(db: Db): ReturnType<typeof buildStatements> {
  let s = statementCache.get(db);
  if (!s) {
    s = buildStatements(db);
    statementCache.set(db, s);
  }
  return s;
}

/** One counter row by id (prepared once per database; see buildStatements). */
export function loadCounterRow(db: Db, counterId: number): typeof counters.$inferSelect | undefined {
  return statements(db).counterById.get({ id: counterId });
}

/** Ticket rows by id, in no particular order (prepared once per database; see buildStatements). */
export function loadTicketRows(db: Db, ticketIds: readonly number[]): TicketRow[] {
  return ticketIds.length === 0 ? [] : statements(db).ticketsByIds.all({ ids: JSON.stringify(ticketIds) });
}

/** One ticket row by id (prepared once per database; see buildStatements). */
export function loadTicketRow(db: Db, ticketId: number): TicketRow | undefined {
  return statements(db).ticketById.get({ id: ticketId });
}

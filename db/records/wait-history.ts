import { and, type Column, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';

/**
 * The ticket history's reads (server/stats/wait-history-store.ts), the same columns and conditions on SQLite and
 * PostgreSQL; each engine's repository runs them on its tables.
 */
type Col = Column;

/** Tickets issued at the locations in [from, to), one row per item (`firstRowPerId` keeps the first). */
export function ticketWaitQuery<
  T extends {
    id: Col;
    locationId: Col;
    source: Col;
    status: Col;
    issuedAt: Col;
    dueAt: Col;
    calledAt: Col;
  },
  S extends { code: Col },
>(tickets: T, services: S, locationIds: readonly string[], from: Date, to: Date) {
  return {
    columns: {
      id: tickets.id,
      locationId: tickets.locationId,
      source: tickets.source,
      status: tickets.status,
      issuedAt: tickets.issuedAt,
      dueAt: tickets.dueAt,
      calledAt: tickets.calledAt,
      serviceCode: services.code,
    } as Pick<T, 'id' | 'locationId' | 'source' | 'status' | 'issuedAt' | 'dueAt' | 'calledAt'> & {
      serviceCode: S['code'];
    },
    where: and(inArray(tickets.locationId, [...locationIds]), gte(tickets.issuedAt, from), lt(tickets.issuedAt, to)),
  };
}

/** Appointments of a location starting in [from, to). */
export function appointmentsStartingWhere(
  appointments: { locationId: Col; startsAt: Col },
  locationId: string,
  from: Date,
  to: Date,
): SQL | undefined {
  return and(eq(appointments.locationId, locationId), gte(appointments.startsAt, from), lt(appointments.startsAt, to));
}

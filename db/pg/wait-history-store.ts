import { and, asc, count, eq, gte, isNotNull, lt } from 'drizzle-orm';
import type { WaitHistoryStore } from '../../server/stats/wait-history-store.ts';
import { appointmentsStartingWhere, ticketWaitQuery } from '../records/wait-history.ts';
import { firstRowPerId } from '../rows.ts';
import type { PgDb } from './client.ts';
import { appointments, locations, services, ticketItems, tickets } from './schema/index.ts';

/** The ticket history on PostgreSQL (contract: server/stats/wait-history-store.ts): one statement per method. */
export function pgWaitHistoryStore(db: PgDb): WaitHistoryStore {
  return {
    ticketWaits: async (locationIds, from, to) => {
      if (locationIds.length === 0) return [];
      const q = ticketWaitQuery(tickets, services, locationIds, from, to);
      const rows = await db
        .select(q.columns)
        .from(tickets)
        .innerJoin(ticketItems, eq(ticketItems.ticketId, tickets.id))
        .innerJoin(services, eq(services.id, ticketItems.serviceId))
        .where(q.where)
        .orderBy(asc(tickets.id), asc(ticketItems.id));
      // One row per ticket: its first item.
      return firstRowPerId(rows);
    },
    predictionSamples: async (from, to, locationId) => {
      const rows = await db
        .select({
          locationId: tickets.locationId,
          issuedAt: tickets.issuedAt,
          calledAt: tickets.calledAt,
          predicted: tickets.predictedWaitSeconds,
        })
        .from(tickets)
        .where(
          and(
            eq(tickets.source, 'kiosk'),
            isNotNull(tickets.predictedWaitSeconds),
            isNotNull(tickets.calledAt),
            gte(tickets.issuedAt, from),
            lt(tickets.issuedAt, to),
            locationId === undefined ? undefined : eq(tickets.locationId, locationId),
          ),
        );
      return rows.map((r) => ({
        locationId: r.locationId,
        issuedAt: r.issuedAt,
        calledAt: r.calledAt as Date,
        predictedWaitSeconds: r.predicted as number,
      }));
    },
    locationZones: async () =>
      new Map(
        (await db.select({ id: locations.id, zone: locations.timeZone }).from(locations)).map((l) => [l.id, l.zone]),
      ),
    appointmentStatusCounts: async (locationId, from, to) =>
      Object.fromEntries(
        (
          await db
            .select({ status: appointments.status, n: count() })
            .from(appointments)
            .where(appointmentsStartingWhere(appointments, locationId, from, to))
            .groupBy(appointments.status)
        ).map((r) => [r.status, r.n]),
      ),
  };
}

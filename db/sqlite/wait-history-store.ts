import { asc, count, eq } from 'drizzle-orm';
import type { WaitHistoryStore } from '../../server/stats/wait-history-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { appointmentsStartingWhere, ticketWaitQuery } from '../records/wait-history.ts';
import { firstRowPerId } from '../rows.ts';
import { appointments, locations, services, ticketItems, tickets } from '../schema/index.ts';

export function sqliteWaitHistoryStore(db: Db): Synchronous<WaitHistoryStore> {
  return {
    ticketWaits: (locationIds, from, to) => {
      if (locationIds.length === 0) return [];
      const q = ticketWaitQuery(tickets, services, locationIds, from, to);
      const rows = db
        .select(q.columns)
        .from(tickets)
        .innerJoin(ticketItems, eq(ticketItems.ticketId, tickets.id))
        .innerJoin(services, eq(services.id, ticketItems.serviceId))
        .where(q.where)
        .orderBy(asc(tickets.id), asc(ticketItems.id))
        .all();
      // One row per ticket: its first item.
      return firstRowPerId(rows);
    },
    predictionSamples: (from, to, locationId) =>
      (
        db.$client
          .prepare(
            `SELECT location_id AS locationId, issued_at AS issuedAt, called_at AS calledAt,
                    predicted_wait_seconds AS predicted
               FROM tickets
              WHERE source = 'kiosk' AND predicted_wait_seconds IS NOT NULL AND called_at IS NOT NULL
                AND issued_at >= ? AND issued_at < ? AND (? IS NULL OR location_id = ?)`,
          )
          .all(from.getTime(), to.getTime(), locationId ?? null, locationId ?? null) as {
          locationId: string;
          issuedAt: number;
          calledAt: number;
          predicted: number;
        }[]
      ).map((r) => ({
        locationId: r.locationId,
        issuedAt: new Date(r.issuedAt),
        calledAt: new Date(r.calledAt),
        predictedWaitSeconds: r.predicted,
      })),
    locationZones: () =>
      new Map(
        db
          .select({ id: locations.id, zone: locations.timeZone })
          .from(locations)
          .all()
          .map((l) => [l.id, l.zone]),
      ),
    appointmentStatusCounts: (locationId, from, to) =>
      Object.fromEntries(
        db
          .select({ status: appointments.status, n: count() })
          .from(appointments)
          .where(appointmentsStartingWhere(appointments, locationId, from, to))
          .groupBy(appointments.status)
          .all()
          .map((r) => [r.status, r.n]),
      ),
  };
}

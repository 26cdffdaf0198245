import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { ForecastHistoryStore } from '../../server/forecast/forecast-history-store.ts';
import {
  appointmentHistoryColumns,
  groupAppointmentHistory,
  hourlyCountColumns,
  registryColumns,
} from '../records/forecast-history.ts';
import type { PgDb } from './client.ts';
import {
  appointmentCapacity,
  appointmentItems,
  appointments,
  hourlyHistory,
  locations,
  registryDocuments,
  services,
} from './schema/index.ts';

/**
 * The forecast's history on PostgreSQL (contract: server/forecast/forecast-history-store.ts): one statement per
 * method; the upserts send all rows in one multi-row INSERT … ON CONFLICT (in chunks that stay under the
 * protocol's 65 535 parameters).
 */
export function pgForecastHistoryStore(db: PgDb): ForecastHistoryStore {
  return {
    importedHourlyCounts: (locationId, from, before) =>
      db
        .select(hourlyCountColumns(hourlyHistory))
        .from(hourlyHistory)
        .where(
          and(eq(hourlyHistory.locationId, locationId), gte(hourlyHistory.date, from), lt(hourlyHistory.date, before)),
        ),
    registry: (municipalityId) =>
      db
        .select(registryColumns(registryDocuments))
        .from(registryDocuments)
        .where(eq(registryDocuments.municipalityId, municipalityId)),
    appointmentHistory: async (locationId, from, to) => {
      const rows = await db
        .select(appointmentHistoryColumns(appointments, services, appointmentItems))
        .from(appointments)
        .innerJoin(appointmentItems, eq(appointmentItems.appointmentId, appointments.id))
        .innerJoin(services, eq(services.id, appointmentItems.serviceId))
        .where(
          and(eq(appointments.locationId, locationId), gte(appointments.startsAt, from), lt(appointments.startsAt, to)),
        )
        .orderBy(asc(appointments.id), asc(appointmentItems.id));
      return groupAppointmentHistory(rows);
    },
    locationExists: async (locationId) =>
      (await db.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId)).limit(1)).length > 0,
    appointmentCapacity: (locationId, from, to) =>
      db
        .select({
          serviceCode: appointmentCapacity.serviceCode,
          date: appointmentCapacity.date,
          capacity: appointmentCapacity.capacity,
        })
        .from(appointmentCapacity)
        .where(
          and(
            eq(appointmentCapacity.locationId, locationId),
            gte(appointmentCapacity.date, from),
            lte(appointmentCapacity.date, to),
          ),
        ),
    recordCapacity: async (locationId, rows, at) => {
      if (rows.length === 0) return 0;
      const inserted = await db
        .insert(appointmentCapacity)
        .values(rows.map((r) => ({ locationId, ...r, recordedAt: at })))
        .onConflictDoNothing()
        .returning({ date: appointmentCapacity.date });
      return inserted.length;
    },
    upsertHourlyCounts: async (locationId, rows) => {
      for (const chunk of chunks(
        dedupe(rows, (r) => `${r.serviceCode}\u0000${r.date}\u0000${r.hour}`),
        5000,
      )) {
        await db
          .insert(hourlyHistory)
          .values(chunk.map((r) => ({ locationId, ...r })))
          .onConflictDoUpdate({
            target: [hourlyHistory.locationId, hourlyHistory.serviceCode, hourlyHistory.date, hourlyHistory.hour],
            set: { count: sql`excluded.count` },
          });
      }
    },
    upsertRegistry: async (municipalityId, rows) => {
      for (const chunk of chunks(
        dedupe(rows, (r) => `${r.month}\u0000${r.documentType}\u0000${r.ageBand}`),
        5000,
      )) {
        await db
          .insert(registryDocuments)
          .values(chunk.map((r) => ({ municipalityId, ...r })))
          .onConflictDoUpdate({
            target: [
              registryDocuments.municipalityId,
              registryDocuments.month,
              registryDocuments.documentType,
              registryDocuments.ageBand,
            ],
            set: { count: sql`excluded.count` },
          });
      }
    },
  };
}

/** The last row of each key wins, as SQLite's one-statement-per-row upserts do (ON CONFLICT cannot hit a row twice). */
function dedupe<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((r) => [key(r), r])).values()];
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

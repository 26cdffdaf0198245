import { and, asc, eq, gte, lt, lte } from 'drizzle-orm';
import type { ForecastHistoryStore } from '../../server/forecast/forecast-history-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import {
  appointmentHistoryColumns,
  groupAppointmentHistory,
  hourlyCountColumns,
  registryColumns,
} from '../records/forecast-history.ts';
import {
  appointmentCapacity,
  appointmentItems,
  appointments,
  hourlyHistory,
  locations,
  registryDocuments,
  services,
} from '../schema/index.ts';

export function sqliteForecastHistoryStore(db: Db): Synchronous<ForecastHistoryStore> {
  return {
    importedHourlyCounts: (locationId, from, before) =>
      db
        .select(hourlyCountColumns(hourlyHistory))
        .from(hourlyHistory)
        .where(
          and(eq(hourlyHistory.locationId, locationId), gte(hourlyHistory.date, from), lt(hourlyHistory.date, before)),
        )
        .all(),
    registry: (municipalityId) =>
      db
        .select(registryColumns(registryDocuments))
        .from(registryDocuments)
        .where(eq(registryDocuments.municipalityId, municipalityId))
        .all(),
    appointmentHistory: (locationId, from, to) => {
      const rows = db
        .select(appointmentHistoryColumns(appointments, services, appointmentItems))
        .from(appointments)
        .innerJoin(appointmentItems, eq(appointmentItems.appointmentId, appointments.id))
        .innerJoin(services, eq(services.id, appointmentItems.serviceId))
        .where(
          and(eq(appointments.locationId, locationId), gte(appointments.startsAt, from), lt(appointments.startsAt, to)),
        )
        .orderBy(asc(appointments.id), asc(appointmentItems.id))
        .all();
      return groupAppointmentHistory(rows);
    },
    locationExists: (locationId) =>
      db.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId)).get() !== undefined,
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
        )
        .all(),
    recordCapacity: (locationId, rows, at) => {
      let written = 0;
      for (const r of rows) {
        written += db
          .insert(appointmentCapacity)
          .values({ locationId, ...r, recordedAt: at })
          .onConflictDoNothing()
          .run().changes;
      }
      return written;
    },
    upsertHourlyCounts: (locationId, rows) => {
      for (const r of rows) {
        db.insert(hourlyHistory)
          .values({ locationId, ...r })
          .onConflictDoUpdate({
            target: [hourlyHistory.locationId, hourlyHistory.serviceCode, hourlyHistory.date, hourlyHistory.hour],
            set: { count: r.count },
          })
          .run();
      }
    },
    upsertRegistry: (municipalityId, rows) => {
      for (const r of rows) {
        db.insert(registryDocuments)
          .values({ municipalityId, ...r })
          .onConflictDoUpdate({
            target: [
              registryDocuments.municipalityId,
              registryDocuments.month,
              registryDocuments.documentType,
              registryDocuments.ageBand,
            ],
            set: { count: r.count },
          })
          .run();
      }
    },
  };
}

import { and, asc, eq, gte, lt } from 'drizzle-orm';
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

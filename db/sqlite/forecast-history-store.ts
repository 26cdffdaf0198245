import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { AppointmentHistoryRecord, ForecastHistoryStore } from '../../server/forecast/forecast-history-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
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
        .select({
          serviceCode: hourlyHistory.serviceCode,
          date: hourlyHistory.date,
          hour: hourlyHistory.hour,
          count: hourlyHistory.count,
        })
        .from(hourlyHistory)
        .where(
          and(eq(hourlyHistory.locationId, locationId), gte(hourlyHistory.date, from), lt(hourlyHistory.date, before)),
        )
        .all(),
    registry: (municipalityId) =>
      db
        .select({
          month: registryDocuments.month,
          documentType: registryDocuments.documentType,
          ageBand: registryDocuments.ageBand,
          count: registryDocuments.count,
        })
        .from(registryDocuments)
        .where(eq(registryDocuments.municipalityId, municipalityId))
        .all(),
    appointmentHistory: (locationId, from, to) => {
      const rows = db
        .select({
          id: appointments.id,
          startsAt: appointments.startsAt,
          endsAt: appointments.endsAt,
          createdAt: appointments.createdAt,
          status: appointments.status,
          serviceCode: services.code,
          persons: appointmentItems.persons,
        })
        .from(appointments)
        .innerJoin(appointmentItems, eq(appointmentItems.appointmentId, appointments.id))
        .innerJoin(services, eq(services.id, appointmentItems.serviceId))
        .where(
          and(eq(appointments.locationId, locationId), gte(appointments.startsAt, from), lt(appointments.startsAt, to)),
        )
        .orderBy(asc(appointments.id), asc(appointmentItems.id))
        .all();
      const out: AppointmentHistoryRecord[] = [];
      let lastId = -1;
      for (const { id, serviceCode, persons, ...a } of rows) {
        if (id !== lastId) out.push({ ...a, items: [] });
        lastId = id;
        out[out.length - 1]?.items.push({ serviceCode, persons });
      }
      return out;
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

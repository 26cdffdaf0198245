import type { AppointmentHistoryRecord } from '../../server/forecast/forecast-history-store.ts';

/**
 * Forecast history rows → records (server/forecast/forecast-history-store.ts), the same on SQLite and
 * PostgreSQL: the column lists take the engine's tables, the queries stay in `db/sqlite/` and `db/pg/`.
 */

type Pick4<T, A extends keyof T, B extends keyof T, C extends keyof T, D extends keyof T> = Pick<T, A | B | C | D>;

/** An imported hourly count (`hourly_history`) without its location. */
export function hourlyCountColumns<T extends { serviceCode: unknown; date: unknown; hour: unknown; count: unknown }>(
  t: T,
): Pick4<T, 'serviceCode', 'date', 'hour', 'count'> {
  return { serviceCode: t.serviceCode, date: t.date, hour: t.hour, count: t.count };
}

/** A registry row (`registry_documents`) without its municipality. */
export function registryColumns<T extends { month: unknown; documentType: unknown; ageBand: unknown; count: unknown }>(
  t: T,
): Pick4<T, 'month', 'documentType', 'ageBand', 'count'> {
  return { month: t.month, documentType: t.documentType, ageBand: t.ageBand, count: t.count };
}

/** An appointment joined with one of its items and the item's service: one row per item. */
export function appointmentHistoryColumns<
  A extends { id: unknown; startsAt: unknown; endsAt: unknown; createdAt: unknown; status: unknown },
  S extends { code: unknown },
  I extends { persons: unknown },
>(
  appointments: A,
  services: S,
  items: I,
): Pick<A, 'id' | 'startsAt' | 'endsAt' | 'createdAt' | 'status'> & { serviceCode: S['code']; persons: I['persons'] } {
  return {
    id: appointments.id,
    startsAt: appointments.startsAt,
    endsAt: appointments.endsAt,
    createdAt: appointments.createdAt,
    status: appointments.status,
    serviceCode: services.code,
    persons: items.persons,
  };
}

/** The rows of `appointmentHistoryColumns`, an appointment's rows together → one record per appointment. */
export function groupAppointmentHistory(
  rows: readonly ({ id: number; serviceCode: string; persons: number } & Omit<AppointmentHistoryRecord, 'items'>)[],
): AppointmentHistoryRecord[] {
  const out: AppointmentHistoryRecord[] = [];
  let lastId = -1;
  for (const { id, serviceCode, persons, ...a } of rows) {
    if (id !== lastId) out.push({ ...a, items: [] });
    lastId = id;
    out[out.length - 1]?.items.push({ serviceCode, persons });
  }
  return out;
}

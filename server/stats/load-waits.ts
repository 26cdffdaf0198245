import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import { services, ticketItems, tickets } from '../../db/schema/index.ts';
import type { WaitRow } from './wait-stats.ts';

/** Start of a local date as an instant. */
export function localDayStart(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).startOf('day').toJSDate();
}

/**
 * Tickets issued at the locations in [from, to] (local dates, inclusive), one row per ticket with its
 * first service. Reads only times, sources and service codes: never names, e-mails or references.
 */
export function loadWaitRows(db: Db, locationZones: Map<string, string>, from: string, to: string): WaitRow[] {
  const ids = [...locationZones.keys()];
  if (ids.length === 0) return [];
  const zones = [...new Set(locationZones.values())];
  // The widest instant window over the zones involved; rows are filtered per location below.
  const start = Math.min(...zones.map((z) => localDayStart(from, z).getTime()));
  const end = Math.max(
    ...zones.map((z) => DateTime.fromISO(to, { zone: z }).plus({ days: 1 }).startOf('day').toMillis()),
  );
  const rows = db
    .select({
      id: tickets.id,
      locationId: tickets.locationId,
      source: tickets.source,
      status: tickets.status,
      issuedAt: tickets.issuedAt,
      dueAt: tickets.dueAt,
      calledAt: tickets.calledAt,
      code: services.code,
    })
    .from(tickets)
    .innerJoin(ticketItems, eq(ticketItems.ticketId, tickets.id))
    .innerJoin(services, eq(services.id, ticketItems.serviceId))
    .where(
      and(
        inArray(tickets.locationId, ids),
        gte(tickets.issuedAt, new Date(start)),
        lt(tickets.issuedAt, new Date(end)),
      ),
    )
    .orderBy(asc(tickets.id), asc(ticketItems.id))
    .all();
  const out: WaitRow[] = [];
  let last = -1;
  for (const r of rows) {
    if (r.id === last) continue;
    last = r.id;
    const zone = locationZones.get(r.locationId) ?? 'Europe/Amsterdam';
    const local = DateTime.fromJSDate(r.issuedAt, { zone });
    const date = local.toISODate() ?? '';
    if (date < from || date > to) continue;
    out.push({
      locationId: r.locationId,
      serviceCode: r.code,
      source: r.source,
      status: r.status,
      issuedAt: r.issuedAt,
      dueAt: r.dueAt,
      calledAt: r.calledAt,
      date,
      hour: local.hour,
    });
  }
  return out;
}

import { DateTime } from 'luxon';
import type { WaitHistoryStore } from './wait-history-store.ts';
import type { WaitRow } from './wait-stats.ts';

/** Start of a local date as an instant. */
export function localDayStart(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).startOf('day').toJSDate();
}

/** The instant after a local date ends. */
export function localDayEnd(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toJSDate();
}

/**
 * Tickets issued at the locations in [from, to] (local dates, inclusive), one row per ticket with its
 * first service. Reads only times, sources and service codes: never names, e-mails or references.
 */
export async function loadWaitRows(
  store: WaitHistoryStore,
  locationZones: Map<string, string>,
  from: string,
  to: string,
): Promise<WaitRow[]> {
  const ids = [...locationZones.keys()];
  if (ids.length === 0) return [];
  const zones = [...new Set(locationZones.values())];
  // The widest instant window over the zones involved; rows are filtered per location below.
  const start = Math.min(...zones.map((z) => localDayStart(from, z).getTime()));
  const end = Math.max(...zones.map((z) => localDayEnd(to, z).getTime()));
  const out: WaitRow[] = [];
  for (const r of await store.ticketWaits(ids, new Date(start), new Date(end))) {
    const zone = locationZones.get(r.locationId) ?? 'Europe/Amsterdam';
    const local = DateTime.fromJSDate(r.issuedAt, { zone });
    const date = local.toISODate() ?? '';
    if (date < from || date > to) continue;
    out.push({ ...r, date, hour: local.hour });
  }
  return out;
}

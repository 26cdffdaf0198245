import { DateTime } from 'luxon';
import type { LocationStatistics } from '../contracts/stats.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { findAvailableDays } from '../scheduling/availability.ts';
import { loadWaitRows, localDayEnd, localDayStart } from './load-waits.ts';
import { groupBy, summarizeWaits, toCsv } from './wait-stats.ts';

export type { LocationStatistics };

/** Supervisor statistics for one location over local dates [from, to]. Reads only; no personal data. */
export async function getLocationStatistics(
  deps: Deps,
  locationId: string,
  from: string,
  to: string,
): Promise<LocationStatistics> {
  const location = await deps.storage.read.queue.location(locationId);
  if (!location) throw new AppError('not-found', 'No such location');
  const zone = location.timeZone;
  const norm = location.serviceNormMinutes;
  const history = deps.storage.read.waitHistory;
  const rows = await loadWaitRows(history, new Map([[locationId, zone]]), from, to);
  const walkIns = rows.filter((r) => r.source !== 'check-in');
  const checkIns = rows.filter((r) => r.source === 'check-in');

  const booked = await history.appointmentStatusCounts(locationId, localDayStart(from, zone), localDayEnd(to, zone));
  const countStatus = (s: string) => booked[s] ?? 0;
  const served = countStatus('served') + countStatus('checked-in');
  const noShows = countStatus('no-show');

  const daysToFirstFreeSlot: Record<string, number | null> = {};
  const today = DateTime.fromJSDate(deps.clock.now(), { zone }).startOf('day');
  for (const s of await deps.storage.read.queue.services(location)) {
    if (!s.offered) continue;
    try {
      const days = await findAvailableDays(deps, { locationId, services: [{ code: s.code, persons: 1 }] });
      const first = days[0];
      daysToFirstFreeSlot[s.code] = first
        ? Math.round(DateTime.fromISO(first, { zone }).diff(today, 'days').days)
        : null;
    } catch {
      // Not bookable online here (e.g. walk-in only pickup): no slot to wait for.
    }
  }

  return {
    locationId,
    from,
    to,
    norm: { share: location.serviceNormShare, minutes: norm },
    walkIns: summarizeWaits(walkIns, norm),
    appointments: {
      ...summarizeWaits(checkIns, norm),
      booked: Object.values(booked).reduce((a, b) => a + b, 0),
      served,
      noShows,
      cancelled: countStatus('cancelled'),
      noShowShare: served + noShows > 0 ? Math.round((noShows / (served + noShows)) * 1000) / 1000 : null,
    },
    perService: [...groupBy(walkIns, (r) => r.serviceCode)].map(([code, list]) => ({
      code,
      ...summarizeWaits(list, norm),
    })),
    perDay: [...groupBy(rows, (r) => r.date)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, list]) => ({
        date,
        ...summarizeWaits(
          list.filter((r) => r.source !== 'check-in'),
          norm,
        ),
      })),
    daysToFirstFreeSlot,
  };
}

/** The per-day walk-in table as CSV. */
export function statisticsCsv(stats: LocationStatistics): string {
  return toCsv(
    [
      'date',
      'visitors',
      'called',
      'not_called',
      'share_within_5',
      'share_within_10',
      'share_within_norm',
      'median_wait',
      'p90_wait',
    ],
    stats.perDay.map((d) => [
      d.date,
      d.visitors,
      d.called,
      d.notCalled,
      d.share5,
      d.share10,
      d.shareWithinNorm,
      d.medianWaitMinutes,
      d.p90WaitMinutes,
    ]),
  );
}

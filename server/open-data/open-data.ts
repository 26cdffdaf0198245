import { DateTime } from 'luxon';
import { locations } from '../../db/schema/index.ts';
import type { WaitBand } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { estimateWaits, loadQueueState } from '../queue/queue-state.ts';
import { loadWaitRows } from '../stats/load-waits.ts';
import { groupBy, summarizeWaits, toCsv } from '../stats/wait-stats.ts';

/**
 * Public open data: what is happening now per office and historical hourly waits. Aggregates only —
 * counts, bands and quantiles; no ticket numbers, names, references or single visits.
 */

const texts: Record<WaitBand['band'], { nl: string; en: string }> = {
  none: { nl: 'geen', en: 'none' },
  lt5: { nl: 'minder dan 5 minuten', en: 'less than 5 minutes' },
  '5-10': { nl: '5 tot 10 minuten', en: '5 to 10 minutes' },
  '10-20': { nl: '10 tot 20 minuten', en: '10 to 20 minutes' },
  '20-30': { nl: '20 tot 30 minuten', en: '20 to 30 minutes' },
  '30-60': { nl: '30 tot 60 minuten', en: '30 to 60 minutes' },
  gt60: { nl: 'meer dan een uur', en: 'more than an hour' },
};
const order: WaitBand['band'][] = ['none', 'lt5', '5-10', '10-20', '20-30', '30-60', 'gt60'];

export interface LiveOffice {
  id: string;
  name: string;
  city: string;
  /** False when no counter is open: then there is no wait estimate. */
  open: boolean;
  waiting: number;
  waitBand: WaitBand['band'] | null;
  waitMinutes: number | null;
  waitText: { nl: string; en: string } | null;
  services: { code: string; waiting: number; waitBand: WaitBand['band']; waitMinutes: number }[];
}

export function liveOpenData(deps: Deps): { generatedAt: string; locations: LiveOffice[] } {
  const now = deps.clock.now();
  const rows = deps.db.select().from(locations).all();
  return {
    generatedAt: now.toISOString(),
    locations: rows.map((location) => {
      const state = loadQueueState(deps.db, location, now);
      const open = state.counters.some((c) => c.active && c.state === 'open');
      const waiting = state.tickets.filter((t) => t.row.status === 'waiting').length;
      const estimates = estimateWaits(state);
      // Services nobody serves now have no wait to publish (never "more than an hour" by default).
      const services = estimates.waits.flatMap((w) =>
        w.estimatedWait
          ? [
              {
                code: w.code,
                waiting: w.waiting,
                waitBand: w.estimatedWait.band,
                waitMinutes: Math.round(w.estimatedWait.minutes),
              },
            ]
          : [],
      );
      // The office's wait is the longest wait a walk-in would face now (the feed shows one text).
      let worst: (typeof services)[number] | null = null;
      for (const s of services) if (!worst || order.indexOf(s.waitBand) > order.indexOf(worst.waitBand)) worst = s;
      return {
        id: location.id,
        name: location.name,
        city: location.city,
        open,
        waiting,
        waitBand: open && worst ? worst.waitBand : null,
        waitMinutes: open && worst ? worst.waitMinutes : null,
        waitText: open && worst ? texts[worst.waitBand] : null,
        services: open ? services : [],
      };
    }),
  };
}

/** Hourly per location and service: visitors, median and 90th-percentile wait, share within the norm. */
export function waitTimesCsv(deps: Deps, from: string, to: string): string {
  const rows = deps.db.select().from(locations).all();
  const zones = new Map(rows.map((l) => [l.id, l.timeZone]));
  const norms = new Map(rows.map((l) => [l.id, l.serviceNormMinutes]));
  const waits = loadWaitRows(deps.db, zones, from, to).filter((r) => r.source !== 'check-in');
  const groups = [
    ...groupBy(waits, (r) => `${r.date}|${String(r.hour).padStart(2, '0')}|${r.locationId}|${r.serviceCode}`),
  ];
  groups.sort(([a], [b]) => a.localeCompare(b));
  return toCsv(
    [
      'date',
      'hour',
      'location',
      'service',
      'visitors',
      'median_wait_minutes',
      'p90_wait_minutes',
      'share_within_norm',
      'norm_minutes',
    ],
    groups.map(([key, list]) => {
      const [date, hour, locationId, service] = key.split('|') as [string, string, string, string];
      const norm = norms.get(locationId) ?? 10;
      const s = summarizeWaits(list, norm);
      return [
        date,
        Number(hour),
        locationId,
        service,
        s.visitors,
        s.medianWaitMinutes,
        s.p90WaitMinutes,
        s.shareWithinNorm,
        norm,
      ];
    }),
  );
}

export function todayIn(deps: Deps, zone = 'Europe/Amsterdam'): string {
  return DateTime.fromJSDate(deps.clock.now(), { zone }).toISODate() ?? '';
}

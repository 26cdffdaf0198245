import type { OpenDataLiveOffice } from '../contracts/open-data.ts';
import type { WaitBand } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { estimateWaits } from '../queue/estimate-waits.ts';
import { loadQueueState } from '../queue/queue-state.ts';
import { loadWaitRows } from '../stats/load-waits.ts';
import { groupBy, summarizeWaits, toCsv } from '../stats/wait-stats.ts';
import type { OpenDataOffice } from './open-data-store.ts';

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

export type LiveOffice = OpenDataLiveOffice;

export async function liveOpenData(deps: Deps): Promise<{
  generatedAt: string;
  licence: typeof OPEN_DATA_LICENCE;
  locations: LiveOffice[];
}> {
  const now = deps.clock.now();
  const offices = await deps.storage.read.openData.offices();
  return {
    generatedAt: now.toISOString(),
    licence: OPEN_DATA_LICENCE,
    locations: (
      await Promise.all(
        offices.map(async (office) => {
          const location = await deps.storage.read.queue.location(office.id);
          if (!location) return [];
          const state = await loadQueueState(deps.storage.read, location, now);
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
          return [
            {
              id: office.id,
              name: office.name,
              city: office.city,
              open,
              waiting,
              waitBand: open && worst ? worst.waitBand : null,
              waitMinutes: open && worst ? worst.waitMinutes : null,
              waitText: open && worst ? texts[worst.waitBand] : null,
              services: open ? services : [],
            },
          ];
        }),
      )
    ).flat(),
  };
}

/** Hourly per location and service: visitors, median and 90th-percentile wait, share within the norm. */
export async function waitTimesCsv(deps: Deps, from: string, to: string): Promise<string> {
  const rows = await deps.storage.read.openData.offices();
  const zones = new Map(rows.map((l) => [l.id, l.timeZone]));
  const norms = new Map(rows.map((l) => [l.id, l.serviceNormMinutes]));
  const waits = (await loadWaitRows(deps.storage.read.waitHistory, zones, from, to)).filter(
    (r) => r.source !== 'check-in',
  );
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

/** The licence of every open-data response: public domain dedication. */
export const OPEN_DATA_LICENCE = {
  id: 'CC0-1.0',
  name: 'Creative Commons Zero v1.0 Universal',
  url: 'https://creativecommons.org/publicdomain/zero/1.0/',
} as const;

/** Response headers every open-data answer carries: the licence and where its description is. */
export const openDataHeaders = {
  link: `<${OPEN_DATA_LICENCE.url}>; rel="license", </api/v1/open-data>; rel="describedby"`,
  'x-licence': OPEN_DATA_LICENCE.id,
} as const;

/**
 * Amsterdam's live feed as its consumers parse it: "geen", "N minuten" (one number first: parsers read
 * the first word) or "meer dan een uur". People waiting with no counter open have no estimate; they are
 * reported as "meer dan een uur" rather than as no wait.
 */
export function amsterdamWaittime(waiting: number, minutes: number | null): string {
  if (waiting === 0) return 'geen';
  if (minutes === null || minutes >= 60) return 'meer dan een uur';
  const m = Math.round(minutes);
  if (m <= 0) return 'geen';
  return m === 1 ? '1 minuut' : `${m} minuten`;
}

export interface AmsterdamOffice {
  id: number;
  waiting: number;
  waittime: string;
}

/** The live feed in the shape of Amsterdam's public one: a bare array, an integer id per office. */
export async function amsterdamLiveFeed(deps: Deps): Promise<AmsterdamOffice[]> {
  const numbers = new Map((await numberedOffices(deps)).map((o) => [o.id, o.number]));
  return (await liveOpenData(deps)).locations
    .flatMap((l) => {
      const id = numbers.get(l.id);
      return id === undefined || id === null
        ? []
        : [{ id, waiting: l.waiting, waittime: amsterdamWaittime(l.waiting, l.waitMinutes) }];
    })
    .sort((a, b) => a.id - b.id);
}

/** Every office with its integer id, assigning ids first to offices that have none (a new office). */
async function numberedOffices(deps: Deps): Promise<OpenDataOffice[]> {
  const offices = await deps.storage.read.openData.offices();
  if (offices.every((o) => o.number !== null)) return offices;
  await deps.storage.write((tx) => tx.openData.assignOfficeNumbers());
  return deps.storage.read.openData.offices();
}

/** The open-data catalogue: every dataset with its licence, publisher, fields and how often it changes. */
export async function openDataCatalogue(deps: Deps) {
  const offices = (await numberedOffices(deps)).map((l) => ({
    id: l.number,
    locationId: l.id,
    name: l.name,
    city: l.city,
    municipalityId: l.municipalityId,
  }));
  return {
    licence: OPEN_DATA_LICENCE,
    publishers: await deps.storage.read.openData.publishers(),
    personalData: 'none: counts, bands and aggregates only',
    offices,
    datasets: [
      {
        path: '/api/v1/open-data/live',
        title: 'Live waiting per office',
        format: 'application/json',
        updateFrequency: 'continuous (cached 15 s)',
        fields: ['id', 'name', 'city', 'open', 'waiting', 'waitBand', 'waitMinutes', 'waitText', 'services'],
      },
      {
        path: '/api/v1/open-data/amsterdam-live',
        title: "Live waiting per office in the shape of Amsterdam's public feed",
        format: 'application/json',
        updateFrequency: 'continuous (cached 15 s)',
        fields: ['id (integer, see offices)', 'waiting', 'waittime ("geen", "N minuten", "meer dan een uur")'],
      },
      {
        path: '/api/v1/open-data/prediction-accuracy?from=YYYY-MM-DD&to=YYYY-MM-DD',
        title: "Accuracy of Loket's live wait predictions per office and week",
        format: 'application/json',
        updateFrequency: 'daily',
        fields: ['locationId', 'weekStart', 'walkIns', 'maeMinutes', 'shareInsideBand'],
      },
      {
        path: '/api/v1/open-data/wait-times.csv?from=YYYY-MM-DD&to=YYYY-MM-DD',
        title: 'Hourly walk-in waits per office and service',
        format: 'text/csv',
        updateFrequency: 'hourly',
        fields: [
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
      },
    ],
  };
}

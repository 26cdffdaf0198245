import { DateTime } from 'luxon';
import { bandKeyFor, type WaitBandKey } from '../queue/predictor.ts';
import type { WaitHistoryStore } from './wait-history-store.ts';

/**
 * How good Loket's own live predictions were: for every walk-in, the wait predicted when the ticket was
 * issued (and shown as a band) against the wait to its first call, per office and ISO week — the mean
 * absolute error and the share of residents whose real wait fell inside the band they were shown.
 * Tickets issued while no counter could serve them carry no prediction and are not counted; residents
 * who gave up have no real wait. Only times: no personal data.
 */

export interface AccuracyRow {
  locationId: string;
  /** Monday of the ISO week (local date). */
  weekStart: string;
  predictedMinutes: number;
  realisedMinutes: number;
}

export interface AccuracyWeek {
  locationId: string;
  weekStart: string;
  walkIns: number;
  maeMinutes: number;
  shareInsideBand: number;
}

/** The minutes a band's text covers ("5–10 minutes" → [5, 10]); bounds included, as residents read them. */
export const BAND_RANGE: Record<WaitBandKey, [number, number]> = {
  none: [0, 1],
  lt5: [0, 5],
  '5-10': [5, 10],
  '10-20': [10, 20],
  '20-30': [20, 30],
  '30-60': [30, 60],
  gt60: [60, Number.POSITIVE_INFINITY],
};

/** Whether a real wait lies inside the band shown for a predicted wait. */
export function insideShownBand(predictedMinutes: number, realisedMinutes: number): boolean {
  const [low, high] = BAND_RANGE[bandKeyFor(predictedMinutes)];
  return realisedMinutes >= low && realisedMinutes <= high;
}

/** Per office and week (pure). */
export function accuracyByWeek(rows: readonly AccuracyRow[]): AccuracyWeek[] {
  const acc = new Map<string, { locationId: string; weekStart: string; n: number; abs: number; inside: number }>();
  for (const r of rows) {
    const key = `${r.locationId}|${r.weekStart}`;
    const a = acc.get(key) ?? { locationId: r.locationId, weekStart: r.weekStart, n: 0, abs: 0, inside: 0 };
    a.n++;
    a.abs += Math.abs(r.predictedMinutes - r.realisedMinutes);
    if (insideShownBand(r.predictedMinutes, r.realisedMinutes)) a.inside++;
    acc.set(key, a);
  }
  return [...acc.values()]
    .sort((a, b) => a.locationId.localeCompare(b.locationId) || a.weekStart.localeCompare(b.weekStart))
    .map((a) => ({
      locationId: a.locationId,
      weekStart: a.weekStart,
      walkIns: a.n,
      maeMinutes: Math.round((a.abs / a.n) * 100) / 100,
      shareInsideBand: Math.round((a.inside / a.n) * 1000) / 1000,
    }));
}

/** Walk-ins with a stored prediction and a first call, issued on local dates [from, to]. */
export async function loadAccuracyRows(
  store: WaitHistoryStore,
  from: string,
  to: string,
  locationId?: string,
): Promise<AccuracyRow[]> {
  const zones = await store.locationZones();
  // A day either side: local dates are cut per location's zone below.
  const start = DateTime.fromISO(from, { zone: 'UTC' }).minus({ days: 1 }).toJSDate();
  const end = DateTime.fromISO(to, { zone: 'UTC' }).plus({ days: 2 }).toJSDate();
  const out: AccuracyRow[] = [];
  for (const r of await store.predictionSamples(start, end, locationId)) {
    const local = DateTime.fromJSDate(r.issuedAt, { zone: zones.get(r.locationId) ?? 'Europe/Amsterdam' });
    const date = local.toISODate() ?? '';
    if (date < from || date > to) continue;
    out.push({
      locationId: r.locationId,
      weekStart: local.startOf('week').toISODate() ?? date,
      predictedMinutes: r.predictedWaitSeconds / 60,
      realisedMinutes: (r.calledAt.getTime() - r.issuedAt.getTime()) / 60_000,
    });
  }
  return out;
}

export async function predictionAccuracy(
  store: WaitHistoryStore,
  from: string,
  to: string,
  locationId?: string,
): Promise<AccuracyWeek[]> {
  return accuracyByWeek(await loadAccuracyRows(store, from, to, locationId));
}

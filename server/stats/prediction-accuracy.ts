import { and, eq, gte, isNotNull, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import { locations, tickets } from '../../db/schema/index.ts';
import { bandKeyFor, type WaitBandKey } from '../queue/predictor.ts';

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
export function loadAccuracyRows(db: Db, from: string, to: string, locationId?: string): AccuracyRow[] {
  const zones = new Map(
    db
      .select({ id: locations.id, zone: locations.timeZone })
      .from(locations)
      .all()
      .map((l) => [l.id, l.zone]),
  );
  const start = DateTime.fromISO(from, { zone: 'UTC' }).minus({ days: 1 }).toJSDate();
  const end = DateTime.fromISO(to, { zone: 'UTC' }).plus({ days: 2 }).toJSDate();
  const rows = db
    .select({
      locationId: tickets.locationId,
      issuedAt: tickets.issuedAt,
      calledAt: tickets.calledAt,
      predicted: tickets.predictedWaitSeconds,
    })
    .from(tickets)
    .where(
      and(
        eq(tickets.source, 'kiosk'),
        isNotNull(tickets.predictedWaitSeconds),
        isNotNull(tickets.calledAt),
        gte(tickets.issuedAt, start),
        lt(tickets.issuedAt, end),
        ...(locationId ? [eq(tickets.locationId, locationId)] : []),
      ),
    )
    .all();
  const out: AccuracyRow[] = [];
  for (const r of rows) {
    if (r.calledAt === null || r.predicted === null) continue;
    const local = DateTime.fromJSDate(r.issuedAt, { zone: zones.get(r.locationId) ?? 'Europe/Amsterdam' });
    const date = local.toISODate() ?? '';
    if (date < from || date > to) continue;
    out.push({
      locationId: r.locationId,
      weekStart: local.startOf('week').toISODate() ?? date,
      predictedMinutes: r.predicted / 60,
      realisedMinutes: (r.calledAt.getTime() - r.issuedAt.getTime()) / 60_000,
    });
  }
  return out;
}

export function predictionAccuracy(db: Db, from: string, to: string, locationId?: string): AccuracyWeek[] {
  return accuracyByWeek(loadAccuracyRows(db, from, to, locationId));
}

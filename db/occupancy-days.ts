import type { OccupiedRecord } from '../server/scheduling/appointment-store.ts';

/**
 * The engine-free part of the occupancy caches (db/sqlite/occupancy-cache.ts, db/pg/occupancy-cache.ts): a day's
 * committed occupancy kept in memory with its version, brought up to date from the appointments that changed,
 * and answered for a range at a moment. Days are UTC days (`starts_at / 86400000`), as the version triggers of
 * both engines count them.
 */

export const DAY_MS = 86_400_000;

export interface CachedDay {
  version: number;
  rows: OccupiedRecord[];
  /** Per row, when its hold lapses (null: not a hold); kept beside the records, which are the repository's answer. */
  holdExpiresAt: (number | null)[];
}

/** An appointment as read again after it changed: where it is now, its status and hold, and how to make its record. */
export interface FreshRow {
  id: number;
  locationId: string;
  startsAt: number;
  status: string;
  holdExpiresAt: number | null;
}

/** The statuses that may take a counter's time: the rows a kept day holds. */
const ACTIVE = new Set<string>(['held', 'booked', 'checked-in']);

/**
 * A kept day brought up to date: its rows less the `changed` appointments, plus those of them (as read now, from
 * `fresh`, which may hold other days' too) that are active on this location and day. By start, then id, as the
 * full reads order them.
 */
export function patched<R extends FreshRow>(
  day: CachedDay,
  version: number,
  changed: ReadonlySet<number>,
  fresh: readonly R[],
  locationId: string,
  d: number,
  recordOf: (row: R) => OccupiedRecord,
): CachedDay {
  const rows: OccupiedRecord[] = [];
  const holdExpiresAt: (number | null)[] = [];
  for (let k = 0; k < day.rows.length; k++) {
    const r = day.rows[k] as OccupiedRecord;
    if (changed.has(r.id)) continue;
    rows.push(r);
    holdExpiresAt.push(day.holdExpiresAt[k] ?? null);
  }
  const added: R[] = [];
  for (const r of fresh)
    if (
      changed.has(r.id) &&
      r.locationId === locationId &&
      Math.floor(r.startsAt / DAY_MS) === d &&
      ACTIVE.has(r.status)
    )
      added.push(r);
  if (added.length === 0) return { version, rows, holdExpiresAt };
  added.sort((a, b) => a.startsAt - b.startsAt || a.id - b.id);
  // Merge the two sorted lists.
  const outRows: OccupiedRecord[] = [];
  const outHolds: (number | null)[] = [];
  let i = 0;
  let j = 0;
  while (i < rows.length || j < added.length) {
    const a = rows[i];
    const b = added[j];
    if (
      b === undefined ||
      (a !== undefined && (a.startsAt < b.startsAt || (a.startsAt === b.startsAt && a.id < b.id)))
    ) {
      outRows.push(a as OccupiedRecord);
      outHolds.push(holdExpiresAt[i] ?? null);
      i++;
    } else {
      outRows.push(recordOf(b));
      outHolds.push(b.status === 'held' ? b.holdExpiresAt : null);
      j++;
    }
  }
  return { version, rows: outRows, holdExpiresAt: outHolds };
}

/**
 * The occupancy of [from, to) at `now` from kept days (each by start): what takes its counter's time then — a
 * hold only while it has not lapsed.
 */
export function occupancyOf(days: readonly CachedDay[], from: number, to: number, now: Date): OccupiedRecord[] {
  const t = now.getTime();
  const out: OccupiedRecord[] = [];
  for (const day of days) {
    const { rows, holdExpiresAt } = day;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k] as OccupiedRecord;
      if (r.startsAt >= from && r.startsAt < to && (r.status !== 'held' || (holdExpiresAt[k] ?? 0) > t)) out.push(r);
    }
  }
  return out;
}

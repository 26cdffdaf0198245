import type { WaitSummary } from '../contracts/stats.ts';
/**
 * Wait statistics from ticket rows (pure). Waits run from issue (walk-ins) or from the appointment's
 * start when the resident checked in early (appointments) to the first call. No personal data: the
 * rows carry only times, service codes and sources.
 */

export interface WaitRow {
  locationId: string;
  serviceCode: string;
  source: 'kiosk' | 'check-in' | 'remote' | 'counter';
  status: 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'cancelled';
  issuedAt: Date;
  dueAt: Date | null;
  calledAt: Date | null;
  /** Local date and hour of issue in the location's zone. */
  date: string;
  hour: number;
}

export type { WaitSummary } from '../contracts/stats.ts';

/** Minutes from issue (or the appointment's start, if later) to the first call; null if never called. */
export function waitMinutes(row: WaitRow): number | null {
  if (!row.calledAt) return null;
  const from =
    row.source === 'check-in' && row.dueAt && row.dueAt.getTime() > row.issuedAt.getTime() ? row.dueAt : row.issuedAt;
  return Math.max(0, (row.calledAt.getTime() - from.getTime()) / 60_000);
}

export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (i - lo);
}

const round = (x: number | null, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

export function summarizeWaits(rows: readonly WaitRow[], normMinutes: number): WaitSummary {
  const waits: number[] = [];
  let notCalled = 0;
  for (const r of rows) {
    const w = waitMinutes(r);
    if (w === null) {
      if (r.status === 'cancelled' || r.status === 'no-show') notCalled++;
    } else waits.push(w);
  }
  waits.sort((a, b) => a - b);
  // Shares are over everyone who came and was either called or left unserved: leaving counts as missed.
  const base = waits.length + notCalled;
  const count = (limit: number) => waits.filter((w) => w <= limit).length;
  const within5 = count(5);
  const within10 = count(10);
  const withinNorm = count(normMinutes);
  return {
    visitors: rows.length,
    called: waits.length,
    notCalled,
    within5,
    within10,
    withinNorm,
    share5: base > 0 ? round(within5 / base, 3) : null,
    share10: base > 0 ? round(within10 / base, 3) : null,
    shareWithinNorm: base > 0 ? round(withinNorm / base, 3) : null,
    medianWaitMinutes: round(quantile(waits, 0.5)),
    p90WaitMinutes: round(quantile(waits, 0.9)),
  };
}

export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** RFC 4180 CSV; every value here is a number, a date or a code, but quote defensively anyway. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

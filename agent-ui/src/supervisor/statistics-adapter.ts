import type { LocationStatistics } from '../../../server/contracts/stats.ts';

/** GET /locations/{id}/statistics, as the supervisor view reads it. */
export type StatisticsResponse = LocationStatistics;

/** Rows for the per-day chart, in percent. */
export function dailyChartRows(stats: StatisticsResponse) {
  const pct = (share: number | null) => (share === null ? null : Math.round(share * 100));
  return stats.perDay.map((d) => ({
    date: d.date,
    visitors: d.visitors,
    within5: pct(d.share5),
    within10: pct(d.share10),
    withinNorm: pct(d.shareWithinNorm),
  }));
}

/** Services in the per-service table: those with walk-ins, plus those with a first-free-slot figure. */
export function serviceRows(stats: StatisticsResponse) {
  const codes = new Set([...stats.perService.map((s) => s.code), ...Object.keys(stats.daysToFirstFreeSlot)]);
  return [...codes].map((code) => {
    const s = stats.perService.find((x) => x.code === code);
    return {
      code,
      visitors: s?.visitors ?? 0,
      share5: s?.share5 ?? null,
      share10: s?.share10 ?? null,
      medianWaitMinutes: s?.medianWaitMinutes ?? null,
      daysToFirstFree: stats.daysToFirstFreeSlot[code] ?? null,
    };
  });
}

import type { TFunction } from 'i18next';
import type { ServiceWaitDto, WaitBand } from '../server/contracts/queue.ts';
import { formatTime } from './datetime.ts';

export type WaitBandKey = WaitBand['band'];

export const waitBandKeys: readonly WaitBandKey[] = ['none', 'lt5', '5-10', '10-20', '20-30', '30-60', 'gt60'];

/** The band a number of minutes falls in; the same cut-offs the server uses for its bands. */
export function bandForMinutes(minutes: number): WaitBandKey {
  if (minutes <= 0) return 'none';
  if (minutes < 5) return 'lt5';
  if (minutes < 10) return '5-10';
  if (minutes < 20) return '10-20';
  if (minutes < 30) return '20-30';
  if (minutes <= 60) return '30-60';
  return 'gt60';
}

/** "minder dan 5 minuten", "5–10 minuten" …: bands read better than exact minutes (FACTS.md). */
export function waitBandText(t: TFunction, band: WaitBand | WaitBandKey | null | undefined): string {
  if (band === null || band === undefined) return t('wait.unknown');
  const key = typeof band === 'string' ? band : band.band;
  return t(`wait.band.${key}`);
}

/**
 * The wait text for one service as the server judged it: "no counter open (opens at 09:00)" while nobody
 * serves it and "walk-in closed (opens at 13:00)" while its counters serve appointments only — never a band
 * then —, "no waiting" when nobody is ahead and a counter is free, else the band.
 */
export function serviceWaitText(t: TFunction, wait: ServiceWaitDto, language: string): string {
  if (wait.status === 'no-counter-open') {
    return wait.opensAt
      ? t('wait.noCounterOpenUntil', { time: formatTime(wait.opensAt, language) })
      : t('wait.noCounterOpen');
  }
  if (wait.status === 'walk-in-closed') {
    return wait.opensAt
      ? t('wait.walkInClosedUntil', { time: formatTime(wait.opensAt, language) })
      : t('wait.walkInClosed');
  }
  if (wait.status === 'no-wait') return t('wait.band.none');
  return waitBandText(t, wait.estimatedWait);
}

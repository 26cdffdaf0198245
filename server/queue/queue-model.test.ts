import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { serviceDateOf } from './queue-model.ts';

describe('serviceDateOf', () => {
  // It keeps each zone's last local day: asked forwards and backwards across midnights and DST changes, in zones
  // with odd offsets, it must answer as luxon does every time.
  it('answers the local date as luxon does, across midnights and DST, in any order', () => {
    const zones = ['Europe/Amsterdam', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
    const expected = (t: number, zone: string) => DateTime.fromJSDate(new Date(t), { zone }).toISODate();
    const instants: number[] = [];
    for (let t = Date.UTC(2026, 2, 27); t < Date.UTC(2026, 2, 31); t += 7 * 60_000 + 13_000) instants.push(t);
    for (let t = Date.UTC(2026, 9, 27); t > Date.UTC(2026, 9, 23); t -= 11 * 60_000) instants.push(t);
    for (const t of instants)
      for (const zone of zones) expect(serviceDateOf(new Date(t), zone)).toBe(expected(t, zone));
  });
});

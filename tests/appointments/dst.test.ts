import { describe, expect, it } from 'vitest';
import { counterIds } from '../helpers/appointments.ts';
import { signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';

const ZIJL = 'haarlem-zijlsingel';

/** Night hours 01:00–04:00 on one date at the Zijlsingel, one counter rostered, through the set-up API. */
async function nightOffice(now: string, date: string) {
  const ctx = createTestContext({ now });
  const token = await signInAs(ctx, 'demo-supervisor');
  const post = async (path: string, body: unknown) => {
    const res = await ctx.app.request(`/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
  };
  for (const kind of ['opening', 'appointments'])
    await post(`/locations/${ZIJL}/schedule-rules`, {
      kind,
      rrule: 'FREQ=DAILY;COUNT=1',
      startsOn: date,
      opensAt: '01:00',
      closesAt: '04:00',
    });
  await post(`/locations/${ZIJL}/roster-rules`, {
    counterId: (await counterIds(ctx)).get('Balie 4'),
    startsOn: date,
    startsAt: '01:00',
    endsAt: '04:00',
    mode: 'appointments',
  });
  const times = async () =>
    (
      (await (
        await ctx.app.request(`/api/v1/locations/${ZIJL}/available-times?services=passport:3&date=${date}`)
      ).json()) as { times: string[] }
    ).times;
  const book = async (start: string, email: string) =>
    (
      await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locationId: ZIJL,
          services: [{ code: 'passport', persons: 3 }],
          start,
          customer: { name: 'N', email },
        }),
      })
    ).status;
  return { times, book };
}

describe('DST days through the API', () => {
  it('2026-03-29: no start time in the missing hour; an offset that names it is read as the real instant', async () => {
    const office = await nightOffice('2026-03-20T08:00:00Z', '2026-03-29');
    const times = await office.times();
    expect(times.filter((t) => t.includes('T02:'))).toEqual([]);
    expect(times[0]).toBe('2026-03-29T01:00:00+01:00');
    expect(times).toContain('2026-03-29T01:30:00+01:00');
    expect(times).toContain('2026-03-29T03:00:00+02:00');
    expect(times.at(-1)).toBe('2026-03-29T03:30:00+02:00');
    // 01:30 + 30 minutes ends at 03:00 CEST: a real half hour.
    expect(await office.book('2026-03-29T01:30:00+01:00', 'a@example.nl')).toBe(201);
    // "02:30+01:00" is the instant 03:30 CEST: booked and answered as such, never as a wall time 02:30.
    expect(await office.book('2026-03-29T02:30:00+01:00', 'b@example.nl')).toBe(201);
    expect(await office.times()).not.toContain('2026-03-29T03:30:00+02:00');
    expect(await office.book('2026-03-29T03:30:00+02:00', 'c@example.nl')).toBe(409);
  });

  it('2026-10-25: every wall-clock time offered once, and booked times never overlap', async () => {
    const office = await nightOffice('2026-10-20T08:00:00Z', '2026-10-25');
    const times = await office.times();
    const walls = times.map((t) => t.slice(11, 16));
    expect(new Set(walls).size).toBe(walls.length);
    expect(walls.filter((w) => w.startsWith('02:')).length).toBe(12);
    const instants = times.map((t) => Date.parse(t));
    expect([...instants].sort((a, b) => a - b)).toEqual(instants);
    // Book 01:30 (CEST) for 30 minutes: it runs to 02:00 CEST; later times stay bookable where free.
    expect(await office.book('2026-10-25T01:30:00+02:00', 'a@example.nl')).toBe(201);
    const after = await office.times();
    expect(after).not.toContain('2026-10-25T01:30:00+02:00');
    for (const t of after) {
      const start = Date.parse(t);
      const booked = Date.parse('2026-10-25T01:30:00+02:00');
      expect(start + 30 * 60_000 <= booked || start >= booked + 30 * 60_000).toBe(true);
    }
  });
});

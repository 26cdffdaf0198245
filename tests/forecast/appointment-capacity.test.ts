import { expect, it } from 'vitest';
import { dayCapacity, recordTodaysCapacity } from '../../server/forecast/appointment-capacity.ts';
import { planDay } from '../../server/scheduling/day-plans.ts';
import { getOffice } from '../../server/scheduling/office-cache.ts';
import { describeEachEngine } from '../helpers/context.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';
const MONDAY = '2026-11-23';

describeEachEngine('appointment capacity', ({ context }) => {
  it('records each open day once, on the day: what the empty book could hold', async () => {
    const ctx = await context({ now: `${MONDAY}T08:00:00Z` });
    const written = await recordTodaysCapacity(ctx);
    expect(written).toBeGreaterThan(0);
    // A second run the same day writes nothing: the first record stands.
    expect(await recordTodaysCapacity(ctx)).toBe(0);
    const rows = await ctx.storage.read.forecastHistory.appointmentCapacity(ZIJLSINGEL, MONDAY, MONDAY);
    expect(rows.length).toBeGreaterThan(0);
    const office = await getOffice(ctx.storage.read, ZIJLSINGEL);
    const plan = office ? planDay(office, MONDAY) : undefined;
    if (!office || !plan) throw new Error('demo office missing');
    // Nothing booked: the capacity is what the appointment windows hold, and a full book leaves none.
    const empty = dayCapacity(office, plan, { placed: [], persons: {} });
    for (const r of rows) expect(r.capacity).toBe(empty.find((e) => e.serviceCode === r.serviceCode)?.capacity);
    const windows = [...plan.counterWindows].flatMap(([counterId, ws]) =>
      ws.map((w) => ({ counterId, startsAt: w.start, endsAt: w.end })),
    );
    const full = dayCapacity(office, plan, { placed: windows, persons: { passport: 7 } });
    expect(full.find((r) => r.serviceCode === 'passport')?.capacity).toBe(7);
  });
});

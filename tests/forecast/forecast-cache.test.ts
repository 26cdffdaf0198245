import { beforeEach, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import {
  cachedLocationForecast,
  cachedPlannerAnswer,
  forecastCacheCounts,
  MAX_AGE_MS,
} from '../../server/forecast/forecast-cache.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';
const FORECAST = `/locations/${ZIJLSINGEL}/forecast?from=2026-11-30&to=2026-12-04`;

describeEachEngine('the planner cache', (under) => {
  let ctx: EngineContext;
  let supervisor: string;
  const forecast = () => call(ctx, 'GET', FORECAST, { token: supervisor });
  const computed = () => forecastCacheCounts(ctx, 'forecast').computed;

  beforeEach(async () => {
    // Late in the evening in Haarlem (22:58 UTC = 23:58 CET): the service day changes within MAX_AGE_MS.
    ctx = await under.context({ now: '2026-11-23T22:58:00Z' });
    supervisor = await signInAs(ctx, 'demo-supervisor');
  });

  it('gives the same answer again without computing it, saying when it was computed', async () => {
    const first = await forecast();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.computedAt).toBe('2026-11-23T22:58:00.000Z');
    expect(first.headers.get('age')).toBe('0');
    ctx.clock.advance(90_000);
    const second = await forecast();
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('age')).toBe('90');
    expect(forecastCacheCounts(ctx, 'forecast')).toEqual({ computed: 1, hits: 1, joined: 0 });
    // Another query is another answer.
    expect((await call(ctx, 'GET', `${FORECAST}&slotMinutes=15`, { token: supervisor })).status).toBe(200);
    expect(computed()).toBe(2);
  });

  it('computes again after the demo history fill wrote days, not keeping a half-filled answer', async () => {
    // A registry of its own first: the fill then keeps it, so only the days it writes can tell the answers apart.
    const admin = await signInAs(ctx, 'demo-admin');
    const registry = await call(ctx, 'POST', '/registry-documents', {
      token: admin,
      body: { csv: 'month,document_type,age_band,count\n2017-01,passport,adult,800\n' },
    });
    expect(registry.status).toBe(200);
    const before = await forecast();
    const filled = await fillDemoHistory(ctx, { days: 21, predictedDays: 0 });
    expect(filled.tickets).toBeGreaterThan(0);
    const after = await forecast();
    expect(computed()).toBe(2);
    expect(after.body).not.toEqual(before.body);
    await forecast();
    expect(computed()).toBe(2);
  });

  it('computes two concurrent requests once', async () => {
    const [a, b] = await Promise.all([forecast(), forecast()]);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(forecastCacheCounts(ctx, 'forecast')).toEqual({ computed: 1, hits: 0, joined: 1 });
  });

  it('computes again after a change of the configuration, on the answer of the new configuration', async () => {
    const before = await forecast();
    await ctx.sql.exec('UPDATE locations SET service_norm_minutes = service_norm_minutes + 7 WHERE id = ?', [
      ZIJLSINGEL,
    ]);
    const after = await forecast();
    expect(computed()).toBe(2);
    expect(after.body.norm.minutes).toBe(before.body.norm.minutes + 7);
    await forecast();
    expect(computed()).toBe(2);
  });

  it('computes again after an import of the registry or of hourly history', async () => {
    const admin = await signInAs(ctx, 'demo-admin');
    await forecast();
    const registry = await call(ctx, 'POST', '/registry-documents', {
      token: admin,
      body: { csv: 'month,document_type,age_band,count\n2017-01,passport,adult,800\n' },
    });
    expect(registry.status).toBe(200);
    await forecast();
    expect(computed()).toBe(2);
    // The same registry again changes nothing: the answer is kept.
    await call(ctx, 'POST', '/registry-documents', {
      token: admin,
      body: { csv: 'month,document_type,age_band,count\n2017-01,passport,adult,800\n' },
    });
    await forecast();
    expect(computed()).toBe(2);
    const hours = await call(ctx, 'POST', `/locations/${ZIJLSINGEL}/hourly-history`, {
      token: supervisor,
      body: { csv: 'date,hour,service,count\n2025-03-03,9,passport,12\n' },
    });
    expect(hours.status).toBe(200);
    await forecast();
    expect(computed()).toBe(3);
  });

  it('computes again on the next service day, and after MAX_AGE_MS on the same day', async () => {
    await forecast();
    // 23:58 → 00:01 in Haarlem: three minutes later (well within MAX_AGE_MS), another day.
    ctx.clock.advance(3 * 60_000);
    const next = await forecast();
    expect(computed()).toBe(2);
    expect(next.body.computedAt).toBe('2026-11-23T23:01:00.000Z');
    ctx.clock.advance(MAX_AGE_MS - 1000);
    await forecast();
    expect(computed()).toBe(2);
    // The book and today's served tickets may have moved: an answer is not kept for longer.
    ctx.clock.advance(1000);
    await forecast();
    expect(computed()).toBe(3);
  });

  it('keeps no failed computation, and computes nothing for an unknown location', async () => {
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('simulated failure');
    };
    await expect(cachedPlannerAnswer(ctx, 'test', ZIJLSINGEL, 'q', failing)).rejects.toThrow('simulated failure');
    await expect(cachedPlannerAnswer(ctx, 'test', ZIJLSINGEL, 'q', failing)).rejects.toThrow('simulated failure');
    expect(runs).toBe(2);
    // An unknown location fails in the stamp's read, before any computation.
    await expect(cachedLocationForecast(ctx, 'nowhere', '2026-11-30', '2026-12-04')).rejects.toMatchObject({
      code: 'not-found',
    });
    expect(computed()).toBe(0);
  });

  it("lets the what-if use the day's forecast it shares with the planner", async () => {
    const path = `/locations/${ZIJLSINGEL}/what-if`;
    const first = await call(ctx, 'POST', path, { token: supervisor, body: { date: '2026-12-01', replications: 2 } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await call(ctx, 'POST', path, { token: supervisor, body: { date: '2026-12-01', replications: 3 } });
    expect(second.status).toBe(200);
    const day = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-12-01&to=2026-12-01`, {
      token: supervisor,
    });
    expect(day.status).toBe(200);
    expect(forecastCacheCounts(ctx, 'forecast')).toEqual({ computed: 1, hits: 2, joined: 0 });
  });

  it('keeps the weekly outlook the same way', async () => {
    const path = `/locations/${ZIJLSINGEL}/weekly-outlook?weeks=4&peaks=1`;
    const [a, b] = await Promise.all([
      call(ctx, 'GET', path, { token: supervisor }),
      call(ctx, 'GET', path, { token: supervisor }),
    ]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(b.body).toEqual(a.body);
    const c = await call(ctx, 'GET', path, { token: supervisor });
    expect(c.body).toEqual(a.body);
    expect(a.body.computedAt).toBe('2026-11-23T22:58:00.000Z');
    expect(forecastCacheCounts(ctx, 'outlook')).toEqual({ computed: 1, hits: 1, joined: 1 });
    await ctx.sql.exec('UPDATE locations SET service_norm_minutes = service_norm_minutes + 7 WHERE id = ?', [
      ZIJLSINGEL,
    ]);
    const d = await call(ctx, 'GET', path, { token: supervisor });
    expect(d.body.norm.minutes).toBe(a.body.norm.minutes + 7);
    expect(forecastCacheCounts(ctx, 'outlook').computed).toBe(2);
  });
});

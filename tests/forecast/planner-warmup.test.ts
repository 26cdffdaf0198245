import { expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { forecastCacheCounts } from '../../server/forecast/forecast-cache.ts';
import { getLocationForecast } from '../../server/forecast/location-forecast.ts';
import { warmPlannerAnswers } from '../../server/forecast/planner-warmup.ts';
import { signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';
// 08:00 UTC = 09:00 in Haarlem: the planner's "today" is 2026-11-23.
const NOW = '2026-11-23T08:00:00Z';

it("warms every office's planner answers: the planner's first view is then kept, the same as computed", async () => {
  const ctx = createTestContext({ now: NOW });
  await fillDemoHistory(ctx, { days: 14, predictedDays: 0 });
  const offices = (await ctx.storage.read.openData.offices()).length;
  expect(await warmPlannerAnswers(ctx)).toBe(offices);
  expect(forecastCacheCounts(ctx, 'forecast').computed).toBe(offices);
  expect(forecastCacheCounts(ctx, 'outlook').computed).toBe(offices);

  // What the planner asks for when it opens (agent-ui planner-view.tsx and outlook-section.tsx).
  const supervisor = await signInAs(ctx, 'demo-supervisor');
  const forecast = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-10-26&to=2027-01-18`, {
    token: supervisor,
  });
  expect(forecast.status, JSON.stringify(forecast.body)).toBe(200);
  const outlook = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/weekly-outlook?weeks=52&peaks=3`, {
    token: supervisor,
  });
  expect(outlook.status, JSON.stringify(outlook.body)).toBe(200);
  expect(forecastCacheCounts(ctx, 'forecast')).toEqual({ computed: offices, hits: 1, joined: 0 });
  expect(forecastCacheCounts(ctx, 'outlook')).toEqual({ computed: offices, hits: 1, joined: 0 });
  expect(forecast.body.computedAt).toBe('2026-11-23T08:00:00.000Z');
  // The kept answer is the one a request computes.
  const { computedAt: _, ...kept } = forecast.body;
  expect(kept).toEqual(
    JSON.parse(JSON.stringify(await getLocationForecast(ctx, ZIJLSINGEL, '2026-10-26', '2027-01-18', 10))),
  );
}, 120_000);

it('stops once aborted (shutdown), computing nothing more', async () => {
  const ctx = createTestContext({ now: NOW });
  const stop = new AbortController();
  stop.abort();
  expect(await warmPlannerAnswers(ctx, { signal: stop.signal })).toBe(0);
  expect(forecastCacheCounts(ctx, 'forecast').computed).toBe(0);
  expect(forecastCacheCounts(ctx, 'outlook').computed).toBe(0);
});

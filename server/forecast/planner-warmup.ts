import { PLANNER_VIEW } from '../contracts/planner-view.ts';
import type { Deps } from '../deps.ts';
import { localDateOf } from '../scheduling/calendar.ts';
import { getOffice } from '../scheduling/office-cache.ts';
import { addDaysIso } from './demand.ts';
import { cachedLocationForecast, MAX_LOCATIONS } from './forecast-cache.ts';
import { cachedWeeklyOutlook } from './weekly-outlook.ts';

/**
 * A second-best for the planner's cold first view (ARCHITECTURE.md#forecasting-statistics-and-open-data): a cold
 * forecast and outlook are 2–18 s each on the demo, most of it the per-day counter sizing, which is not made
 * cheaper here. Computes each office's planner answers once, one office at a time (at most `MAX_LOCATIONS`,
 * what the cache keeps), through the cache — so a planner opened during it joins the computation under way, and
 * one opened within `MAX_AGE_MS` after it gets the kept answer — and leaves the sizing's memos (carried days,
 * opening hours) warm for a later recomputation. The computations are sliced (`cooperative`): requests are
 * answered in between. Stops between offices once `signal` is aborted. Resolves with the offices warmed.
 */
export async function warmPlannerAnswers(deps: Deps, options: { signal?: AbortSignal } = {}): Promise<number> {
  let warmed = 0;
  const offices = (await deps.storage.read.openData.offices()).slice(0, MAX_LOCATIONS);
  for (const { id } of offices) {
    if (options.signal?.aborted) break;
    const office = await getOffice(deps.storage.read, id);
    if (!office) continue;
    const today = localDateOf(deps.clock.now(), office.location.timeZone);
    await cachedLocationForecast(
      deps,
      id,
      addDaysIso(today, -PLANNER_VIEW.daysBack),
      addDaysIso(today, PLANNER_VIEW.daysAhead),
    );
    if (options.signal?.aborted) break;
    await cachedWeeklyOutlook(deps, id, { weeks: PLANNER_VIEW.outlookWeeks, peaks: PLANNER_VIEW.outlookPeaks });
    warmed++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return warmed;
}

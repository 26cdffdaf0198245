/**
 * What the supervisor's planner asks for when it opens: the forecast from four weeks back to eight weeks ahead, and
 * the 52-week outlook with its three peak weeks. One constant for the planner (agent-ui `planner-view.tsx`,
 * `outlook-section.tsx`) and the demo's warm-up of those answers (server/forecast/planner-warmup.ts), so the warm-up
 * keeps computing what the planner opens with. No imports: the front-end bundles it.
 */
export const PLANNER_VIEW = { daysBack: 28, daysAhead: 56, outlookWeeks: 52, outlookPeaks: 3 } as const;

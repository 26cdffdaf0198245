import { z } from 'zod';
import { IsoDate } from './validators.ts';

/** GET /locations/{id}/statistics: wait summaries (shares 0–1, null without data). No personal data. */

export const LocalDate = IsoDate.meta({ example: '2026-12-01', format: 'date' });
export const span = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** Local dates [from, to], at most a year: the range of the statistics and of every open-data history. */
const withinAYear = [
  (q: { from: string; to: string }) => q.from <= q.to && span(q.from, q.to) <= 366,
  { message: 'from must not be after to, and the range is at most a year' },
] as const;
export const DateRangeQuery = z.object({ from: LocalDate, to: LocalDate }).refine(...withinAYear);
export const StatisticsQuery = z
  .object({ from: LocalDate, to: LocalDate, format: z.enum(['json', 'csv']).optional() })
  .refine(...withinAYear);

export const Summary = z.object({
  visitors: z.number().int(),
  called: z.number().int(),
  notCalled: z.number().int(),
  within5: z.number().int(),
  within10: z.number().int(),
  withinNorm: z.number().int(),
  share5: z.number().nullable(),
  share10: z.number().nullable(),
  shareWithinNorm: z.number().nullable(),
  medianWaitMinutes: z.number().nullable(),
  p90WaitMinutes: z.number().nullable(),
});
export const StatisticsDto = z
  .object({
    locationId: z.string(),
    from: z.string(),
    to: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    walkIns: Summary,
    appointments: Summary.extend({
      booked: z.number().int(),
      served: z.number().int(),
      noShows: z.number().int(),
      cancelled: z.number().int(),
      noShowShare: z.number().nullable(),
    }),
    perService: z.array(Summary.extend({ code: z.string() })),
    perDay: z.array(Summary.extend({ date: z.string() })),
    daysToFirstFreeSlot: z.record(z.string(), z.number().nullable()),
  })
  .meta({ id: 'LocationStatistics' });

export type LocationStatistics = z.infer<typeof StatisticsDto>;
export type WaitSummary = z.infer<typeof Summary>;

/** GET /open-data/prediction-accuracy: how good the live wait predictions were, per office and ISO week. */
export const PredictionAccuracyDto = z
  .object({
    from: z.string().meta({ format: 'date' }),
    to: z.string().meta({ format: 'date' }),
    weeks: z.array(
      z.object({
        locationId: z.string(),
        weekStart: z.string().meta({ format: 'date' }),
        walkIns: z.number().int(),
        maeMinutes: z.number(),
        shareInsideBand: z.number(),
      }),
    ),
  })
  .meta({ id: 'PredictionAccuracy' });
export type PredictionAccuracyDto = z.infer<typeof PredictionAccuracyDto>;

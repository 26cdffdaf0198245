import { z } from 'zod';
import { span as days, LocalDate } from './stats.ts';

/** The HTTP contract of forecasting, the weekly outlook and what-if runs (supervisors and planners). */

export { LocalDate };

export const ForecastQuery = z
  .object({
    from: LocalDate,
    to: LocalDate,
    slotMinutes: z.coerce.number().int().min(5).max(120).optional(),
  })
  .refine((q) => q.from <= q.to && days(q.from, q.to) <= 26 * 7, {
    message: 'from must not be after to, and the range is at most 26 weeks',
  });

export const ForecastHour = z.object({
  date: z.string(),
  hour: z.number().int(),
  demand: z.record(z.string(), z.number()),
  walkInArrivals: z.number(),
  bookedMinutes: z.number(),
  appointmentMinutes: z.number(),
  requiredCounters: z.number(),
  rosteredCounters: z.number(),
  gap: z.number(),
});
export const ForecastDay = z.object({
  date: z.string(),
  closed: z.boolean(),
  walkInArrivals: z.number(),
  requiredCounterHours: z.number(),
  rosteredCounterHours: z.number(),
  shortHours: z.number().int(),
  releasableSlots: z.number().int(),
  appointmentsBooked: z.number(),
  appointmentsExpected: z.number(),
  appointmentVisitsExpected: z.number(),
  appointmentsByService: z.record(z.string(), z.number()),
  appointmentSlots: z.number().int(),
  slotsForNorm: z.number().int(),
  slotsShort: z.number().int(),
  warning: z.boolean(),
});
export const LocationForecastDto = z
  .object({
    locationId: z.string(),
    from: z.string(),
    to: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    slotMinutes: z.number(),
    services: z.array(z.string()),
    historyDays: z.number().int(),
    usesRegistry: z.boolean(),
    appointmentNorm: z.object({ workingDays: z.number().int() }),
    noShowRates: z.record(z.string(), z.number()),
    fullDays: z.record(
      z.string(),
      z.object({ days: z.number().int(), booked: z.number().int(), estimatedDemand: z.number() }),
    ),
    openingCrowdShare: z.number(),
    /** Counters the office has (with at least one service): advice beyond them cannot be rostered. */
    officeCounters: z.number().int(),
    hours: z.array(ForecastHour),
    days: z.array(ForecastDay),
    /**
     * When the server started computing this answer (an instant). A planner's answer is kept and given again
     * while the office's configuration, the service day, the registry and the imported hours are unchanged, for
     * at most 5 minutes (the appointment book and today's served tickets move meanwhile); `Age` says the same.
     */
    computedAt: z.iso.datetime(),
  })
  .meta({ id: 'LocationForecast' });

export const WallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
/** A wall time that may also end a day (`24:00`): the end of an hour period. */
const WallTimeOrMidnight = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/);

export const LocationIdParam = z.object({ id: z.string().min(1).max(100) });

export const WeeklyOutlookQuery = z.object({
  from: LocalDate.optional(),
  weeks: z.coerce.number().int().min(1).max(52).default(52),
  peaks: z.coerce.number().int().min(0).max(8).default(3),
});

/** POST /locations/{id}/what-if: proposed shifts per counter; counters left out keep their rostered shifts. */
export const WhatIfBody = z.object({
  date: LocalDate,
  counters: z
    .array(
      z.object({
        counterId: z.number().int().positive(),
        shifts: z.array(z.tuple([WallTime, WallTime])).max(6),
      }),
    )
    .max(50)
    .default([]),
  replications: z.number().int().min(1).max(60).default(20),
});
export type WhatIfBody = z.infer<typeof WhatIfBody>;
export const WhatIfResultDto = z
  .object({
    locationId: z.string(),
    date: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    replications: z.number().int(),
    counterHours: z.number(),
    overall: z.object({
      walkIns: z.number(),
      shareWithinNorm: z.number().nullable(),
      meanWaitMinutes: z.number().nullable(),
    }),
    appointments: z.object({
      visits: z.number(),
      shareWithinNorm: z.number().nullable(),
      meanWaitMinutes: z.number().nullable(),
    }),
    hours: z.array(
      z.object({
        hour: z.number().int(),
        walkInsPerDay: z.number(),
        shareWithinNorm: z.number().nullable(),
        /** Walk-ins of each set of services only some counters serve: each must meet the norm too. */
        serviceSets: z.array(
          z.object({
            services: z.array(z.string()),
            walkInsPerDay: z.number(),
            shareWithinNorm: z.number().nullable(),
          }),
        ),
        meetsNorm: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'WhatIfResult' });

export const Effect = z.object({
  walkInShareWithinNorm: z.number().nullable(),
  appointmentShareWithinNorm: z.number().nullable(),
});
export const WeeklyOutlookDto = z
  .object({
    locationId: z.string(),
    from: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    usesRegistry: z.boolean(),
    replications: z.number().int(),
    /**
     * When the server started computing this answer (an instant). A planner's answer is kept and given again
     * while the office's configuration, the service day, the registry and the imported hours are unchanged, for
     * at most 5 minutes (the appointment book and today's served tickets move meanwhile); `Age` says the same.
     */
    computedAt: z.iso.datetime(),
    weeks: z.array(
      z.object({
        weekStart: z.string(),
        openDays: z.number().int(),
        walkIns: z.number(),
        appointmentsExpected: z.number(),
        appointmentsBooked: z.number(),
        requiredCounterHours: z.number(),
        rosteredCounterHours: z.number(),
        gapCounterHours: z.number(),
        shortHours: z.number().int(),
        slotsShort: z.number().int(),
      }),
    ),
    peakWeeks: z.array(
      z.object({
        weekStart: z.string(),
        gapCounterHours: z.number(),
        worstDay: z.string(),
        baseline: Effect,
        options: z.array(
          z.object({
            kind: z.enum(['extra-counters', 'evening', 'saturday', 'release-earlier']),
            counterHours: z.number(),
            detail: z.object({
              counters: z.number().int().optional(),
              from: WallTimeOrMidnight.optional(),
              to: WallTimeOrMidnight.optional(),
              day: z.string().optional(),
              slots: z.number().int().optional(),
              weeksBefore: z.number().int().optional(),
              toAppointments: z.number().optional(),
              toEarlierWeeks: z.number().optional(),
              earlierDay: z.string().optional(),
              periods: z
                .array(z.object({ from: WallTimeOrMidnight, to: WallTimeOrMidnight, counters: z.number().int() }))
                .optional(),
              beyondOffice: z.number().int().optional(),
            }),
            effect: Effect,
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'WeeklyOutlook' });

export const ImportBody = z.object({ csv: z.string().min(1).max(60_000) });
export const ImportResult = z.object({ rows: z.number().int() });

export type LocationForecastDto = z.infer<typeof LocationForecastDto>;
export type WhatIfResultDto = z.infer<typeof WhatIfResultDto>;
export type WeeklyOutlookDto = z.infer<typeof WeeklyOutlookDto>;

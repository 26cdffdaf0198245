import { z } from 'zod';
import { IsoDate, nonEmptyPatch, printableText } from './validators.ts';

/**
 * The HTTP contract of a location's set-up (supervisors and admins): the request bodies of the set-up
 * endpoints and the set-up as GET /locations/{id}/setup answers it.
 */

export const LocalDate = IsoDate;
export const Wall = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:mm');
export const Code = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);
export const Id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31);
export const LocationParam = z.object({ id: z.string().min(1).max(80) });
export const RRule = z.string().min(6).max(300);
export const Json = z.record(z.string(), z.unknown()).meta({ id: 'SetupResult' });

export const ScheduleRuleBody = z
  .object({
    kind: z.enum(['opening', 'appointments', 'walk-in']),
    rrule: RRule,
    startsOn: LocalDate,
    endsOn: LocalDate.nullish(),
    opensAt: Wall,
    closesAt: Wall,
  })
  .strict();
export const RosterRuleBody = z
  .object({
    counterId: z.number().int().positive(),
    rrule: RRule.nullish(),
    startsOn: LocalDate,
    endsOn: LocalDate.nullish(),
    startsAt: Wall,
    endsAt: Wall,
    mode: z.enum(['appointments', 'walk-in', 'both']),
  })
  .strict();
export const ClosureBody = z
  .object({ date: LocalDate, kind: z.enum(['bridge', 'local']), reason: printableText({ max: 200 }) })
  .strict();
export const SettingsBody = z
  .object({
    slotGridMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .refine((n) => 60 % n === 0, 'a divisor of 60'),
    walkInShare: z.number().min(0).max(1),
    minNoticeMinutes: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 14),
    maxDaysAhead: z.number().int().min(1).max(366),
    closedOnGoodFriday: z.boolean(),
    closedOnLiberationDay: z.boolean(),
    /** One key at the counter calls the next visitor and serves them from the call. */
    callAndStart: z.boolean(),
  })
  .partial()
  .strict();
/** `{}` used to reach an UPDATE with nothing to set and answer 500. */
export const SettingsPatch = nonEmptyPatch(SettingsBody);
export const CounterBody = z.object({ name: printableText({ max: 60 }), skills: z.array(Code).max(50) }).strict();
export const CounterPatch = nonEmptyPatch(CounterBody.partial().extend({ active: z.boolean().optional() }).strict());
/**
 * A service's fields and their limits. The set-up document (municipality-setup.ts) states every field; writing
 * one service may leave the necessities, the target wait and the follow-up out.
 */
export const ServiceFields = z.object({
  code: Code,
  nameNl: printableText({ max: 120 }),
  nameEn: printableText({ max: 120 }),
  minutesPerPerson: z.number().int().min(1).max(480),
  maxPersons: z.number().int().min(1).max(20),
  ticketLetter: z.string().regex(/^[A-Z]$/),
  necessitiesNl: z.array(printableText({ max: 200 })).max(20),
  necessitiesEn: z.array(printableText({ max: 200 })).max(20),
  targetWaitMinutes: z.number().int().min(1).max(240),
  followUpServiceCode: Code.nullable(),
  followUpMinWorkingDays: z.number().int().min(0).max(60).nullable(),
});
export const ServiceBody = ServiceFields.partial({
  necessitiesNl: true,
  necessitiesEn: true,
  targetWaitMinutes: true,
  followUpServiceCode: true,
  followUpMinWorkingDays: true,
}).strict();
const Cents = z.number().int().min(0).max(100_000_00).nullable();
/** Fees (leges) of a service per age group, euro cents per person; null: none for that group. */
export const FeesBody = z.object({ adult: Cents, minor: Cents }).strict();
export const OfferBody = z.object({ bookableOnline: z.boolean(), walkIn: z.boolean() }).strict();

export const ScheduleRuleKind = z.enum(['opening', 'appointments', 'walk-in']);
export const RosterMode = z.enum(['appointments', 'walk-in', 'both']);
export const ClosureKind = z.enum(['bridge', 'local']);

export const SetupLocation = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  slotGridMinutes: z.number().int(),
  walkInShare: z.number(),
  minNoticeMinutes: z.number().int(),
  maxDaysAhead: z.number().int(),
  closedOnGoodFriday: z.boolean(),
  closedOnLiberationDay: z.boolean(),
  /** One key at the counter calls the next visitor and serves them from the call. */
  callAndStart: z.boolean(),
});
export const ScheduleRule = z.object({
  id: z.number().int(),
  locationId: z.string(),
  kind: ScheduleRuleKind,
  rrule: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  opensAt: z.string(),
  closesAt: z.string(),
});
export const RosterRule = z.object({
  id: z.number().int(),
  locationId: z.string(),
  counterId: z.number().int(),
  rrule: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  mode: RosterMode,
});
export const Closure = z.object({
  id: z.number().int(),
  municipalityId: z.string(),
  /** Null: every location of the municipality. */
  locationId: z.string().nullable(),
  date: z.string(),
  kind: ClosureKind,
  reason: z.string(),
});

/** GET /locations/{id}/setup. */
export const Setup = z
  .object({
    location: SetupLocation,
    services: z.array(z.object({ code: z.string(), bookableOnline: z.boolean(), walkIn: z.boolean() })),
    counters: z.array(
      z.object({ id: z.number().int(), name: z.string(), active: z.boolean(), skills: z.array(z.string()) }),
    ),
    scheduleRules: z.array(ScheduleRule),
    rosterRules: z.array(RosterRule),
    closures: z.array(Closure),
    /** Public holidays from today on (computed, not stored). */
    holidays: z.array(z.object({ date: z.string(), name: z.string() })),
  })
  .meta({ id: 'Setup' });
export type Setup = z.infer<typeof Setup>;

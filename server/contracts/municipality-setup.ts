import { z } from 'zod';
import {
  ClosureKind,
  Code,
  FeesBody,
  LocalDate,
  RosterMode,
  RRule,
  ScheduleRuleKind,
  ServiceFields,
  SettingsBody,
  Wall,
} from './admin.ts';
import { printableText } from './validators.ts';

/**
 * One municipality's whole set-up as one JSON document (GET/PUT /municipality/setup): services with their fees,
 * municipality-wide closures, and per location its settings, offered services, counters and skills, hours,
 * rosters and closures. Services are matched by `code`, locations by `id`, counters by `id` (a counter without
 * `id` is created); roster rules name their counter by its `name` within the location. Rules and closures have
 * no identity of their own: a rule or closure that differs is removed and created.
 */

const Name = printableText({ max: 60 });

export const SetupDocService = ServiceFields.extend({
  sortOrder: z.number().int().min(-10_000).max(10_000),
  fees: FeesBody,
}).strict();

export const SetupDocClosure = z
  .object({ date: LocalDate, kind: ClosureKind, reason: printableText({ max: 200 }) })
  .strict();

export const SetupDocScheduleRule = z
  .object({
    kind: ScheduleRuleKind,
    rrule: RRule,
    startsOn: LocalDate,
    endsOn: LocalDate.nullable(),
    opensAt: Wall,
    closesAt: Wall,
  })
  .strict();

export const SetupDocRosterRule = z
  .object({
    /** The `name` of a counter of the same location in this document. */
    counter: Name,
    rrule: RRule.nullable(),
    startsOn: LocalDate,
    endsOn: LocalDate.nullable(),
    startsAt: Wall,
    endsAt: Wall,
    mode: RosterMode,
  })
  .strict();

export const SetupDocCounter = z
  .object({
    /** Absent: a new counter. */
    id: z
      .number()
      .int()
      .positive()
      .max(2 ** 31)
      .optional(),
    name: Name,
    active: z.boolean(),
    skills: z.array(Code).max(50),
  })
  .strict();

export const SetupDocLocation = z
  .object({
    id: z.string().min(1).max(80),
    settings: SettingsBody.required(),
    services: z.array(z.object({ code: Code, bookableOnline: z.boolean(), walkIn: z.boolean() }).strict()).max(200),
    counters: z.array(SetupDocCounter).max(200),
    scheduleRules: z.array(SetupDocScheduleRule).max(500),
    rosterRules: z.array(SetupDocRosterRule).max(2000),
    closures: z.array(SetupDocClosure).max(1000),
  })
  .strict();

export const MunicipalitySetupDocument = z
  .object({
    format: z.literal('loket-setup'),
    version: z.literal(1),
    municipality: z.object({ id: z.string().min(1).max(80) }).strict(),
    services: z.array(SetupDocService).max(200),
    /** Closures of every location of the municipality. */
    closures: z.array(SetupDocClosure).max(1000),
    locations: z.array(SetupDocLocation).max(100),
  })
  .strict()
  .meta({ id: 'MunicipalitySetupDocument' });
export type MunicipalitySetupDocument = z.infer<typeof MunicipalitySetupDocument>;

export const SetupChange = z.object({
  kind: z.enum(['service', 'location', 'offer', 'counter', 'schedule-rule', 'roster-rule', 'closure']),
  action: z.enum(['create', 'change', 'remove']),
  /** Null for municipality-wide things (services, municipality closures). */
  locationId: z.string().nullable(),
  /** What it is: a service code, a counter name, a rule or closure in words. */
  key: z.string(),
});
export type SetupChange = z.infer<typeof SetupChange>;

export const SetupImportQuery = z.object({
  dryRun: z.enum(['true', 'false']).default('true'),
});

export const SetupImportResult = z
  .object({
    dryRun: z.boolean(),
    /** Empty: the document equals the current set-up. */
    changes: z.array(SetupChange),
    movedAppointments: z.number().int(),
  })
  .meta({ id: 'SetupImportResult' });
export type SetupImportResult = z.infer<typeof SetupImportResult>;

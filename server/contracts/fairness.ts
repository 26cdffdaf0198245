import { z } from 'zod';

/**
 * Fair booking when slots are scarce (rule 8): the per-location settings a supervisor edits in agent-ui
 * (`GET`/`PUT /locations/{id}/booking-protection`) and what the booking page reads about them
 * (`GET /locations/{id}/booking-rules`). Isomorphic: the server validates with these, the front-ends
 * type with them.
 */
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const BookingProtectionSchema = z
  .object({
    /** Double opt-in: online bookings are held until confirmed by the link in the mail. */
    confirmationRequired: z.boolean(),
    /** How long a hold counts as taken (5–30 minutes). */
    holdMinutes: z.number().int().min(5).max(30),
    /** ALTCHA proof-of-work for anonymous bookings. */
    challengeMode: z.enum(['off', 'always', 'under-pressure']),
    /** Under pressure: this many online bookings here in the last 5 minutes. */
    challengePressureBookings: z.number().int().min(1).max(10_000),
    /** Active bookings per mailbox; null: the installation default (MAX_ACTIVE_BOOKINGS_PER_EMAIL). */
    mailboxCap: z.number().int().min(1).max(100).nullable(),
    /** Count the real mailbox (case, +tag, Gmail dots) rather than the address as typed. */
    mailboxNormalise: z.boolean(),
    /** Count a given phone number under the same cap. */
    phoneCap: z.boolean(),
    /** Online bookings onto one day of this office per 10 minutes; null: no limit. */
    dayVelocityLimit: z.number().int().min(1).max(10_000).nullable(),
    /** Rolling release of capacity. */
    releaseMode: z.enum(['off', 'daily', 'weekly']),
    releaseTime: LocalTime,
    /** ISO weekdays (1 = Monday … 7 = Sunday); weekly uses the first. */
    releaseWeekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    /** A release opens the day this many days ahead (weekly: its whole week). */
    releaseDaysAhead: z.number().int().min(0).max(365),
    /** Share of each day's appointment capacity kept for phone and desk bookings. */
    phoneShare: z.number().min(0).max(0.9),
    /** Hours before the day at which that share opens to online booking. */
    phoneShareReleaseHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 28),
  })
  .strict();

export type BookingProtection = z.infer<typeof BookingProtectionSchema>;

/** What the booking page needs to know to explain the rules to a resident (`GET /locations/{id}/booking-rules`). */
export const BookingRulesSchema = z.object({
  locationId: z.string(),
  hold: z.object({ confirmationRequired: z.boolean(), holdMinutes: z.number().int() }),
  challenge: z.object({ mode: z.enum(['off', 'always', 'under-pressure']), requiredNow: z.boolean(), url: z.string() }),
  release: z.object({
    mode: z.enum(['off', 'daily', 'weekly']),
    time: z.string(),
    weekdays: z.array(z.number().int()),
    daysAhead: z.number().int(),
    /** Last date open for online booking now (null: the booking window alone). */
    releasedThrough: z.string().nullable(),
    /** Next release: ISO instant with offset, and the date it opens through. */
    next: z.object({ at: z.string(), opensThrough: z.string() }).nullable(),
  }),
  phoneShare: z.object({ share: z.number(), releaseHours: z.number().int() }),
});
export type BookingRules = z.infer<typeof BookingRulesSchema>;

/** `GET /challenge`: an ALTCHA v2 challenge (parameters signed by the server). */
export const AltchaChallengeSchema = z.object({
  parameters: z.record(z.string(), z.unknown()),
  signature: z.string().optional(),
});

/** `POST /appointments/{reference}/confirm`. */
export const ConfirmHoldRequest = z.object({ code: z.string().min(1).max(100) }).strict();

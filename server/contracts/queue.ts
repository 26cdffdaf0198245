import { z } from 'zod';

/** Isomorphic queue DTOs: the server sends these, the front-ends render them. */
export const TicketStatus = z.enum(['waiting', 'called', 'serving', 'done', 'no-show', 'cancelled']);
export const TicketSource = z.enum(['kiosk', 'check-in', 'remote', 'counter']);

export const ServiceRequest = z.object({
  code: z.string().min(1).max(40),
  persons: z.number().int().min(1).max(10),
});
export type ServiceRequest = z.infer<typeof ServiceRequest>;

/** "5–10 min": what residents see, with the point estimate for those who want it. */
export const WaitBand = z.object({
  minutes: z.number().nonnegative(),
  low: z.number().nonnegative(),
  high: z.number().nonnegative(),
  /** Band key for display texts: 'none' | 'lt5' | '5-10' | '10-20' | '20-30' | '30-60' | 'gt60'. */
  band: z.enum(['none', 'lt5', '5-10', '10-20', '20-30', '30-60', 'gt60']),
});
export type WaitBand = z.infer<typeof WaitBand>;

/**
 * What a screen may say about a wait, before any band:
 *  - 'wait': `estimatedWait` holds the band to show;
 *  - 'no-wait': nobody is ahead and an open counter for the service is free now ("no wait");
 *  - 'no-counter-open': no open counter serves the service now. Show "no counter open" (and `opensAt`
 *    when known), never a band: there is no honest wait estimate while nobody is serving;
 *  - 'walk-in-closed': counters for the service are open (for appointments), but walk-ins for it are not
 *    served now — the kiosk would refuse the ticket (`outside-walk-in-hours`). Show "walk-in closed" (and
 *    `opensAt` when walk-in for it opens again today), never a band.
 */
export const WaitStatus = z.enum(['wait', 'no-wait', 'no-counter-open', 'walk-in-closed']);
export type WaitStatus = z.infer<typeof WaitStatus>;

export const TicketDto = z.object({
  id: z.number().int(),
  publicId: z.string(),
  locationId: z.string(),
  serviceDate: z.string(),
  number: z.string(),
  status: TicketStatus,
  source: TicketSource,
  priority: z.number().int(),
  services: z.array(z.object({ code: z.string(), persons: z.number().int() })),
  appointmentReference: z.string().nullable(),
  dueAt: z.string().nullable(),
  counterId: z.number().int().nullable(),
  counterName: z.string().nullable(),
  callCount: z.number().int(),
  issuedAt: z.string(),
  calledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  /** Position among waiting tickets this ticket's counters could serve (1 = next). */
  position: z.number().int().nullable(),
  /** Null while not waiting, and while no open counter can serve the ticket (see `waitStatus`). */
  estimatedWait: WaitBand.nullable(),
  /** Waiting tickets: see WaitStatus; null when not waiting. */
  waitStatus: WaitStatus.nullable(),
});
export type TicketDto = z.infer<typeof TicketDto>;

export const CounterDto = z.object({
  id: z.number().int(),
  locationId: z.string(),
  name: z.string(),
  state: z.enum(['closed', 'open', 'paused']),
  agentName: z.string().nullable(),
  skills: z.array(z.string()),
  currentTicketId: z.number().int().nullable(),
});
export type CounterDto = z.infer<typeof CounterDto>;

/** A recent call, for the waiting-room display. */
export const CallDto = z.object({
  ticketId: z.number().int(),
  number: z.string(),
  counterId: z.number().int(),
  counterName: z.string(),
  calledAt: z.string(),
  recall: z.boolean(),
});
export type CallDto = z.infer<typeof CallDto>;

export const ServiceWaitDto = z.object({
  code: z.string(),
  waiting: z.number().int(),
  status: WaitStatus,
  /** Null exactly when `status` is 'no-counter-open' or 'walk-in-closed'; band 'none' (0 minutes) when 'no-wait'. */
  estimatedWait: WaitBand.nullable(),
  /**
   * 'no-counter-open' and 'walk-in-closed' only: when walk-in for the service starts next today (ISO instant
   * with offset), or null when it does not open for walk-ins again today or is inside its walk-in hours with
   * nobody serving.
   */
  opensAt: z.string().nullable(),
});
export type ServiceWaitDto = z.infer<typeof ServiceWaitDto>;

/** Everything a client needs to be right again after (re)connecting. */
export const QueueSnapshot = z.object({
  locationId: z.string(),
  serviceDate: z.string(),
  at: z.string(),
  tickets: z.array(TicketDto),
  counters: z.array(CounterDto),
  recentCalls: z.array(CallDto),
  waits: z.array(ServiceWaitDto),
  tickerText: z.string(),
  /** The office's "call and start" setting: "next" also serves the visitor called last (one key per visitor). */
  callAndStart: z.boolean(),
});
export type QueueSnapshot = z.infer<typeof QueueSnapshot>;

/**
 * The answer to "next" at a counter, over HTTP (`POST /counters/{counterId}/call-next`) and the hub
 * (`queue:call-next`) alike: the ticket now called, or null when nobody this counter may serve is waiting.
 */
export const CallNextAnswer = z.object({ ticket: TicketDto.nullable() });
export type CallNextAnswer = z.infer<typeof CallNextAnswer>;

// Requests of the queue routes (server/queue/queue.routes.ts).
const DbId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31);
export const LocationIdParam = z.object({ id: z.string().min(1).max(100) });
export const CounterIdParam = z.object({ counterId: DbId });
export const TicketIdParam = z.object({ ticketId: DbId });
export const PublicTicketParam = z.object({ publicId: z.string().regex(/^[A-Za-z0-9_-]{16,40}$/) });
export const Language = z.enum(['nl', 'en']);

export const IssueTicketHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/)
    .optional()
    .meta({ description: 'A retried request with the same key returns the ticket it issued' }),
});
export const IssueTicketBody = z.object({
  services: z.array(ServiceRequest).min(1).max(5),
  language: Language.optional(),
  /** Staff only: a ticket made at the counter or for a phone call. */
  source: z.enum(['counter', 'remote']).optional(),
  /** Staff only: manual priority (0 normal). */
  priority: z.number().int().min(0).max(5).optional(),
});
export type IssueTicketBody = z.infer<typeof IssueTicketBody>;

export const CheckInBody = z.object({
  reference: z.string().trim().min(1).max(300).meta({
    description: "The 6-digit check-in code (valid today at this office), the reference, or the QR code's URL",
  }),
  language: Language.optional(),
});
export type CheckInBody = z.infer<typeof CheckInBody>;

export const PauseCounterBody = z.object({ paused: z.boolean() });
export const TransferTicketBody = z.object({
  serviceCode: z.string().min(1).max(40).optional(),
  counterId: z.number().int().positive().optional(),
});
export type TransferTicketBody = z.infer<typeof TransferTicketBody>;

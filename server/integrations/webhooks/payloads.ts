import type { ApiScope, WebhookEventType, WebhookPayload } from '../../contracts/integrations.ts';
import type { AppointmentFacts, TicketFacts } from '../webhook-store.ts';

/** Which scope a subscriber needs for each event (checked when subscribing and again when sending). */
export function scopeForEvent(type: WebhookEventType): ApiScope {
  return type.startsWith('appointment.') ? 'appointments:read' : 'queue:read';
}

export interface Subscriber {
  clientId: number;
  scopes: readonly string[];
}

/**
 * An appointment event as one subscriber may see it. Times, office and services always; the resident's
 * name, e-mail and phone only for a subscriber that booked the appointment itself (it has them already):
 * `appointments:read` on the whole municipality never spreads residents' contact data to other systems.
 */
export function appointmentPayload(
  type: WebhookEventType,
  facts: AppointmentFacts,
  subscriber: Subscriber,
  at: Date,
): WebhookPayload | null {
  if (!subscriber.scopes.includes(scopeForEvent(type))) return null;
  const own = facts.bookedByClientId === subscriber.clientId;
  return {
    type,
    timestamp: at.toISOString(),
    data: {
      reference: facts.reference,
      status: facts.status,
      locationId: facts.locationId,
      start: facts.startsAt.toISOString(),
      end: facts.endsAt.toISOString(),
      channel: facts.channel,
      services: facts.services,
      bookedByYou: own,
      ...(own ? { customer: facts.customer } : {}),
    },
  };
}

/** A ticket event: ticket number, office, services, counter and times. Tickets hold no personal data. */
export function ticketPayload(
  type: WebhookEventType,
  facts: TicketFacts,
  subscriber: Subscriber,
  at: Date,
): WebhookPayload | null {
  if (!subscriber.scopes.includes(scopeForEvent(type))) return null;
  return {
    type,
    timestamp: at.toISOString(),
    data: {
      number: facts.number,
      status: facts.status,
      source: facts.source,
      locationId: facts.locationId,
      services: facts.services,
      counter: facts.counterName,
      issuedAt: facts.issuedAt.toISOString(),
      calledAt: facts.calledAt?.toISOString() ?? null,
      finishedAt: facts.finishedAt?.toISOString() ?? null,
    },
  };
}

/** Exponential back-off after the n-th failed attempt (n ≥ 1): 10 s, 30 s, 90 s, … capped at 6 hours. */
export function backoffMs(failedAttempts: number): number {
  const n = Math.max(1, failedAttempts);
  return Math.min(6 * 3600_000, 10_000 * 3 ** (n - 1));
}

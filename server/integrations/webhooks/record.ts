import { randomUUID } from 'node:crypto';
import { writeTransaction } from '../../../db/client.ts';
import { activeSubscriptionsFor, appointmentFacts, insertDelivery, ticketFacts } from '../../../db/webhooks.ts';
import type { WebhookEventType, WebhookPayload } from '../../contracts/integrations.ts';
import type { Deps } from '../../deps.ts';
import { appointmentPayload, type Subscriber, ticketPayload } from './payloads.ts';

/**
 * Writes one delivery per interested subscription into the webhook outbox (`webhook_deliveries`), with the
 * payload cut to what that subscriber may see. The sender (deliver.ts) posts them; nothing here waits on
 * the network.
 */
function enqueue(
  deps: Deps,
  municipalityId: string,
  type: WebhookEventType,
  build: (subscriber: Subscriber) => WebhookPayload | null,
): number {
  const now = deps.clock.now();
  return writeTransaction(deps.db, (tx) => {
    let count = 0;
    for (const { subscription, scopes } of activeSubscriptionsFor(tx, municipalityId, type)) {
      const payload = build({ clientId: subscription.clientId, scopes });
      if (!payload) continue;
      insertDelivery(tx, {
        subscriptionId: subscription.id,
        // The Standard Webhooks `webhook-id`: the same on every retry and replay.
        messageId: `msg_${randomUUID()}`,
        eventType: type,
        payload: JSON.stringify(payload),
        createdAt: now,
        nextAttemptAt: now,
      });
      count++;
    }
    return count;
  });
}

export function recordAppointmentEvent(deps: Deps, type: WebhookEventType, appointmentId: number): number {
  const facts = appointmentFacts(deps.db, appointmentId);
  if (!facts) return 0;
  const at = deps.clock.now();
  return enqueue(deps, facts.municipalityId, type, (s) => appointmentPayload(type, facts, s, at));
}

export function recordTicketEvent(deps: Deps, type: WebhookEventType, ticketId: number): number {
  const facts = ticketFacts(deps.db, ticketId);
  if (!facts) return 0;
  const at = deps.clock.now();
  return enqueue(deps, facts.municipalityId, type, (s) => ticketPayload(type, facts, s, at));
}

/**
 * Turns domain facts (published after each use-case's commit) into webhook deliveries. Runs in the same
 * tick as the commit; a process that dies between the two loses that event's webhooks (see ARCHITECTURE.md).
 * Returns a function that stops it.
 */
export function startWebhookRecorder(deps: Deps): () => void {
  const guard =
    <T>(work: (payload: T) => void) =>
    (payload: T) => {
      try {
        work(payload);
      } catch (err) {
        deps.log.error('webhook enqueue failed', { error: err instanceof Error ? err.message : String(err) });
      }
    };
  const finished = new Set<number>();
  const stops = [
    deps.events.subscribe(
      'appointment:booked',
      guard(({ appointmentId }) => recordAppointmentEvent(deps, 'appointment.booked', appointmentId)),
    ),
    deps.events.subscribe(
      'appointment:rescheduled',
      guard(({ appointmentId }) => recordAppointmentEvent(deps, 'appointment.rescheduled', appointmentId)),
    ),
    deps.events.subscribe(
      'appointment:cancelled',
      guard(({ appointmentId }) => recordAppointmentEvent(deps, 'appointment.cancelled', appointmentId)),
    ),
    deps.events.subscribe(
      'ticket:issued',
      guard(({ ticketId }) => {
        recordTicketEvent(deps, 'ticket.issued', ticketId);
        const ticket = ticketFacts(deps.db, ticketId);
        if (ticket?.source === 'check-in' && ticket.appointmentId !== null)
          recordAppointmentEvent(deps, 'appointment.checked-in', ticket.appointmentId);
      }),
    ),
    deps.events.subscribe(
      'ticket:called',
      guard(({ ticketId }) => recordTicketEvent(deps, 'ticket.called', ticketId)),
    ),
    deps.events.subscribe(
      'ticket:updated',
      guard(({ ticketId, ticket }) => {
        const status = ticket?.status ?? ticketFacts(deps.db, ticketId)?.status;
        // A finished ticket may be "updated" again (a late position fact): announce the finish once.
        if (status !== 'done' || finished.has(ticketId)) return;
        finished.add(ticketId);
        if (finished.size > 10_000) finished.clear();
        recordTicketEvent(deps, 'ticket.finished', ticketId);
      }),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

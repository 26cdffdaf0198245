import { randomUUID } from 'node:crypto';
import type { WebhookEventType, WebhookPayload } from '../../contracts/integrations.ts';
import type { Deps } from '../../deps.ts';
import type { Repositories } from '../../storage.ts';
import type { TicketFacts } from '../webhook-store.ts';
import { appointmentPayload, type Subscriber, ticketPayload } from './payloads.ts';

/**
 * Writes one delivery per interested subscription into the webhook outbox (`webhook_deliveries`), with the
 * payload cut to what that subscriber may see. The sender (deliver.ts) posts them; nothing here waits on
 * the network.
 */
async function enqueue(
  tx: Repositories,
  now: Date,
  municipalityId: string,
  type: WebhookEventType,
  build: (subscriber: Subscriber) => WebhookPayload | null,
): Promise<number> {
  const rows = [];
  for (const { subscription, scopes } of await tx.webhooks.activeSubscriptionsFor(municipalityId, type)) {
    const payload = build({ clientId: subscription.clientId, scopes });
    if (!payload) continue;
    rows.push({
      subscriptionId: subscription.id,
      // The Standard Webhooks `webhook-id`: the same on every retry and replay.
      messageId: `msg_${randomUUID()}`,
      eventType: type,
      payload: JSON.stringify(payload),
      createdAt: now,
      nextAttemptAt: now,
    });
  }
  await tx.webhooks.insertDeliveries(rows);
  return rows.length;
}

async function appointmentEvent(tx: Repositories, now: Date, type: WebhookEventType, appointmentId: number) {
  const facts = await tx.webhooks.appointmentFacts(appointmentId);
  if (!facts) return 0;
  return enqueue(tx, now, facts.municipalityId, type, (s) => appointmentPayload(type, facts, s, now));
}

async function ticketEvent(tx: Repositories, now: Date, type: WebhookEventType, facts: TicketFacts) {
  return enqueue(tx, now, facts.municipalityId, type, (s) => ticketPayload(type, facts, s, now));
}

/** One write transaction per event: the facts are read in it, so the payload is what was committed. */
export function recordAppointmentEvent(deps: Deps, type: WebhookEventType, appointmentId: number): Promise<number> {
  const now = deps.clock.now();
  return deps.storage.write((tx) => appointmentEvent(tx, now, type, appointmentId));
}

export function recordTicketEvent(deps: Deps, type: WebhookEventType, ticketId: number): Promise<number> {
  const now = deps.clock.now();
  return deps.storage.write(async (tx) => {
    const facts = await tx.webhooks.ticketFacts(ticketId);
    return facts ? ticketEvent(tx, now, type, facts) : 0;
  });
}

/**
 * Turns domain facts (published after each use-case's commit) into webhook deliveries. The write is queued in
 * the same tick as the commit; a process that dies between the two loses that event's webhooks (see
 * ARCHITECTURE.md). A failed enqueue is logged, never thrown at the publisher.
 * Returns a function that stops it.
 */
export function startWebhookRecorder(deps: Deps): () => void {
  const failed = (err: unknown) =>
    deps.log.error('webhook enqueue failed', { error: err instanceof Error ? err.message : String(err) });
  const guard =
    <T>(work: (payload: T) => Promise<unknown>) =>
    (payload: T) => {
      try {
        work(payload).catch(failed);
      } catch (err) {
        failed(err);
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
        const now = deps.clock.now();
        return deps.storage.write(async (tx) => {
          const ticket = await tx.webhooks.ticketFacts(ticketId);
          if (!ticket) return;
          await ticketEvent(tx, now, 'ticket.issued', ticket);
          if (ticket.source === 'check-in' && ticket.appointmentId !== null)
            await appointmentEvent(tx, now, 'appointment.checked-in', ticket.appointmentId);
        });
      }),
    ),
    deps.events.subscribe(
      'ticket:called',
      guard(({ ticketId }) => recordTicketEvent(deps, 'ticket.called', ticketId)),
    ),
    deps.events.subscribe(
      'ticket:updated',
      guard(async ({ ticketId, ticket }) => {
        // The fact usually carries the ticket; only a bare id needs a read to see whether it finished.
        if (ticket && ticket.status !== 'done') return;
        const now = deps.clock.now();
        await deps.storage.write(async (tx) => {
          const facts = await tx.webhooks.ticketFacts(ticketId);
          // A finished ticket may be "updated" again (a late position fact): announce the finish once.
          if (facts?.status !== 'done' || finished.has(ticketId)) return;
          finished.add(ticketId);
          if (finished.size > 10_000) finished.clear();
          await ticketEvent(tx, now, 'ticket.finished', facts);
        });
      }),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

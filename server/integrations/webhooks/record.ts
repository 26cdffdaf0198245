import { randomUUID } from 'node:crypto';
import type { ClusterFact } from '../../cluster/log-store.ts';
import type { WebhookEventType, WebhookPayload } from '../../contracts/integrations.ts';
import type { Deps } from '../../deps.ts';
import type { Repositories } from '../../storage.ts';
import type { TicketFacts, WebhookSubscriptionRecord } from '../webhook-store.ts';
import { appointmentPayload, type Subscriber, ticketPayload } from './payloads.ts';

/** Facts per recording transaction: small enough that a round never holds SQLite's write lock for long. */
export const WEBHOOK_FEED_BATCH = 200;
/** How often every node looks at the log for facts no process of its own announced (another node's, or older). */
export const WEBHOOK_FEED_POLL_MS = 2_000;

type Subscriptions = { subscription: WebhookSubscriptionRecord; scopes: string[] }[];

/**
 * Writes one delivery per interested subscription into the webhook outbox (`webhook_deliveries`), with the
 * payload cut to what that subscriber may see. The sender (deliver.ts) posts them; nothing here waits on
 * the network.
 */
async function enqueue(
  tx: Repositories,
  now: Date,
  subscriptionsFor: (municipalityId: string, type: WebhookEventType) => Promise<Subscriptions>,
  municipalityId: string,
  type: WebhookEventType,
  build: (subscriber: Subscriber) => WebhookPayload | null,
): Promise<number> {
  const rows = [];
  for (const { subscription, scopes } of await subscriptionsFor(municipalityId, type)) {
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
  if (rows.length > 0) await tx.webhooks.insertDeliveries(rows);
  return rows.length;
}

const appointmentEvents: Partial<Record<ClusterFact['kind'], WebhookEventType>> = {
  'appointment:booked': 'appointment.booked',
  'appointment:rescheduled': 'appointment.rescheduled',
  'appointment:cancelled': 'appointment.cancelled',
};

/**
 * The webhook events of one fact of the cluster log: appointment facts; `ticket:issued` (plus
 * `appointment.checked-in` for a check-in's ticket), `ticket:called` (calls and recalls), and the `ticket:updated`
 * of a finish. The payload is read now, from what is committed.
 */
async function recordFact(
  tx: Repositories,
  now: Date,
  subscriptionsFor: (municipalityId: string, type: WebhookEventType) => Promise<Subscriptions>,
  fact: ClusterFact,
): Promise<number> {
  const appointment = async (type: WebhookEventType, appointmentId: number) => {
    const facts = await tx.webhooks.appointmentFacts(appointmentId);
    if (!facts) return 0;
    return enqueue(tx, now, subscriptionsFor, facts.municipalityId, type, (s) =>
      appointmentPayload(type, facts, s, now),
    );
  };
  const ticket = (type: WebhookEventType, facts: TicketFacts) =>
    enqueue(tx, now, subscriptionsFor, facts.municipalityId, type, (s) => ticketPayload(type, facts, s, now));

  const appointmentType = appointmentEvents[fact.kind];
  if (appointmentType) return fact.subjectId === null ? 0 : appointment(appointmentType, fact.subjectId);
  if (fact.ticketId === null) return 0;
  const type: WebhookEventType | null =
    fact.kind === 'ticket:issued'
      ? 'ticket.issued'
      : fact.kind === 'ticket:called'
        ? 'ticket.called'
        : fact.kind === 'ticket:updated' && fact.detail === 'finished'
          ? 'ticket.finished'
          : null;
  if (!type) return 0;
  const facts = await tx.webhooks.ticketFacts(fact.ticketId);
  if (!facts) return 0;
  let n = await ticket(type, facts);
  if (type === 'ticket.issued' && facts.source === 'check-in' && facts.appointmentId !== null)
    n += await appointment('appointment.checked-in', facts.appointmentId);
  return n;
}

/**
 * One round of the webhook recorder: in one write transaction, claims the feed (its cursor in the cluster log,
 * `webhook_feed`), turns the facts after it into deliveries and moves the cursor past them. The facts were
 * written by triggers in the transactions of the changes themselves, so a change whose node dies right after
 * its commit is recorded all the same, by any node's next round; and since the cursor moves in the transaction
 * that writes the deliveries, each fact is recorded once. Null when another node holds the feed (PostgreSQL).
 */
export async function feedWebhooks(
  deps: Deps,
  batch = WEBHOOK_FEED_BATCH,
): Promise<{ facts: number; deliveries: number; subscribed: boolean } | null> {
  const now = deps.clock.now();
  return deps.storage.write(async (tx) => {
    const feed = await tx.webhooks.claimFeed(batch);
    if (!feed) return null;
    const last = feed.facts.at(-1);
    if (!last) return { facts: 0, deliveries: 0, subscribed: true };
    let deliveries = 0;
    // Most installations have no subscription: then the facts are only passed.
    const subscribed = await tx.webhooks.hasActiveSubscriptions();
    if (subscribed) {
      const known = new Map<string, Promise<Subscriptions>>();
      const subscriptionsFor = (municipalityId: string, type: WebhookEventType) => {
        const key = `${municipalityId}\u0000${type}`;
        let found = known.get(key);
        if (!found) {
          found = tx.webhooks.activeSubscriptionsFor(municipalityId, type);
          known.set(key, found);
        }
        return found;
      };
      for (const fact of feed.facts) deliveries += await recordFact(tx, now, subscriptionsFor, fact);
    }
    await tx.webhooks.advanceFeed(last.id, now);
    return { facts: feed.facts.length, deliveries, subscribed };
  });
}

/** Rounds until the log is read to its end (or another node holds the feed); the deliveries written. */
export async function feedAllWebhooks(deps: Deps, batch = WEBHOOK_FEED_BATCH): Promise<number> {
  return (await feedAll(deps, batch)).deliveries;
}

async function feedAll(deps: Deps, batch: number): Promise<{ deliveries: number; subscribed: boolean | null }> {
  let deliveries = 0;
  let subscribed: boolean | null = null;
  for (;;) {
    const round = await feedWebhooks(deps, batch);
    if (!round) return { deliveries, subscribed };
    deliveries += round.deliveries;
    if (round.facts > 0) subscribed = round.subscribed;
    if (round.facts < batch) return { deliveries, subscribed };
  }
}

/**
 * Runs the recorder on this node: a round soon after a use-case of this process published a fact (the facts
 * themselves come from the log, so the in-process event is only a wake-up, coalesced; none while there is no
 * subscription), and one every `pollMs` for the rest (another node's facts, or facts left when a node died). A failed round is logged, never
 * thrown at the publisher, and the next one catches up. Returns a function that stops it.
 */
export function startWebhookRecorder(deps: Deps, options: { pollMs?: number } = {}): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let wakeTimer: NodeJS.Timeout | null = null;
  let lastError = 0;
  // While the last round found no subscription at all, a fact of this process waits for the poll instead of
  // waking a round: an installation without webhooks pays one small transaction per poll, not one per change.
  let subscribed = true;
  const round = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          const result = await feedAll(deps, WEBHOOK_FEED_BATCH);
          if (result.subscribed !== null) subscribed = result.subscribed;
        } while (again && !stopped);
      } catch (err) {
        // Once a minute at most: the poll retries while the database is away.
        if (Date.now() - lastError > 60_000) {
          lastError = Date.now();
          deps.log.error('webhook recording failed', { error: err instanceof Error ? err.message : String(err) });
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const wake = () => {
    if (wakeTimer || stopped || !subscribed) return;
    // Coalesced: a burst of bookings is recorded in one round, not one write transaction each.
    wakeTimer = setTimeout(() => {
      wakeTimer = null;
      void round();
    }, 50);
    wakeTimer.unref();
  };
  const poll = setInterval(() => void round(), options.pollMs ?? WEBHOOK_FEED_POLL_MS);
  poll.unref();
  void round();
  const stops = (
    [
      'appointment:booked',
      'appointment:rescheduled',
      'appointment:cancelled',
      'ticket:issued',
      'ticket:called',
      'ticket:updated',
    ] as const
  ).map((type) => deps.events.subscribe(type, wake));
  return () => {
    stopped = true;
    clearInterval(poll);
    if (wakeTimer) clearTimeout(wakeTimer);
    for (const stop of stops) stop();
  };
}

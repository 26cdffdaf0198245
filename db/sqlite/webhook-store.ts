import type { WebhookStore } from '../../server/integrations/webhook-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import {
  activeSubscriptionsFor,
  appointmentFacts,
  claimDueDeliveries,
  findDelivery,
  findSubscription,
  insertAttempt,
  insertDelivery,
  insertSubscription,
  listDeliveries,
  listSubscriptions,
  pruneDeliveries,
  ticketFacts,
  updateDelivery,
  updateSubscription,
} from '../webhooks.ts';
import { type ClusterEventRow, factsAfterStatements, toFact } from './cluster-log.ts';

/** The webhook recorder's feed (server/integrations/webhook-store.ts#claimFeed): BEGIN IMMEDIATE serialises it. */
function feedStatements(db: Db) {
  const c = db.$client;
  return {
    cursor: c.prepare<[], { last_event_id: number }>("SELECT last_event_id FROM webhook_feed WHERE name = 'webhooks'"),
    facts: factsAfterStatements(c),
    advance: c.prepare<[number, number]>(
      `INSERT INTO webhook_feed (name, last_event_id, updated_at) VALUES ('webhooks', ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_event_id = excluded.last_event_id, updated_at = excluded.updated_at`,
    ),
    active: c.prepare(
      `SELECT 1 FROM webhook_subscriptions s JOIN api_clients c ON c.id = s.client_id
        WHERE s.deleted_at IS NULL AND s.disabled_at IS NULL AND c.revoked_at IS NULL LIMIT 1`,
    ),
  };
}

export function sqliteWebhookStore(db: Db): Synchronous<WebhookStore> {
  let feed: ReturnType<typeof feedStatements> | undefined;
  const f = () => {
    feed ??= feedStatements(db);
    return feed;
  };
  return {
    claimFeed: (limit) => {
      const afterId = f().cursor.get()?.last_event_id ?? 0;
      return { afterId, facts: (f().facts(limit).all(afterId) as ClusterEventRow[]).map(toFact) };
    },
    advanceFeed: (lastEventId, at) => {
      f().advance.run(lastEventId, at.getTime());
    },
    hasActiveSubscriptions: () => f().active.get() !== undefined,
    appointmentFacts: (appointmentId) => appointmentFacts(db, appointmentId),
    ticketFacts: (ticketId) => ticketFacts(db, ticketId),
    activeSubscriptionsFor: (municipalityId, eventType) => activeSubscriptionsFor(db, municipalityId, eventType),
    insertDeliveries: (rows) => {
      for (const row of rows) insertDelivery(db, row);
    },
    claimDueDeliveries: (now, lockUntil, limit) => claimDueDeliveries(db, now, lockUntil, limit),
    recordAttempt: (attempt) => insertAttempt(db, attempt),
    updateDelivery: (id, change) => updateDelivery(db, id, change),
    insertSubscription: (values) => insertSubscription(db, values),
    updateSubscription: (id, change) => updateSubscription(db, id, change),
    subscription: (id) => findSubscription(db, id) ?? null,
    subscriptions: (filter) => listSubscriptions(db, filter),
    delivery: (subscriptionId, deliveryId) => findDelivery(db, subscriptionId, deliveryId) ?? null,
    deliveries: (subscriptionId, options) => listDeliveries(db, subscriptionId, options),
    pruneDeliveries: (before) => pruneDeliveries(db, before),
  };
}

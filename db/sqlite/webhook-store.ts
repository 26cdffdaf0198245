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

export function sqliteWebhookStore(db: Db): Synchronous<WebhookStore> {
  return {
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

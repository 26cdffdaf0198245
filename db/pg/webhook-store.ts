import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { WebhookStore } from '../../server/integrations/webhook-store.ts';
import {
  activeSubscriptionsWhere,
  deliveriesWhere,
  dueDeliveriesWhere,
  subscriptionsWhere,
} from '../records/webhooks.ts';
import { transactionClientOf } from './batching.ts';
import type { PgDb } from './client.ts';
import { type ClusterEventRow, toFact } from './cluster-log.ts';
import {
  apiClientAppointments,
  apiClients,
  appointmentItems,
  appointments,
  counters,
  services,
  ticketItems,
  tickets,
  webhookAttempts,
  webhookDeliveries,
  webhookSubscriptions,
} from './schema/index.ts';

/**
 * Webhook subscriptions, the delivery outbox and its attempt log on PostgreSQL (contract:
 * server/integrations/webhook-store.ts). A claim selects the due rows `FOR UPDATE … SKIP LOCKED` and locks them
 * until `lockUntil` in the same transaction, so senders on several nodes never post one attempt twice.
 */
export function pgWebhookStore(db: PgDb): WebhookStore {
  // Inside one write transaction (a fresh store per transaction): municipalities the facts read found without
  // any active subscription, so that `activeSubscriptionsFor` right after costs no round trip. A subscription
  // committed between the two reads is one created after the event, as if it had come a moment later.
  const unsubscribed = transactionClientOf(db) ? new Set<string>() : null;
  return {
    // The cursor row stays locked until the transaction that writes the deliveries commits; another node's
    // recorder skips it (and returns null) instead of waiting, and reads on from the new cursor after the commit.
    claimFeed: async (limit) => {
      const cursor = await db.execute<{ last_event_id: string }>(
        sql`SELECT last_event_id FROM webhook_feed WHERE name = 'webhooks' FOR UPDATE SKIP LOCKED`,
      );
      const row = cursor.rows[0];
      if (!row) return null;
      const afterId = Number(row.last_event_id);
      const facts = await db.execute<ClusterEventRow & Record<string, unknown>>(
        sql`SELECT * FROM cluster_events WHERE id > ${afterId} ORDER BY id LIMIT ${limit}`,
      );
      return { afterId, facts: facts.rows.map((r) => toFact({ ...r, at: new Date(r.at) })) };
    },
    advanceFeed: async (lastEventId, at) => {
      await db.execute(
        sql`UPDATE webhook_feed SET last_event_id = ${lastEventId}, updated_at = ${at} WHERE name = 'webhooks'`,
      );
    },
    hasActiveSubscriptions: async () => {
      const rows = await db
        .select({ id: webhookSubscriptions.id })
        .from(webhookSubscriptions)
        .innerJoin(apiClients, eq(apiClients.id, webhookSubscriptions.clientId))
        .where(
          and(
            isNull(webhookSubscriptions.deletedAt),
            isNull(webhookSubscriptions.disabledAt),
            isNull(apiClients.revokedAt),
          ),
        )
        .limit(1);
      return rows.length > 0;
    },
    appointmentFacts: async (appointmentId) => {
      const [a] = await db
        .select({
          appointment: appointments,
          subscribed: sql<boolean>`EXISTS (SELECT 1 FROM ${webhookSubscriptions} JOIN ${apiClients}
            ON ${apiClients.id} = ${webhookSubscriptions.clientId}
            WHERE ${activeSubscriptionsWhere(webhookSubscriptions, apiClients, sql`"appointments"."municipality_id"` as unknown as string)})`,
          owner: apiClientAppointments.clientId,
          items: sql<{ code: string; persons: number }[] | null>`(
            SELECT json_agg(json_build_object('code', s.code, 'persons', i.persons) ORDER BY i.id)
              FROM ${appointmentItems} i JOIN ${services} s ON s.id = i.service_id
             WHERE i.appointment_id = "appointments"."id")`,
        })
        .from(appointments)
        .leftJoin(apiClientAppointments, eq(apiClientAppointments.appointmentId, appointments.id))
        .where(eq(appointments.id, appointmentId))
        .limit(1);
      if (!a) return null;
      const { appointment: row } = a;
      if (!a.subscribed) unsubscribed?.add(row.municipalityId);
      return {
        municipalityId: row.municipalityId,
        locationId: row.locationId,
        reference: row.reference,
        status: row.status,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        channel: row.channel,
        services: a.items ?? [],
        customer: { name: row.customerName, email: row.customerEmail, phone: row.customerPhone },
        bookedByClientId: a.owner ?? null,
      };
    },
    ticketFacts: async (ticketId) => {
      const [t] = await db
        .select({
          ticket: tickets,
          counterName: counters.name,
          items: sql<{ code: string; persons: number }[] | null>`(
            SELECT json_agg(json_build_object('code', s.code, 'persons', i.persons) ORDER BY i.id)
              FROM ${ticketItems} i JOIN ${services} s ON s.id = i.service_id WHERE i.ticket_id = "tickets"."id")`,
        })
        .from(tickets)
        .leftJoin(counters, eq(counters.id, tickets.counterId))
        .where(eq(tickets.id, ticketId))
        .limit(1);
      if (!t) return null;
      const { ticket: row } = t;
      return {
        municipalityId: row.municipalityId,
        locationId: row.locationId,
        number: row.number,
        status: row.status,
        source: row.source,
        services: t.items ?? [],
        counterName: t.counterName ?? null,
        appointmentId: row.appointmentId,
        issuedAt: row.issuedAt,
        calledAt: row.calledAt,
        finishedAt: row.finishedAt,
      };
    },
    activeSubscriptionsFor: async (municipalityId, eventType) =>
      unsubscribed?.has(municipalityId)
        ? []
        : (
            await db
              .select({ subscription: webhookSubscriptions, scopes: apiClients.scopes })
              .from(webhookSubscriptions)
              .innerJoin(apiClients, eq(apiClients.id, webhookSubscriptions.clientId))
              .where(
                activeSubscriptionsWhere(
                  webhookSubscriptions,
                  apiClients,
                  municipalityId,
                  sql`${webhookSubscriptions.events} @> ${JSON.stringify([eventType])}::jsonb`,
                ),
              )
              .orderBy(asc(webhookSubscriptions.id))
          ).map((r) => ({ subscription: r.subscription, scopes: r.scopes as string[] })),
    insertDeliveries: async (rows) => {
      if (rows.length > 0) await db.insert(webhookDeliveries).values([...rows]);
    },
    claimDueDeliveries: async (now, lockUntil, limit) => {
      const due = await db
        .select({ delivery: webhookDeliveries, subscription: webhookSubscriptions })
        .from(webhookDeliveries)
        .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
        .where(dueDeliveriesWhere(webhookDeliveries, webhookSubscriptions, now))
        .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
        .limit(limit)
        .for('update', { of: webhookDeliveries, skipLocked: true });
      if (due.length > 0) {
        await db
          .update(webhookDeliveries)
          .set({ lockedUntil: lockUntil })
          .where(
            inArray(
              webhookDeliveries.id,
              due.map((d) => d.delivery.id),
            ),
          );
      }
      // As on SQLite: the rows as they were found due.
      return due;
    },
    recordAttempt: async (attempt) => {
      await db.insert(webhookAttempts).values(attempt);
    },
    updateDelivery: async (id, change) => {
      const [row] = await db.update(webhookDeliveries).set(change).where(eq(webhookDeliveries.id, id)).returning();
      if (!row) throw new Error(`updateDelivery: no delivery ${id}`);
      return row;
    },
    insertSubscription: async (values) => {
      const [row] = await db.insert(webhookSubscriptions).values(values).returning();
      if (!row) throw new Error('insertSubscription: no row returned');
      return row;
    },
    updateSubscription: async (id, change) => {
      const [row] = await db
        .update(webhookSubscriptions)
        .set(change)
        .where(eq(webhookSubscriptions.id, id))
        .returning();
      if (!row) throw new Error(`updateSubscription: no subscription ${id}`);
      return row;
    },
    subscription: async (id) =>
      (
        await db
          .select()
          .from(webhookSubscriptions)
          .where(and(eq(webhookSubscriptions.id, id), isNull(webhookSubscriptions.deletedAt)))
          .limit(1)
      )[0] ?? null,
    subscriptions: (filter) =>
      db
        .select()
        .from(webhookSubscriptions)
        .where(subscriptionsWhere(webhookSubscriptions, filter))
        .orderBy(asc(webhookSubscriptions.id)),
    delivery: async (subscriptionId, deliveryId) =>
      (
        await db
          .select()
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId)))
          .limit(1)
      )[0] ?? null,
    deliveries: async (subscriptionId, options) => {
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(deliveriesWhere(webhookDeliveries, subscriptionId, options.status))
        .orderBy(desc(webhookDeliveries.id))
        .limit(options.limit);
      if (rows.length === 0) return [];
      const attempts = await db
        .select()
        .from(webhookAttempts)
        .where(
          inArray(
            webhookAttempts.deliveryId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(webhookAttempts.id));
      return rows.map((delivery) => ({ delivery, attempts: attempts.filter((a) => a.deliveryId === delivery.id) }));
    },
    pruneDeliveries: async (before) =>
      (
        await db
          .delete(webhookDeliveries)
          .where(
            and(
              lte(webhookDeliveries.createdAt, before),
              or(eq(webhookDeliveries.status, 'delivered'), eq(webhookDeliveries.status, 'failed')),
            ),
          )
          .returning({ id: webhookDeliveries.id })
      ).length,
  };
}

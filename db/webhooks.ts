import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { AppointmentFacts, TicketFacts } from '../server/integrations/webhook-store.ts';
import type { Db } from './client.ts';
import {
  activeSubscriptionsWhere,
  deliveriesWhere,
  dueDeliveriesWhere,
  subscriptionsWhere,
} from './records/webhooks.ts';
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

/** Storage of webhook subscriptions, the delivery outbox and its attempt log. */
export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
type EventType = DeliveryRow['eventType'];

export function insertSubscription(tx: Db, values: typeof webhookSubscriptions.$inferInsert): SubscriptionRow {
  return tx.insert(webhookSubscriptions).values(values).returning().get();
}

export function updateSubscription(
  tx: Db,
  id: number,
  values: Partial<typeof webhookSubscriptions.$inferInsert>,
): SubscriptionRow {
  return tx.update(webhookSubscriptions).set(values).where(eq(webhookSubscriptions.id, id)).returning().get();
}

export function findSubscription(db: Db, id: number): SubscriptionRow | undefined {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), isNull(webhookSubscriptions.deletedAt)))
    .get();
}

/** Subscriptions of a municipality (or of one client), not deleted. */
export function listSubscriptions(db: Db, filter: { municipalityId: string; clientId?: number }): SubscriptionRow[] {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(subscriptionsWhere(webhookSubscriptions, filter))
    .orderBy(asc(webhookSubscriptions.id))
    .all();
}

/**
 * The reads every domain fact makes (the recorder runs after each booking and each queue action), built once per
 * connection: building the same drizzle query for each fact cost more than running it.
 */
function buildReads(db: Db) {
  const id = sql.placeholder('id');
  return {
    subscriptions: db
      .select({ subscription: webhookSubscriptions, scopes: apiClients.scopes })
      .from(webhookSubscriptions)
      .innerJoin(apiClients, eq(apiClients.id, webhookSubscriptions.clientId))
      .where(activeSubscriptionsWhere(webhookSubscriptions, apiClients, sql.placeholder('municipalityId')))
      .prepare(),
    appointment: db.select().from(appointments).where(eq(appointments.id, id)).prepare(),
    appointmentItems: db
      .select({ code: services.code, persons: appointmentItems.persons })
      .from(appointmentItems)
      .innerJoin(services, eq(services.id, appointmentItems.serviceId))
      .where(eq(appointmentItems.appointmentId, id))
      .prepare(),
    owner: db
      .select({ clientId: apiClientAppointments.clientId })
      .from(apiClientAppointments)
      .where(eq(apiClientAppointments.appointmentId, id))
      .prepare(),
    ticket: db.select().from(tickets).where(eq(tickets.id, id)).prepare(),
    ticketItems: db
      .select({ code: services.code, persons: ticketItems.persons })
      .from(ticketItems)
      .innerJoin(services, eq(services.id, ticketItems.serviceId))
      .where(eq(ticketItems.ticketId, id))
      .prepare(),
    counterName: db.select({ name: counters.name }).from(counters).where(eq(counters.id, id)).prepare(),
  };
}
const prepared = new WeakMap<Db, ReturnType<typeof buildReads>>();

function preparedReads(db: Db): ReturnType<typeof buildReads> {
  let q = prepared.get(db);
  if (!q) {
    q = buildReads(db);
    prepared.set(db, q);
  }
  return q;
}

/** Enabled subscriptions of live clients of a municipality that want this event, with the client's scopes. */
export function activeSubscriptionsFor(
  db: Db,
  municipalityId: string,
  eventType: EventType,
): { subscription: SubscriptionRow; scopes: string[] }[] {
  return (
    preparedReads(db).subscriptions.all({ municipalityId }) as { subscription: SubscriptionRow; scopes: string[] }[]
  ).filter((r) => r.subscription.events.includes(eventType));
}

export function insertDelivery(tx: Db, values: typeof webhookDeliveries.$inferInsert): DeliveryRow {
  return tx.insert(webhookDeliveries).values(values).returning().get();
}

/**
 * Claims up to `limit` due deliveries of enabled subscriptions: they are locked until `lockUntil`, so another
 * sender (process) does not post the same attempt. Call inside a write transaction.
 */
export function claimDueDeliveries(
  tx: Db,
  now: Date,
  lockUntil: Date,
  limit: number,
): { delivery: DeliveryRow; subscription: SubscriptionRow }[] {
  const due = tx
    .select({ delivery: webhookDeliveries, subscription: webhookSubscriptions })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .where(dueDeliveriesWhere(webhookDeliveries, webhookSubscriptions, now))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(limit)
    .all();
  if (due.length > 0) {
    tx.update(webhookDeliveries)
      .set({ lockedUntil: lockUntil })
      .where(
        inArray(
          webhookDeliveries.id,
          due.map((d) => d.delivery.id),
        ),
      )
      .run();
  }
  return due;
}

export function updateDelivery(
  tx: Db,
  id: number,
  values: Partial<typeof webhookDeliveries.$inferInsert>,
): DeliveryRow {
  return tx.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.id, id)).returning().get();
}

export function insertAttempt(tx: Db, values: typeof webhookAttempts.$inferInsert): void {
  tx.insert(webhookAttempts).values(values).run();
}

export function findDelivery(db: Db, subscriptionId: number, deliveryId: number): DeliveryRow | undefined {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId)))
    .get();
}

export function listDeliveries(
  db: Db,
  subscriptionId: number,
  options: { status?: DeliveryRow['status']; limit: number },
): { delivery: DeliveryRow; attempts: AttemptRow[] }[] {
  const rows = db
    .select()
    .from(webhookDeliveries)
    .where(deliveriesWhere(webhookDeliveries, subscriptionId, options.status))
    .orderBy(desc(webhookDeliveries.id))
    .limit(options.limit)
    .all();
  if (rows.length === 0) return [];
  const attempts = db
    .select()
    .from(webhookAttempts)
    .where(
      inArray(
        webhookAttempts.deliveryId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(webhookAttempts.id))
    .all();
  return rows.map((delivery) => ({ delivery, attempts: attempts.filter((a) => a.deliveryId === delivery.id) }));
}

export function appointmentFacts(db: Db, appointmentId: number): AppointmentFacts | null {
  const q = preparedReads(db);
  const a = q.appointment.get({ id: appointmentId }) as typeof appointments.$inferSelect | undefined;
  if (!a) return null;
  const items = q.appointmentItems.all({ id: appointmentId }) as { code: string; persons: number }[];
  const owner = q.owner.get({ id: appointmentId }) as { clientId: number } | undefined;
  return {
    municipalityId: a.municipalityId,
    locationId: a.locationId,
    reference: a.reference,
    status: a.status,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    channel: a.channel,
    services: items,
    customer: { name: a.customerName, email: a.customerEmail, phone: a.customerPhone },
    bookedByClientId: owner?.clientId ?? null,
  };
}

export function ticketFacts(db: Db, ticketId: number): TicketFacts | null {
  const q = preparedReads(db);
  const t = q.ticket.get({ id: ticketId }) as typeof tickets.$inferSelect | undefined;
  if (!t) return null;
  const items = q.ticketItems.all({ id: ticketId }) as { code: string; persons: number }[];
  const counter =
    t.counterId === null ? undefined : (q.counterName.get({ id: t.counterId }) as { name: string } | undefined);
  return {
    municipalityId: t.municipalityId,
    locationId: t.locationId,
    number: t.number,
    status: t.status,
    source: t.source,
    services: items,
    counterName: counter?.name ?? null,
    appointmentId: t.appointmentId,
    issuedAt: t.issuedAt,
    calledAt: t.calledAt,
    finishedAt: t.finishedAt,
  };
}

/**
 * Deletes finished deliveries (and their attempt log) created before `before`: their payloads may carry a
 * resident's contact data (for the client that booked), which must not outlive the retention period.
 */
export function pruneDeliveries(tx: Db, before: Date): number {
  return tx
    .delete(webhookDeliveries)
    .where(
      and(
        lte(webhookDeliveries.createdAt, before),
        or(eq(webhookDeliveries.status, 'delivered'), eq(webhookDeliveries.status, 'failed')),
      ),
    )
    .run().changes;
}

import { and, type Column, eq, isNull, lte, or, type Placeholder, type SQL } from 'drizzle-orm';

/**
 * Which webhook rows a read means, the same on SQLite (`db/webhooks.ts`) and PostgreSQL
 * (`db/pg/webhook-store.ts`): the conditions take the engine's tables, the queries (and PostgreSQL's
 * `FOR UPDATE SKIP LOCKED` claim) stay per engine.
 */
type Col = Column;

/** Subscriptions of a municipality (or of one client), not deleted. */
export function subscriptionsWhere(
  subs: { municipalityId: Col; deletedAt: Col; clientId: Col },
  filter: { municipalityId: string; clientId?: number },
): SQL | undefined {
  return and(
    eq(subs.municipalityId, filter.municipalityId),
    isNull(subs.deletedAt),
    filter.clientId === undefined ? undefined : eq(subs.clientId, filter.clientId),
  );
}

/** Enabled subscriptions of live clients of a municipality (the event filter is the engine's; a placeholder for a prepared read). */
export function activeSubscriptionsWhere(
  subs: { municipalityId: Col; deletedAt: Col; disabledAt: Col },
  clients: { revokedAt: Col },
  municipalityId: string | Placeholder,
  ...more: SQL[]
): SQL | undefined {
  return and(
    eq(subs.municipalityId, municipalityId),
    isNull(subs.deletedAt),
    isNull(subs.disabledAt),
    isNull(clients.revokedAt),
    ...more,
  );
}

/** Pending deliveries due at `now`, not locked by another sender, of enabled subscriptions. */
export function dueDeliveriesWhere(
  deliveries: { status: Col; nextAttemptAt: Col; lockedUntil: Col },
  subs: { disabledAt: Col; deletedAt: Col },
  now: Date,
): SQL | undefined {
  return and(
    eq(deliveries.status, 'pending'),
    lte(deliveries.nextAttemptAt, now),
    or(isNull(deliveries.lockedUntil), lte(deliveries.lockedUntil, now)),
    isNull(subs.disabledAt),
    isNull(subs.deletedAt),
  );
}

/** A subscription's deliveries, of one status or all. */
export function deliveriesWhere(
  deliveries: { subscriptionId: Col; status: Col },
  subscriptionId: number,
  status: string | undefined,
): SQL | undefined {
  return and(eq(deliveries.subscriptionId, subscriptionId), status ? eq(deliveries.status, status) : undefined);
}

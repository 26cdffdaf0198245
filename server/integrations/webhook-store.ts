import type { ClusterFact } from '../cluster/log-store.ts';
import type { WebhookEventType } from '../contracts/integrations.ts';

/**
 * Webhook subscriptions, the delivery outbox and its attempt log (ARCHITECTURE.md#integrations), and the facts
 * an event's payload is cut from. Plain records; SQLite: `db/sqlite/webhook-store.ts` over `db/webhooks.ts`.
 */
export interface WebhookSubscriptionRecord {
  id: number;
  clientId: number;
  municipalityId: string;
  url: string;
  events: WebhookEventType[];
  /** Kept as given: the sender signs with it. Never shown again after creation. */
  secret: string;
  createdAt: Date;
  consecutiveFailures: number;
  disabledAt: Date | null;
  disabledReason: string | null;
  deletedAt: Date | null;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryRecord {
  id: number;
  subscriptionId: number;
  /** The Standard Webhooks `webhook-id`: the same on every retry and replay. */
  messageId: string;
  eventType: WebhookEventType;
  payload: string;
  createdAt: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lockedUntil: Date | null;
  deliveredAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface WebhookAttemptRecord {
  id: number;
  deliveryId: number;
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** What an appointment event may carry at most (personal data is dropped per subscriber by the caller). */
export interface AppointmentFacts {
  municipalityId: string;
  locationId: string;
  reference: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  channel: string;
  services: { code: string; persons: number }[];
  customer: { name: string | null; email: string | null; phone: string | null };
  bookedByClientId: number | null;
}

/** A ticket as webhooks describe it: no personal data exists on tickets. */
export interface TicketFacts {
  municipalityId: string;
  locationId: string;
  number: string;
  status: string;
  source: string;
  services: { code: string; persons: number }[];
  counterName: string | null;
  appointmentId: number | null;
  issuedAt: Date;
  calledAt: Date | null;
  finishedAt: Date | null;
}

type SubscriptionChange = Partial<
  Pick<WebhookSubscriptionRecord, 'events' | 'consecutiveFailures' | 'disabledAt' | 'disabledReason' | 'deletedAt'>
>;
type DeliveryChange = Partial<
  Pick<
    WebhookDeliveryRecord,
    'status' | 'attempts' | 'nextAttemptAt' | 'lockedUntil' | 'deliveredAt' | 'lastStatus' | 'lastError'
  >
>;

export interface WebhookStore {
  /**
   * Claims the webhook recorder's feed: its cursor in the cluster log and up to `limit` facts after it, oldest
   * first. Inside a write transaction that then writes the deliveries and `advanceFeed`s: on PostgreSQL the cursor
   * row is locked (`FOR UPDATE SKIP LOCKED`) until the commit, and null returned when another node holds it; on
   * SQLite BEGIN IMMEDIATE serialises the recorders. So each fact is recorded once, by whichever node.
   */
  claimFeed(limit: number): Promise<{ afterId: number; facts: ClusterFact[] } | null>;
  /** Moves the claimed feed's cursor to `lastEventId`. */
  advanceFeed(lastEventId: number, at: Date): Promise<void>;
  /** Whether any subscription could want an event (enabled, undeleted, its client unrevoked). */
  hasActiveSubscriptions(): Promise<boolean>;
  appointmentFacts(appointmentId: number): Promise<AppointmentFacts | null>;
  ticketFacts(ticketId: number): Promise<TicketFacts | null>;
  /** Enabled, undeleted subscriptions of unrevoked clients of the municipality that want the event, with the client's scopes. */
  activeSubscriptionsFor(
    municipalityId: string,
    eventType: WebhookEventType,
  ): Promise<{ subscription: WebhookSubscriptionRecord; scopes: string[] }[]>;
  /** Queues deliveries (status pending). */
  insertDeliveries(
    rows: readonly Pick<
      WebhookDeliveryRecord,
      'subscriptionId' | 'messageId' | 'eventType' | 'payload' | 'createdAt' | 'nextAttemptAt'
    >[],
  ): Promise<void>;
  /**
   * Claims up to `limit` pending deliveries due at `now` of enabled subscriptions, oldest due first, that no
   * other sender holds (`lockedUntil` unset or passed), and locks them until `lockUntil`: until then no other
   * claim, in any process, returns them, so one attempt is posted once. Run in a write transaction of its own
   * (SQLite: BEGIN IMMEDIATE serialises claims; PostgreSQL: `FOR UPDATE SKIP LOCKED`), never around the post.
   */
  claimDueDeliveries(
    now: Date,
    lockUntil: Date,
    limit: number,
  ): Promise<{ delivery: WebhookDeliveryRecord; subscription: WebhookSubscriptionRecord }[]>;
  recordAttempt(attempt: Omit<WebhookAttemptRecord, 'id'>): Promise<void>;
  updateDelivery(id: number, change: DeliveryChange): Promise<WebhookDeliveryRecord>;
  insertSubscription(
    values: Pick<WebhookSubscriptionRecord, 'clientId' | 'municipalityId' | 'url' | 'events' | 'secret' | 'createdAt'>,
  ): Promise<WebhookSubscriptionRecord>;
  updateSubscription(id: number, change: SubscriptionChange): Promise<WebhookSubscriptionRecord>;
  /** An undeleted subscription. */
  subscription(id: number): Promise<WebhookSubscriptionRecord | null>;
  /** Undeleted subscriptions of a municipality (or of one of its clients), by id. */
  subscriptions(filter: { municipalityId: string; clientId?: number }): Promise<WebhookSubscriptionRecord[]>;
  delivery(subscriptionId: number, deliveryId: number): Promise<WebhookDeliveryRecord | null>;
  /** The newest deliveries of a subscription, each with all its attempts, oldest attempt first. */
  deliveries(
    subscriptionId: number,
    options: { status?: WebhookDeliveryStatus; limit: number },
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] }[]>;
  /** Deletes finished (delivered or failed) deliveries created before `before`, with their attempts. */
  pruneDeliveries(before: Date): Promise<number>;
}

import { randomBytes } from 'node:crypto';
import type { ApiClientPrincipal, StaffPrincipal } from '../../auth/principal.ts';
import type {
  CreateWebhookBody,
  WebhookDeliveryDto,
  WebhookEventType,
  WebhookSubscriptionDto,
} from '../../contracts/integrations.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookSubscriptionRecord,
} from '../webhook-store.ts';
import { scopeForEvent } from './payloads.ts';

/** Who manages subscriptions: an API client (its own, with `webhooks:manage`) or an admin (the municipality's). */
export type WebhookActor = ApiClientPrincipal | StaffPrincipal;

function toDto(s: WebhookSubscriptionRecord): WebhookSubscriptionDto {
  return {
    id: s.id,
    clientId: s.clientId,
    url: s.url,
    events: s.events,
    createdAt: s.createdAt.toISOString(),
    consecutiveFailures: s.consecutiveFailures,
    disabledAt: s.disabledAt?.toISOString() ?? null,
    disabledReason: s.disabledReason,
  };
}

function deliveryDto(d: WebhookDeliveryRecord, attempts: WebhookAttemptRecord[]): WebhookDeliveryDto {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt.toISOString(),
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    log: attempts.map((a) => ({ at: a.at.toISOString(), status: a.status, error: a.error, durationMs: a.durationMs })),
  };
}

function assertActor(actor: WebhookActor): void {
  if (actor.kind === 'staff' && actor.role !== 'admin') throw new AppError('forbidden', 'Admins manage webhooks');
  if (actor.kind === 'api-client' && !actor.scopes.includes('webhooks:manage'))
    throw new AppError('forbidden', 'This API key lacks the scope webhooks:manage');
}

/** A subscription the actor may see; anything else does not exist for it. */
async function loadOwn(deps: Deps, actor: WebhookActor, id: number): Promise<WebhookSubscriptionRecord> {
  assertActor(actor);
  const row = await deps.storage.read.webhooks.subscription(id);
  const visible =
    row && row.municipalityId === actor.municipalityId && (actor.kind === 'staff' || row.clientId === actor.clientId);
  if (!row || !visible) throw new AppError('not-found', 'No such webhook subscription');
  return row;
}

/** https anywhere; plain http only to this machine (development, tests). */
export function assertDeliverableUrl(url: string): void {
  const u = new URL(url);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new AppError('validation-failed', 'The webhook URL must use https (http only for localhost)');
  if (u.username || u.password) throw new AppError('validation-failed', 'No credentials in the webhook URL');
}

function assertScopesFor(scopes: readonly string[], events: readonly WebhookEventType[]): void {
  for (const e of events) {
    const needed = scopeForEvent(e);
    if (!scopes.includes(needed))
      throw new AppError('forbidden', `The event ${e} needs the scope ${needed} on the API client`);
  }
}

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function createSubscription(
  deps: Deps,
  actor: WebhookActor,
  input: CreateWebhookBody,
): Promise<{ subscription: WebhookSubscriptionDto; secret: string }> {
  assertActor(actor);
  assertDeliverableUrl(input.url);
  const clientId = actor.kind === 'api-client' ? actor.clientId : input.clientId;
  if (clientId === undefined) throw new AppError('validation-failed', 'clientId: the API client to notify');
  if (actor.kind === 'api-client' && input.clientId !== undefined && input.clientId !== actor.clientId)
    throw new AppError('forbidden', 'An API client subscribes for itself');
  const secret = input.secret ?? generateWebhookSecret();
  const now = deps.clock.now();
  const row = await deps.storage.write(async (tx) => {
    const client = await tx.apiClients.client(clientId);
    if (!client || client.municipalityId !== actor.municipalityId)
      throw new AppError('not-found', 'No such API client');
    if (client.revokedAt) throw new AppError('invalid-state', 'The API client is revoked');
    assertScopesFor(client.scopes, input.events);
    const created = await tx.webhooks.insertSubscription({
      clientId,
      municipalityId: client.municipalityId,
      url: input.url,
      events: input.events,
      secret,
      createdAt: now,
    });
    await tx.audit.record(actor, actor.municipalityId, now, {
      action: 'webhook.created',
      targetType: 'webhook-subscription',
      targetId: created.id,
      details: { clientId, events: input.events, host: new URL(input.url).host },
    });
    return created;
  });
  return { subscription: toDto(row), secret };
}

export async function listSubscriptionsOf(deps: Deps, actor: WebhookActor): Promise<WebhookSubscriptionDto[]> {
  assertActor(actor);
  const rows = await deps.storage.read.webhooks.subscriptions({
    municipalityId: actor.municipalityId,
    clientId: actor.kind === 'api-client' ? actor.clientId : undefined,
  });
  return rows.map(toDto);
}

export async function getSubscription(deps: Deps, actor: WebhookActor, id: number): Promise<WebhookSubscriptionDto> {
  return toDto(await loadOwn(deps, actor, id));
}

/** Change the events, or enable again (a subscription disabled after failures starts with a clean count). */
export async function updateSubscriptionOf(
  deps: Deps,
  actor: WebhookActor,
  id: number,
  input: { events?: WebhookEventType[]; enabled?: boolean },
): Promise<WebhookSubscriptionDto> {
  const row = await loadOwn(deps, actor, id);
  const now = deps.clock.now();
  const updated = await deps.storage.write(async (tx) => {
    if (input.events) {
      const client = await tx.apiClients.client(row.clientId);
      assertScopesFor(client?.scopes ?? [], input.events);
    }
    const next = await tx.webhooks.updateSubscription(id, {
      ...(input.events ? { events: input.events } : {}),
      ...(input.enabled === true ? { disabledAt: null, disabledReason: null, consecutiveFailures: 0 } : {}),
      ...(input.enabled === false ? { disabledAt: row.disabledAt ?? now, disabledReason: 'Disabled by hand' } : {}),
    });
    await tx.audit.record(actor, actor.municipalityId, now, {
      action: 'webhook.updated',
      targetType: 'webhook-subscription',
      targetId: id,
      details: { ...input },
    });
    return next;
  });
  return toDto(updated);
}

export async function deleteSubscription(deps: Deps, actor: WebhookActor, id: number): Promise<void> {
  await loadOwn(deps, actor, id);
  const now = deps.clock.now();
  await deps.storage.write(async (tx) => {
    await tx.webhooks.updateSubscription(id, { deletedAt: now });
    await tx.audit.record(actor, actor.municipalityId, now, {
      action: 'webhook.deleted',
      targetType: 'webhook-subscription',
      targetId: id,
    });
  });
}

/** The delivery log: newest first, each with every attempt (status or error, duration). */
export async function deliveriesOf(
  deps: Deps,
  actor: WebhookActor,
  id: number,
  options: { status?: WebhookDeliveryStatus; limit: number },
): Promise<WebhookDeliveryDto[]> {
  await loadOwn(deps, actor, id);
  const rows = await deps.storage.read.webhooks.deliveries(id, options);
  return rows.map((d) => deliveryDto(d.delivery, d.attempts));
}

/**
 * Manual replay: the delivery is sent again (same `webhook-id`, so receivers can deduplicate) by the next
 * sender pass, with a fresh attempt budget. Replaying a delivery of a disabled subscription waits until
 * it is enabled again.
 */
export async function replayDelivery(
  deps: Deps,
  actor: WebhookActor,
  id: number,
  deliveryId: number,
): Promise<WebhookDeliveryDto> {
  await loadOwn(deps, actor, id);
  const now = deps.clock.now();
  const { updated, attempts } = await deps.storage.write(async (tx) => {
    const delivery = await tx.webhooks.delivery(id, deliveryId);
    if (!delivery) throw new AppError('not-found', 'No such delivery');
    if (delivery.status === 'pending' && delivery.attempts === 0)
      throw new AppError('invalid-state', 'The delivery has not been attempted yet');
    const next = await tx.webhooks.updateDelivery(deliveryId, {
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: null,
    });
    await tx.audit.record(actor, actor.municipalityId, now, {
      action: 'webhook.replayed',
      targetType: 'webhook-delivery',
      targetId: deliveryId,
    });
    const log = await tx.webhooks.deliveries(id, { limit: 200 });
    return { updated: next, attempts: log.find((d) => d.delivery.id === deliveryId)?.attempts ?? [] };
  });
  return deliveryDto(updated, attempts);
}

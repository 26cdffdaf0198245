import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  CreatedWebhook,
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDeliveriesQuery,
  WebhookDeliveryDto,
  WebhookDeliveryList,
  WebhookDeliveryParam,
  WebhookParam,
  WebhookSubscriptionDto,
  WebhookSubscriptionList,
} from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { problemContent } from './openapi.ts';
import {
  createSubscription,
  deleteSubscription,
  deliveriesOf,
  getSubscription,
  listSubscriptionsOf,
  replayDelivery,
  updateSubscriptionOf,
  type WebhookActor,
} from './webhooks/subscriptions.ts';

const security: { [name: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }, { cookie: [] }];

function actorOf(c: Context): WebhookActor {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized', 'Send an API key or sign in as an admin');
  if (p.kind === 'device') throw new AppError('forbidden', 'Devices do not manage webhooks');
  return p;
}

const problems = {
  400: { description: 'Invalid input', content: problemContent },
  401: { description: 'No API key or session', content: problemContent },
  403: {
    description: 'Without webhooks:manage, not an admin, or an event outside the client’s scopes',
    content: problemContent,
  },
};
const notFound = { 404: { description: 'No such subscription (or not yours)', content: problemContent } };

/**
 * Webhook subscriptions: an API client with `webhooks:manage` manages its own, an admin those of every client
 * of the municipality. Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`: HMAC-SHA256 with the subscription secret).
 */
export function webhookRoutes(deps: Deps) {
  const router = createRouter();
  const description =
    'Events: appointment.booked, .rescheduled, .cancelled, .checked-in (scope appointments:read), ticket.issued, .called, .finished (scope queue:read). Body `{ type, timestamp, data }`; the resident’s contact data only for appointments the client booked itself. Retries with exponential back-off (10 s × 3ⁿ, at most 6 h, 8 attempts); after 3 failed deliveries in a row (or a 410) the subscription is disabled.';

  router.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      operationId: 'createWebhook',
      tags: ['webhooks'],
      summary: 'Subscribe a URL to events; the signing secret is in the answer and never shown again',
      description,
      security,
      request: { body: { required: true, content: { 'application/json': { schema: CreateWebhookBody } } } },
      responses: {
        201: {
          description: 'Subscribed',
          content: {
            'application/json': { schema: CreatedWebhook },
          },
        },
        ...problems,
        404: { description: 'No such API client', content: problemContent },
        409: { description: 'The API client is revoked', content: problemContent },
      },
    }),
    async (c) => c.json(await createSubscription(deps, actorOf(c), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks',
      operationId: 'listWebhooks',
      tags: ['webhooks'],
      summary: 'Webhook subscriptions (an API client: its own; an admin: the municipality’s)',
      description,
      security,
      responses: {
        200: {
          description: 'Subscriptions',
          content: { 'application/json': { schema: WebhookSubscriptionList } },
        },
        401: problems[401],
        403: problems[403],
      },
    }),
    async (c) => c.json({ subscriptions: await listSubscriptionsOf(deps, actorOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}',
      operationId: 'getWebhook',
      tags: ['webhooks'],
      summary: 'One subscription, with its failure count and why it was disabled',
      description,
      security,
      request: { params: WebhookParam },
      responses: {
        200: { description: 'Subscription', content: { 'application/json': { schema: WebhookSubscriptionDto } } },
        ...problems,
        ...notFound,
      },
    }),
    async (c) => c.json(await getSubscription(deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/webhooks/{id}',
      operationId: 'updateWebhook',
      tags: ['webhooks'],
      summary: 'Change the events, or enable a disabled subscription again (`{ "enabled": true }`)',
      description,
      security,
      request: {
        params: WebhookParam,
        body: { required: true, content: { 'application/json': { schema: UpdateWebhookBody } } },
      },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: WebhookSubscriptionDto } } },
        ...problems,
        ...notFound,
      },
    }),
    async (c) =>
      c.json(await updateSubscriptionOf(deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      operationId: 'deleteWebhook',
      tags: ['webhooks'],
      summary: 'Unsubscribe; nothing more is sent',
      description,
      security,
      request: { params: WebhookParam },
      responses: { 204: { description: 'Deleted' }, ...problems, ...notFound },
    }),
    async (c) => {
      await deleteSubscription(deps, actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      operationId: 'listWebhookDeliveries',
      tags: ['webhooks'],
      summary: 'Delivery log: newest first, each with every attempt',
      description,
      security,
      request: {
        params: WebhookParam,
        query: WebhookDeliveriesQuery,
      },
      responses: {
        200: {
          description: 'Deliveries',
          content: { 'application/json': { schema: WebhookDeliveryList } },
        },
        ...problems,
        ...notFound,
      },
    }),
    async (c) =>
      c.json({ deliveries: await deliveriesOf(deps, actorOf(c), c.req.valid('param').id, c.req.valid('query')) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{id}/deliveries/{deliveryId}/replay',
      operationId: 'replayWebhookDelivery',
      tags: ['webhooks'],
      summary: 'Send a delivery again (same webhook-id) on the next sender pass',
      description,
      security,
      request: { params: WebhookDeliveryParam },
      responses: {
        202: { description: 'Queued again', content: { 'application/json': { schema: WebhookDeliveryDto } } },
        ...problems,
        ...notFound,
        409: { description: 'Not attempted yet', content: problemContent },
      },
    }),
    async (c) => {
      const { id, deliveryId } = c.req.valid('param');
      return c.json(await replayDelivery(deps, actorOf(c), id, deliveryId), 202);
    },
  );

  return router;
}

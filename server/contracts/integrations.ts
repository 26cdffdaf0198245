import { z } from 'zod';

/**
 * API clients, keys and webhooks: what an admin (or an integrator with `webhooks:manage`) sends and gets.
 * Isomorphic, so an admin screen can share it.
 */
export const apiScopes = [
  'availability:read',
  'appointments:read',
  'appointments:write',
  'queue:read',
  'webhooks:manage',
] as const;
export const ApiScope = z.enum(apiScopes);
export type ApiScope = z.infer<typeof ApiScope>;

export const webhookEventTypes = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.cancelled',
  'appointment.checked-in',
  'ticket.issued',
  'ticket.called',
  'ticket.finished',
] as const;
export const WebhookEventType = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Prefix of every API key, so a key is recognisable in a leaked file and never mistaken for another token. */
export const API_KEY_PREFIX = 'lkt_';

export const ApiKeyDto = z.object({
  id: z.number().int(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart; not secret'),
  createdAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type ApiKeyDto = z.infer<typeof ApiKeyDto>;

export const ApiClientDto = z.object({
  id: z.number().int(),
  municipalityId: z.string(),
  name: z.string(),
  scopes: z.array(ApiScope),
  rateLimitPerMinute: z.number().int(),
  sendsOwnMail: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
  keys: z.array(ApiKeyDto),
});
export type ApiClientDto = z.infer<typeof ApiClientDto>;

const Scopes = z
  .array(ApiScope)
  .min(1)
  .max(apiScopes.length)
  .refine((s) => new Set(s).size === s.length, 'scopes must not repeat');

export const CreateApiClientBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    scopes: Scopes,
    rateLimitPerMinute: z.number().int().min(1).max(100_000).default(600),
    sendsOwnMail: z.boolean().default(false),
  })
  .strict();
export type CreateApiClientBody = z.infer<typeof CreateApiClientBody>;

export const UpdateApiClientBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    scopes: Scopes.optional(),
    rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
    sendsOwnMail: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');
export type UpdateApiClientBody = z.infer<typeof UpdateApiClientBody>;

export const RotateApiKeyBody = z
  .object({
    /** The old key keeps working this long, so the integrator can deploy the new one; 0 revokes it at once. */
    graceMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(0),
  })
  .strict();

/** The one answer that carries the key in clear: it is never shown again. */
export const ApiClientWithKey = z.object({
  client: ApiClientDto,
  apiKey: z.string().describe('Send as `X-Api-Key: <key>`; shown once, stored hashed'),
});

export const WebhookSubscriptionDto = z.object({
  id: z.number().int(),
  clientId: z.number().int(),
  url: z.url(),
  events: z.array(WebhookEventType),
  createdAt: z.iso.datetime({ offset: true }),
  consecutiveFailures: z.number().int(),
  disabledAt: z.iso.datetime({ offset: true }).nullable(),
  disabledReason: z.string().nullable(),
});
export type WebhookSubscriptionDto = z.infer<typeof WebhookSubscriptionDto>;

export const CreateWebhookBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .describe('Where Loket POSTs the events (https; http only for loopback during development)'),
    events: z
      .array(WebhookEventType)
      .min(1)
      .max(webhookEventTypes.length)
      .refine((e) => new Set(e).size === e.length, 'events must not repeat'),
    /** Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes); generated when left out. */
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'whsec_ followed by base64 of 24 to 64 bytes')
      .optional(),
    /** Admins only: the API client the subscription belongs to (integrators always their own). */
    clientId: z.number().int().positive().optional(),
  })
  .strict();
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .object({
    events: CreateWebhookBody.shape.events.optional(),
    /** `true` re-enables a subscription that was disabled after repeated failures. */
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');

export const WebhookDeliveryDto = z.object({
  id: z.number().int(),
  subscriptionId: z.number().int(),
  messageId: z.string(),
  eventType: WebhookEventType,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  nextAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  deliveredAt: z.iso.datetime({ offset: true }).nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  log: z.array(
    z.object({
      at: z.iso.datetime({ offset: true }),
      status: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int(),
    }),
  ),
});
export type WebhookDeliveryDto = z.infer<typeof WebhookDeliveryDto>;

/** The JSON body of every webhook (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** House-style tokens: CSS custom properties (NL Design System names) and plain values. */
export const HouseStyle = z
  .record(
    z.string().regex(/^--[a-z][a-z0-9-]{0,80}$/, 'a CSS custom property such as --utrecht-color-primary'),
    z
      .string()
      .max(200)
      .regex(/^[^;{}<>\\]*$/, 'a plain CSS value'),
  )
  .refine((r) => Object.keys(r).length <= 200, 'at most 200 tokens');

/** GET /municipality: how the front-ends present the municipality (no name in translation files). */
export const MunicipalityDto = z.object({
  id: z.string(),
  name: z.string(),
  logoUrl: z.string().nullable(),
  website: z.string().nullable(),
  contactEmail: z.string().nullable(),
  contactUrl: z.string().nullable(),
  houseStyle: HouseStyle,
});
export type MunicipalityDto = z.infer<typeof MunicipalityDto>;

/** A numeric id in a path (API clients, webhook subscriptions, deliveries). */
export const NumericId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31);
export const ApiClientParam = z.object({ clientId: NumericId });
export const WebhookParam = z.object({ id: NumericId });
export const WebhookDeliveryParam = z.object({ id: NumericId, deliveryId: NumericId });

/** GET /api-clients/current: the client a key belongs to. */
export const CurrentApiClientDto = ApiClientDto.pick({
  id: true,
  municipalityId: true,
  name: true,
  scopes: true,
  rateLimitPerMinute: true,
  sendsOwnMail: true,
});
export const ApiClientList = z.object({ clients: z.array(ApiClientDto) });

export const CreatedWebhook = z.object({ subscription: WebhookSubscriptionDto, secret: z.string() });
export const WebhookSubscriptionList = z.object({ subscriptions: z.array(WebhookSubscriptionDto) });
export const WebhookDeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const WebhookDeliveryList = z.object({ deliveries: z.array(WebhookDeliveryDto) });

/** GET /municipality?municipality=: which one, on an installation with several. */
export const MunicipalityQuery = z.object({
  municipality: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[a-z0-9-]+$/)
    .optional(),
});

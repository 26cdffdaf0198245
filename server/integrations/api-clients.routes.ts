import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { API_KEY_HEADER } from '../auth/api-key-routes.ts';
import {
  createApiClient,
  getApiClient,
  listApiClients,
  revokeApiClient,
  rotateApiKey,
  updateApiClient,
} from '../auth/api-keys.ts';
import { requireStaff } from '../auth/middleware.ts';
import type { ApiClientPrincipal, StaffPrincipal } from '../auth/principal.ts';
import {
  ApiClientDto,
  ApiClientList,
  ApiClientParam,
  ApiClientWithKey,
  CreateApiClientBody,
  CurrentApiClientDto,
  RotateApiKeyBody,
  UpdateApiClientBody,
} from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { problemContent } from './openapi.ts';

const staffSecurity: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];

function adminOf(c: Context): StaffPrincipal {
  const p = c.get('principal');
  if (p?.kind !== 'staff') throw new AppError('unauthorized');
  return p;
}

const problems = {
  400: { description: 'Invalid input', content: problemContent },
  401: { description: 'Not signed in', content: problemContent },
  403: { description: 'Not an admin', content: problemContent },
};

/** Admin management of API clients and keys, and `GET /api-clients/current` for the key holder. */
export function apiClientRoutes(deps: Deps) {
  const router = createRouter();
  router.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: API_KEY_HEADER,
    description:
      'An API client key (`lkt_…`), created by an admin and shown once. Its scopes decide what it may call; it has its own rate limit; every use is audited.',
  });

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api-clients/current',
      operationId: 'getCurrentApiClient',
      tags: ['api-clients'],
      summary: 'The API client this key belongs to, with its scopes',
      description: 'Lets an integrator check its key and scopes.',
      security: [{ apiKey: [] }],
      responses: {
        200: {
          description: 'The client',
          content: {
            'application/json': {
              schema: CurrentApiClientDto,
            },
          },
        },
        401: { description: 'No valid API key', content: problemContent },
      },
    }),
    (c) => {
      const p = c.get('principal');
      if (p?.kind !== 'api-client') throw new AppError('unauthorized', 'Send an API key');
      const { clientId: id, municipalityId, name, scopes, rateLimitPerMinute, sendsOwnMail } = p as ApiClientPrincipal;
      return c.json({ id, municipalityId, name, scopes, rateLimitPerMinute, sendsOwnMail }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api-clients',
      operationId: 'createApiClient',
      tags: ['api-clients'],
      summary: 'Admin: register an API client; its first key is in the answer and never shown again',
      description:
        'Scopes: `availability:read`, `appointments:read`, `appointments:write` (on a resident’s behalf), `queue:read`, `webhooks:manage`. With `sendsOwnMail` Loket sends no mail for the appointments this client books.',
      security: staffSecurity,
      middleware: [requireStaff('admin')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CreateApiClientBody } } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: ApiClientWithKey } } },
        ...problems,
      },
    }),
    async (c) => c.json(await createApiClient(deps, adminOf(c), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api-clients',
      operationId: 'listApiClients',
      tags: ['api-clients'],
      summary: 'Admin: the municipality’s API clients and their keys (prefixes only)',
      description: 'Keys are listed by prefix, creation, expiry, revocation and last use; never in clear.',
      security: staffSecurity,
      middleware: [requireStaff('admin')] as const,
      responses: {
        200: {
          description: 'Clients',
          content: { 'application/json': { schema: ApiClientList } },
        },
        401: problems[401],
        403: problems[403],
      },
    }),
    async (c) => c.json({ clients: await listApiClients(deps, adminOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api-clients/{clientId}',
      operationId: 'getApiClient',
      tags: ['api-clients'],
      summary: 'Admin: one API client',
      description: 'An API client of the admin’s municipality with its keys (prefixes only).',
      security: staffSecurity,
      middleware: [requireStaff('admin')] as const,
      request: { params: ApiClientParam },
      responses: {
        200: { description: 'The client', content: { 'application/json': { schema: ApiClientDto } } },
        ...problems,
        404: { description: 'No such client', content: problemContent },
      },
    }),
    async (c) => c.json(await getApiClient(deps, adminOf(c), c.req.valid('param').clientId), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api-clients/{clientId}',
      operationId: 'updateApiClient',
      tags: ['api-clients'],
      summary: 'Admin: change name, scopes, rate limit or who sends the mails',
      description: 'Applies from the next request of the client’s keys.',
      security: staffSecurity,
      middleware: [requireStaff('admin')] as const,
      request: {
        params: ApiClientParam,
        body: { required: true, content: { 'application/json': { schema: UpdateApiClientBody } } },
      },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: ApiClientDto } } },
        ...problems,
        404: { description: 'No such client', content: problemContent },
        409: { description: 'The client is revoked', content: problemContent },
      },
    }),
    async (c) =>
      c.json(await updateApiClient(deps, adminOf(c), c.req.valid('param').clientId, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api-clients/{clientId}/keys',
      operationId: 'rotateApiKey',
      tags: ['api-clients'],
      summary: 'Admin: rotate — a new key (shown once); the old keys stop after `graceMinutes`',
      description: 'With `graceMinutes: 0` the old keys are refused at once, also on open hub connections.',
      security: staffSecurity,
      middleware: [requireStaff('admin')] as const,
      request: {
        params: ApiClientParam,
        body: { required: true, content: { 'application/json': { schema: RotateApiKeyBody } } },
      },
      responses: {
        201: { description: 'New key', content: { 'application/json': { schema: ApiClientWithKey } } },
        ...problems,
        404: { description: 'No such client', content: problemContent },
        409: { description: 'The client is revoked', content: problemContent },
      },
    }),
    async (c) => c.json(await rotateApiKey(deps, adminOf(c), c.req.valid('param').clientId, c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api-clients/{clientId}',
      operationId: 'revokeApiClient',
      tags: ['api-clients'],
      summary: 'Admin: revoke the client and all its keys, at once (also on the hub)',
      description: 'The client stays listed (with `revokedAt`) for the audit trail.',
      security: staffSecurity,
      middleware: [requireStaff('admin')] as const,
      request: { params: ApiClientParam },
      responses: {
        200: { description: 'Revoked', content: { 'application/json': { schema: ApiClientDto } } },
        ...problems,
        404: { description: 'No such client', content: problemContent },
      },
    }),
    async (c) => c.json(await revokeApiClient(deps, adminOf(c), c.req.valid('param').clientId), 200),
  );

  return router;
}

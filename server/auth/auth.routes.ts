import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import {
  CurrentDevice,
  CurrentSessionResponse,
  Device,
  DevicesResponse,
  PairingCode,
  PairingCodeRequest,
  PairRequest,
  PairResponse,
  SessionResponse,
  SignInRequest,
} from '../contracts/auth.ts';
import { Problem as ProblemSchema } from '../contracts/errors.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { clientAddress } from '../http/rate-limit.ts';
import { createRouter } from '../http/router.ts';
import { createPairingCode, listDevices, pairDevice, revokeDevice } from './devices.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { authenticate, requireDevice, requireStaff, SESSION_COOKIE } from './middleware.ts';
import type { StaffPrincipal } from './principal.ts';
import { SESSION_HOURS, signIn, signOut } from './sessions.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const LocationParam = z.object({ id: z.string().min(1).max(100) });
const bearer: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];

function userDto(p: StaffPrincipal) {
  return {
    id: p.userId,
    displayName: p.displayName,
    role: p.role,
    municipalityId: p.municipalityId,
    locationIds: p.locationIds,
  };
}

function staffOf(c: Context): StaffPrincipal {
  const p = c.get('principal');
  if (p?.kind !== 'staff') throw new AppError('unauthorized');
  return p;
}

export function authRoutes(deps: Deps) {
  const throttle = createLoginThrottle({ clock: deps.monotonic, store: deps.sharedLimits });
  const router = createRouter();
  router.use('*', authenticate(deps));
  router.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  router.openAPIRegistry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/sessions',
      tags: ['auth'],
      summary: 'Staff sign-in: returns a token (Bearer, also for the hub) and sets an HttpOnly SameSite=Strict cookie',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: SignInRequest,
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Signed in',
          content: {
            'application/json': { schema: SessionResponse },
          },
        },
        401: { description: 'Wrong credentials', content: Problem },
        429: { description: 'Too many failed attempts', content: Problem },
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const result = await signIn(deps, throttle, { ...body, client: clientAddress(c, deps.config.TRUST_PROXY) });
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: deps.config.PUBLIC_URL?.startsWith('https:') ?? false,
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json(
        { token: result.token, expiresAt: result.expiresAt.toISOString(), user: userDto(result.principal) },
        201,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/current',
      tags: ['auth'],
      summary: 'The signed-in staff member',
      security: bearer,
      middleware: [requireStaff()] as const,
      responses: {
        200: { description: 'Current user', content: { 'application/json': { schema: CurrentSessionResponse } } },
        401: { description: 'Not signed in', content: Problem },
      },
    }),
    (c) => c.json({ user: userDto(staffOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/sessions',
      tags: ['auth'],
      summary: 'Sign out: revokes the session and its hub sockets',
      security: bearer,
      middleware: [requireStaff()] as const,
      responses: { 204: { description: 'Signed out' }, 401: { description: 'Not signed in', content: Problem } },
    }),
    async (c) => {
      // Awaited: the 204 promises the session is revoked, and on PostgreSQL the revoke is a round trip.
      await signOut(deps, staffOf(c));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/locations/{id}/pairing-codes',
      tags: ['devices'],
      summary: 'Supervisor: a one-time code (15 minutes) to pair a kiosk or display with this location',
      security: bearer,
      middleware: [requireStaff('supervisor', 'admin')] as const,
      request: {
        params: LocationParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: PairingCodeRequest,
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Code created',
          content: { 'application/json': { schema: PairingCode } },
        },
        403: { description: 'Not a supervisor of this location', content: Problem },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await createPairingCode(deps, staffOf(c), { locationId: id, ...c.req.valid('json') });
      return c.json({ code: result.code, expiresAt: result.expiresAt.toISOString() }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/locations/{id}/devices',
      tags: ['devices'],
      summary: 'Supervisor: paired devices of a location',
      security: bearer,
      middleware: [requireStaff('supervisor', 'admin')] as const,
      request: { params: LocationParam },
      responses: {
        200: {
          description: 'Devices',
          content: { 'application/json': { schema: DevicesResponse } },
        },
        403: { description: 'Not a supervisor of this location', content: Problem },
      },
    }),
    async (c) => c.json({ devices: await listDevices(deps, staffOf(c), c.req.valid('param').id) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/devices/{deviceId}',
      tags: ['devices'],
      summary: 'Supervisor: revoke a device token (effective at once, also on the hub)',
      security: bearer,
      middleware: [requireStaff('supervisor', 'admin')] as const,
      request: { params: z.object({ deviceId: z.coerce.number().int().positive() }) },
      responses: {
        200: { description: 'Revoked', content: { 'application/json': { schema: Device } } },
        404: { description: 'No such device', content: Problem },
      },
    }),
    async (c) => c.json(await revokeDevice(deps, staffOf(c), c.req.valid('param').deviceId), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/devices/pair',
      tags: ['devices'],
      summary: 'Device: redeem a one-time pairing code for a device token',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: PairRequest } },
        },
      },
      responses: {
        201: {
          description: 'Paired',
          content: { 'application/json': { schema: PairResponse } },
        },
        404: { description: 'Unknown, used, replaced or expired code', content: Problem },
      },
    }),
    async (c) => c.json(await pairDevice(deps, c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/devices/current',
      tags: ['devices'],
      summary: 'Device: which device and location this token belongs to',
      security: bearer,
      middleware: [requireDevice()] as const,
      responses: {
        200: {
          description: 'This device',
          content: {
            'application/json': {
              schema: CurrentDevice,
            },
          },
        },
        401: { description: 'Not a paired device', content: Problem },
      },
    }),
    (c) => {
      const p = c.get('principal');
      if (p?.kind !== 'device') throw new AppError('unauthorized');
      return c.json({ id: p.deviceId, locationId: p.locationId, kind: p.deviceKind }, 200);
    },
  );

  return router;
}

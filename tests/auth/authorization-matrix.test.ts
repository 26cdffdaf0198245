import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterIds } from '../helpers/appointments.ts';
import { createStaffUser, DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import {
  command,
  connectClient,
  type HubClient,
  type RunningServer,
  startServer,
  waitConnected,
} from '../helpers/server.ts';

/**
 * Every role × every queue/auth route and hub command: allowed or denied as intended. "Denied" is
 * 401/403 (or 404 for a ticket of a location the caller cannot see); "allowed" is anything else that
 * is not a 5xx — a 409 for the current state still means the caller was let through.
 */
const ZIJL = 'haarlem-zijlsingel';
type Who =
  | 'anonymous'
  | 'kiosk'
  | 'display'
  | 'kiosk-elsewhere'
  | 'agent-at-counter'
  | 'agent-same-office'
  | 'agent-elsewhere'
  | 'supervisor'
  | 'admin'
  | 'admin-other-municipality'
  | 'api-client'
  | 'api-client-read-only';
const everyone: Who[] = [
  'anonymous',
  'kiosk',
  'display',
  'kiosk-elsewhere',
  'agent-at-counter',
  'agent-same-office',
  'agent-elsewhere',
  'supervisor',
  'admin',
  'admin-other-municipality',
  'api-client',
  'api-client-read-only',
];
const staffHere: Who[] = ['agent-at-counter', 'agent-same-office', 'supervisor', 'admin'];
const operators: Who[] = ['agent-at-counter', 'supervisor', 'admin'];
const supervisors: Who[] = ['supervisor', 'admin'];

describeEachEngine('authorization matrix', (under) => {
  let ctx: EngineContext;
  let server: RunningServer;
  const tokens = new Map<Who, string | undefined>();
  let counterId = 0;
  let ticketId = 0;
  let publicId = '';
  let agentId = 0;
  let deviceId = 0;
  /** An API client the matrix may rotate and revoke again and again (not the matrix's own clients). */
  let spareClientId = 0;
  let webhookId = 0;

  /** Puts the world back: demo-agent at Balie 1 with a called ticket, before every cell. */
  async function reset(): Promise<void> {
    await ctx.sql.exec("UPDATE counters SET state = 'closed', agent_id = NULL");
    await ctx.sql.exec("UPDATE counters SET state = 'open', agent_id = ? WHERE id = ?", [agentId, counterId]);
    await ctx.sql.exec(
      "UPDATE tickets SET status = 'called', counter_id = ?, call_count = 1, target_counter_id = NULL, called_at = ? WHERE id = ?",
      [counterId, ctx.sql.instant(ctx.clock.now()), ticketId],
    );
  }

  beforeAll(async () => {
    ctx = await under.context();
    server = await startServer(ctx);
    counterId = (await counterIds(ctx)).get('Balie 1') as number;
    const [agent] = await ctx.sql.rows<{ id: number }>("SELECT id FROM staff_users WHERE username = 'demo-agent'");
    agentId = Number(agent?.id ?? 0);
    await createStaffUser(ctx, { username: 'agent-b', role: 'agent', locationIds: [ZIJL] });
    await createStaffUser(ctx, { username: 'agent-s', role: 'agent', locationIds: ['haarlem-schalkwijk'] });
    await ctx.sql.exec("insert into municipalities (id, name) values ('zandvoort', 'Gemeente Zandvoort')");
    await createStaffUser(ctx, { username: 'admin-z', role: 'admin', locationIds: [], municipalityId: 'zandvoort' });
    tokens.set('anonymous', undefined);
    tokens.set('kiosk', DEMO_DEVICE_TOKEN);
    tokens.set('display', await pairTestDevice(ctx, ZIJL, 'display'));
    tokens.set('kiosk-elsewhere', await pairTestDevice(ctx, 'haarlem-schalkwijk', 'kiosk'));
    tokens.set('agent-at-counter', await signInAs(ctx, 'demo-agent'));
    tokens.set('agent-same-office', await signInAs(ctx, 'agent-b'));
    tokens.set('agent-elsewhere', await signInAs(ctx, 'agent-s'));
    tokens.set('supervisor', await signInAs(ctx, 'demo-supervisor'));
    tokens.set('admin', await signInAs(ctx, 'demo-admin'));
    tokens.set('admin-other-municipality', await signInAs(ctx, 'admin-z'));
    const allScopes = ['availability:read', 'appointments:read', 'appointments:write', 'queue:read', 'webhooks:manage'];
    const makeClient = async (name: string, scopes: string[]) => {
      const res = await call(ctx, 'POST', '/api-clients', { token: tokens.get('admin'), body: { name, scopes } });
      if (res.status !== 201) throw new Error(`create client: ${res.status}`);
      return res.body as { client: { id: number }; apiKey: string };
    };
    tokens.set('api-client', (await makeClient('integrator', allScopes)).apiKey);
    tokens.set('api-client-read-only', (await makeClient('reader', ['availability:read'])).apiKey);
    spareClientId = (await makeClient('spare', ['queue:read'])).client.id;
    const hook = await call(ctx, 'POST', '/webhooks', {
      token: tokens.get('api-client'),
      body: { url: 'http://127.0.0.1:9/hook', events: ['appointment.booked'] },
    });
    webhookId = hook.body.subscription.id;
    const issued = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    ticketId = issued.body.id;
    publicId = issued.body.publicId;
    // A device the DELETE row may revoke (again and again) without cutting off the matrix's own display.
    await pairTestDevice(ctx, ZIJL, 'kiosk');
    const devices = await call(ctx, 'GET', `/locations/${ZIJL}/devices`, { token: tokens.get('admin') });
    deviceId = devices.body.devices.find((d: { kind: string; name: string }) => d.name === 'test kiosk').id;
  });
  afterAll(async () => {
    await server.close();
  });

  interface Route {
    method: string;
    path: () => string;
    body?: () => unknown;
    allowed: Who[];
  }

  const routes: Route[] = [
    {
      method: 'GET',
      path: () => '/sessions/current',
      allowed: [...staffHere, 'agent-elsewhere', 'admin-other-municipality'],
    },
    { method: 'GET', path: () => '/devices/current', allowed: ['kiosk', 'display', 'kiosk-elsewhere'] },
    { method: 'GET', path: () => '/api-clients/current', allowed: ['api-client', 'api-client-read-only'] },
    {
      method: 'POST',
      path: () => '/api-clients',
      body: () => ({ name: 'matrix', scopes: ['queue:read'] }),
      allowed: ['admin', 'admin-other-municipality'],
    },
    { method: 'GET', path: () => '/api-clients', allowed: ['admin', 'admin-other-municipality'] },
    { method: 'GET', path: () => `/api-clients/${spareClientId}`, allowed: ['admin'] },
    {
      method: 'PATCH',
      path: () => `/api-clients/${spareClientId}`,
      body: () => ({ rateLimitPerMinute: 100 }),
      allowed: ['admin'],
    },
    {
      method: 'POST',
      path: () => `/api-clients/${spareClientId}/keys`,
      body: () => ({ graceMinutes: 0 }),
      allowed: ['admin'],
    },
    { method: 'DELETE', path: () => `/api-clients/${spareClientId}`, allowed: ['admin'] },
    // Every admin reaches their own municipality's set-up (another municipality's document is a 400, not a leak).
    { method: 'GET', path: () => '/municipality/setup', allowed: ['admin', 'admin-other-municipality'] },
    {
      method: 'PUT',
      path: () => '/municipality/setup?dryRun=true',
      body: () => ({
        format: 'loket-setup',
        version: 1,
        municipality: { id: 'haarlem' },
        services: [],
        closures: [],
        locations: [],
      }),
      allowed: ['admin', 'admin-other-municipality'],
    },
    { method: 'GET', path: () => '/webhooks', allowed: ['admin', 'admin-other-municipality', 'api-client'] },
    {
      method: 'POST',
      path: () => '/webhooks',
      body: () => ({ url: 'http://127.0.0.1:9/matrix', events: ['ticket.called'] }),
      allowed: ['admin', 'admin-other-municipality', 'api-client'],
    },
    { method: 'GET', path: () => `/webhooks/${webhookId}`, allowed: ['admin', 'api-client'] },
    {
      method: 'PATCH',
      path: () => `/webhooks/${webhookId}`,
      body: () => ({ enabled: true }),
      allowed: ['admin', 'api-client'],
    },
    { method: 'GET', path: () => `/webhooks/${webhookId}/deliveries`, allowed: ['admin', 'api-client'] },
    { method: 'POST', path: () => `/webhooks/${webhookId}/deliveries/1/replay`, allowed: ['admin', 'api-client'] },
    { method: 'DELETE', path: () => `/webhooks/${webhookId}`, allowed: ['admin', 'api-client'] },
    {
      method: 'POST',
      path: () => `/locations/${ZIJL}/pairing-codes`,
      body: () => ({ kind: 'kiosk', name: 'x' }),
      allowed: supervisors,
    },
    { method: 'GET', path: () => `/locations/${ZIJL}/devices`, allowed: supervisors },
    { method: 'DELETE', path: () => `/devices/${deviceId}`, allowed: supervisors },
    {
      method: 'POST',
      path: () => `/locations/${ZIJL}/tickets`,
      body: () => ({ services: [{ code: 'passport', persons: 1 }] }),
      allowed: ['kiosk', ...staffHere],
    },
    {
      method: 'POST',
      path: () => `/locations/${ZIJL}/check-ins`,
      body: () => ({ reference: 'NOPE1234' }),
      allowed: ['kiosk', ...staffHere],
    },
    {
      method: 'GET',
      path: () => `/locations/${ZIJL}/queue`,
      allowed: ['kiosk', 'display', ...staffHere, 'api-client'],
    },
    { method: 'GET', path: () => `/tickets/${publicId}`, allowed: everyone },
    { method: 'POST', path: () => `/counters/${counterId}/sign-in`, allowed: staffHere },
    { method: 'POST', path: () => `/counters/${counterId}/sign-out`, allowed: operators },
    { method: 'POST', path: () => `/counters/${counterId}/pause`, body: () => ({ paused: true }), allowed: operators },
    { method: 'POST', path: () => `/counters/${counterId}/call-next`, allowed: operators },
    ...['recall', 'start', 'no-show', 'park', 'cancel'].map((a) => ({
      method: 'POST',
      path: () => `/tickets/${ticketId}/${a}`,
      allowed: operators,
    })),
    {
      method: 'POST',
      path: () => `/tickets/${ticketId}/transfer`,
      body: () => ({ serviceCode: 'id-card' }),
      allowed: operators,
    },
  ];

  describe('authorization matrix: HTTP', () => {
    for (const route of routes) {
      it(`${route.method} ${route.path().replace(/\d+/g, ':id')}`, async () => {
        for (const who of everyone) {
          await reset();
          const res = await call(ctx, route.method, route.path(), { token: tokens.get(who), body: route.body?.() });
          const denied = [401, 403].includes(res.status) || (res.status === 404 && !route.path().includes('NOPE'));
          expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (route.allowed.includes(who)) {
            expect(
              denied && res.body?.code !== 'not-found',
              `${who} should be allowed: ${res.status} ${res.body?.code}`,
            ).toBe(false);
          } else {
            expect([401, 403, 404], `${who} should be denied`).toContain(res.status);
            if (res.status === 404) expect(route.path()).toMatch(/tickets|check-ins|devices|api-clients|webhooks/);
          }
        }
      });
    }
  });

  describe('authorization matrix: hub commands', () => {
    const commands: { name: string; payload: () => unknown; allowed: Who[] }[] = [
      {
        name: 'queue:subscribe',
        payload: () => ({ locationId: ZIJL }),
        allowed: ['kiosk', 'display', ...staffHere, 'api-client'],
      },
      { name: 'ticket:follow', payload: () => ({ publicId }), allowed: everyone },
      { name: 'counter:sign-in', payload: () => ({ counterId }), allowed: staffHere },
      { name: 'counter:pause', payload: () => ({ paused: true, counterId }), allowed: operators },
      { name: 'counter:sign-out', payload: () => ({ counterId }), allowed: operators },
      { name: 'queue:call-next', payload: () => ({ counterId }), allowed: operators },
      ...['recall', 'start', 'finish', 'no-show', 'return', 'park', 'cancel'].map((a) => ({
        name: `ticket:${a}`,
        payload: () => ({ ticketId }),
        allowed: operators,
      })),
      { name: 'ticket:transfer', payload: () => ({ ticketId, serviceCode: 'id-card' }), allowed: operators },
    ];

    it('allows and denies every command per role, and a device or agent cannot act on another location', async () => {
      const sockets = new Map<Who, HubClient>();
      for (const who of everyone) {
        const token = tokens.get(who);
        const socket = connectClient(server.url, token ? { token } : {});
        await waitConnected(socket);
        sockets.set(who, socket);
      }
      try {
        for (const c of commands) {
          for (const who of everyone) {
            // At a human pace: the hub's per-socket buckets (5 per 10 s without a token) refill meanwhile.
            ctx.clock.advance(2_000);
            await reset();
            const ack = await command(sockets.get(who) as HubClient, c.name as 'queue:call-next', c.payload());
            const code = ack.ok ? null : ack.error?.code;
            expect(code, `${c.name} by ${who}`).not.toBe('internal');
            const denied = code === 'unauthorized' || code === 'forbidden' || code === 'not-found';
            expect(denied, `${c.name} by ${who}: ${code}`).toBe(!c.allowed.includes(who));
          }
        }
      } finally {
        for (const s of sockets.values()) s.disconnect();
      }
    });
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { connectClient, nextEvent, type RunningServer, startServer, waitConnected } from '../helpers/server.ts';

const ZIJL = 'haarlem-zijlsingel';
const ALL = ['availability:read', 'appointments:read', 'appointments:write', 'queue:read', 'webhooks:manage'];

async function createClient(ctx: EngineContext, admin: string, body: Record<string, unknown>) {
  const res = await call(ctx, 'POST', '/api-clients', { token: admin, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { client: { id: number; keys: { prefix: string }[] }; apiKey: string };
}

const withKey = (ctx: EngineContext, key: string, method: string, path: string, body?: unknown) =>
  call(ctx, method, path, { apiKey: key, body });

/** The first free start for one passport at the Zijlsingel office. */
async function firstFreeStart(ctx: EngineContext, key: string): Promise<string> {
  const days = await withKey(ctx, key, 'GET', `/locations/${ZIJL}/available-days?services=passport:1`);
  expect(days.status).toBe(200);
  const times = await withKey(
    ctx,
    key,
    'GET',
    `/locations/${ZIJL}/available-times?services=passport:1&date=${days.body.days[0]}`,
  );
  return times.body.times[0];
}

const booking = (start: string, email = 'resident@example.nl') => ({
  locationId: ZIJL,
  services: [{ code: 'passport', persons: 1 }],
  start,
  customer: { name: 'Resident', email },
});

describeEachEngine('API clients', (under) => {
  describe('API clients', () => {
    let ctx: EngineContext;
    let admin: string;
    beforeAll(async () => {
      ctx = await under.context({ config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 3 } });
      admin = await signInAs(ctx, 'demo-admin');
    });

    it('shows a key once, stores only its hash and lists it by prefix', async () => {
      const { client, apiKey } = await createClient(ctx, admin, {
        name: 'Open Formulieren',
        scopes: ['availability:read'],
      });
      expect(apiKey).toMatch(/^lkt_[A-Za-z0-9_-]{43}$/);
      const [row] = await ctx.sql.rows<{ tokenHash: string }>(
        'SELECT token_hash AS "tokenHash" FROM api_keys WHERE client_id = ?',
        [client.id],
      );
      expect(row?.tokenHash).toBe(createHash('sha256').update(apiKey).digest('hex'));
      const list = await call(ctx, 'GET', '/api-clients', { token: admin });
      const text = JSON.stringify(list.body);
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(row?.tokenHash);
      expect(list.body.clients.find((c: { id: number }) => c.id === client.id).keys[0].prefix).toBe(
        apiKey.slice(0, 12),
      );
      const me = await withKey(ctx, apiKey, 'GET', '/api-clients/current');
      expect(me.body).toMatchObject({ id: client.id, name: 'Open Formulieren', scopes: ['availability:read'] });
    });

    it('refuses an unknown key (401), a route outside the scopes (403) and a route not for keys (403)', async () => {
      const { apiKey } = await createClient(ctx, admin, { name: 'reader', scopes: ['availability:read'] });
      expect((await withKey(ctx, `lkt_${'x'.repeat(43)}`, 'GET', '/services')).status).toBe(401);
      expect((await withKey(ctx, 'not-a-key', 'GET', '/services')).status).toBe(401);
      expect((await withKey(ctx, apiKey, 'GET', '/services')).status).toBe(200);
      const write = await withKey(ctx, apiKey, 'POST', '/appointments', booking('2026-12-01T10:00:00+01:00'));
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('forbidden');
      expect((await withKey(ctx, apiKey, 'GET', `/locations/${ZIJL}/setup`)).status).toBe(403);
      expect((await withKey(ctx, apiKey, 'GET', '/api-clients')).status).toBe(403);
      // Bearer with the key prefix is the same key.
      expect((await call(ctx, 'GET', '/services', { token: apiKey })).status).toBe(200);
    });

    it('limits per key instead of per address, with Retry-After', async () => {
      const { apiKey } = await createClient(ctx, admin, {
        name: 'busy',
        scopes: ['availability:read'],
        rateLimitPerMinute: 5,
      });
      const { apiKey: other } = await createClient(ctx, admin, { name: 'other', scopes: ['availability:read'] });
      const path = `/locations/${ZIJL}/available-days?services=passport:1`;
      // The anonymous per-address limit is 3 a minute here; the key's is 5.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await withKey(ctx, apiKey, 'GET', path)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await withKey(ctx, apiKey, 'GET', path);
      expect(limited.body.code).toBe('rate-limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another key (same address) is not affected.
      expect((await withKey(ctx, other, 'GET', path)).status).toBe(200);
      ctx.clock.advance(61_000);
      expect((await withKey(ctx, apiKey, 'GET', path)).status).toBe(200);
    });

    it('audits every use of a key with the route pattern, never the concrete path', async () => {
      const { client, apiKey } = await createClient(ctx, admin, { name: 'audited', scopes: ['appointments:read'] });
      await withKey(ctx, apiKey, 'GET', '/appointments/ABCDEFGH2345');
      await withKey(ctx, apiKey, 'GET', '/services');
      const entries = await ctx.sql.rows<{ details: unknown }>(
        `SELECT details FROM audit_entries WHERE action = 'api-client.request' AND actor_type = 'api-client'
         AND actor_id = ? ORDER BY id`,
        [client.id],
      );
      expect(entries.map((e) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details))).toEqual([
        { method: 'GET', route: 'GET /appointments/{reference}', status: 404 },
        { method: 'GET', route: 'GET /services', status: 403 },
      ]);
      expect(JSON.stringify(entries)).not.toContain('ABCDEFGH2345');
    });

    it('books for a resident, reaches only its own bookings, and sends no mail when the integrator does', async () => {
      const own = await createClient(ctx, admin, { name: 'forms', scopes: ALL, sendsOwnMail: true });
      const loketMails = await createClient(ctx, admin, { name: 'kcc', scopes: ALL });
      const start = await firstFreeStart(ctx, own.apiKey);
      const booked = await withKey(ctx, own.apiKey, 'POST', '/appointments', booking(start, 'forms@example.nl'));
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
      const ref = booked.body.reference as string;
      const mailsFor = (to: string) =>
        ctx.sql.rows<{ kind: string }>('SELECT kind FROM outbox WHERE to_address = ? ORDER BY id', [to]);
      expect(await mailsFor('forms@example.nl')).toEqual([]);

      const second = await firstFreeStart(ctx, loketMails.apiKey);
      const other = await withKey(ctx, loketMails.apiKey, 'POST', '/appointments', booking(second, 'kcc@example.nl'));
      expect(other.status).toBe(201);
      expect((await mailsFor('kcc@example.nl')).map((m) => m.kind)).toEqual(['confirmation']);

      // Read and cancel by reference alone, own appointments only.
      expect((await withKey(ctx, own.apiKey, 'GET', `/appointments/${ref}`)).body.reference).toBe(ref);
      expect((await withKey(ctx, loketMails.apiKey, 'GET', `/appointments/${ref}`)).status).toBe(404);
      expect((await withKey(ctx, loketMails.apiKey, 'DELETE', `/appointments/${ref}`)).status).toBe(404);
      expect((await withKey(ctx, own.apiKey, 'DELETE', `/appointments/${ref}`)).status).toBe(204);
      expect((await withKey(ctx, own.apiKey, 'GET', `/appointments/${ref}`)).body.status).toBe('cancelled');
      // Cancelled by the integrator that sends its own mails: still no mail from Loket.
      expect(await mailsFor('forms@example.nl')).toEqual([]);
      // The resident's own manage token keeps working too.
      const mine = await call(ctx, 'GET', `/appointments/${ref}`, { token: booked.body.manageToken });
      expect(mine.status).toBe(200);
    });

    it('revokes at once and rotates with or without a grace period', async () => {
      const { client, apiKey } = await createClient(ctx, admin, { name: 'rotating', scopes: ['availability:read'] });
      const rotated = await call(ctx, 'POST', `/api-clients/${client.id}/keys`, {
        token: admin,
        body: { graceMinutes: 10 },
      });
      expect(rotated.status).toBe(201);
      const second = rotated.body.apiKey as string;
      expect((await withKey(ctx, apiKey, 'GET', '/services')).status).toBe(200);
      expect((await withKey(ctx, second, 'GET', '/services')).status).toBe(200);
      ctx.clock.advance(10 * 60_000);
      expect((await withKey(ctx, apiKey, 'GET', '/services')).status).toBe(401);
      expect((await withKey(ctx, second, 'GET', '/services')).status).toBe(200);

      const third = (await call(ctx, 'POST', `/api-clients/${client.id}/keys`, { token: admin, body: {} })).body
        .apiKey as string;
      expect((await withKey(ctx, second, 'GET', '/services')).status).toBe(401);
      expect((await withKey(ctx, third, 'GET', '/services')).status).toBe(200);

      const revoked = await call(ctx, 'DELETE', `/api-clients/${client.id}`, { token: admin });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expect((await withKey(ctx, third, 'GET', '/services')).status).toBe(401);
      const patch = await call(ctx, 'PATCH', `/api-clients/${client.id}`, { token: admin, body: { name: 'x' } });
      expect(patch.status).toBe(409);
    });

    it('validates input with 400 problem+json and changes nothing', async () => {
      const before = (await call(ctx, 'GET', '/api-clients', { token: admin })).body.clients.length;
      for (const body of [
        {},
        { name: 'x', scopes: [] },
        { name: 'x', scopes: ['everything'] },
        { name: 'x', scopes: ['queue:read', 'queue:read'] },
        { name: 'x', scopes: ['queue:read'], rateLimitPerMinute: 0 },
        { name: 'x', scopes: ['queue:read'], extra: true },
      ]) {
        const res = await call(ctx, 'POST', '/api-clients', { token: admin, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation-failed');
      }
      expect((await call(ctx, 'PATCH', '/api-clients/1', { token: admin, body: {} })).status).toBe(400);
      expect((await call(ctx, 'GET', '/api-clients/abc', { token: admin })).status).toBe(400);
      expect((await call(ctx, 'GET', '/api-clients', { token: admin })).body.clients.length).toBe(before);
    });
  });

  describe('API clients on the hub', () => {
    let ctx: EngineContext;
    let server: RunningServer;
    beforeAll(async () => {
      ctx = await under.context();
      server = await startServer(ctx);
    });
    afterAll(async () => {
      await server.close();
    });

    it('watches a queue with queue:read and is cut off the moment the key is revoked', async () => {
      const admin = await signInAs(ctx, 'demo-admin');
      const { client, apiKey } = await createClient(ctx, admin, { name: 'screen', scopes: ['queue:read'] });
      const { apiKey: noQueue } = await createClient(ctx, admin, { name: 'no-queue', scopes: ['availability:read'] });

      const socket = connectClient(server.url, { token: apiKey, locationId: ZIJL });
      const snapshot = nextEvent(socket, 'queue:snapshot');
      await waitConnected(socket);
      expect((await snapshot).locationId).toBe(ZIJL);

      const denied = connectClient(server.url, { token: noQueue });
      await waitConnected(denied);
      const ack = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
        denied.emit('queue:subscribe', { locationId: ZIJL }, resolve as never),
      );
      expect(ack.error?.code).toBe('forbidden');
      denied.disconnect();

      const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
      expect((await call(ctx, 'DELETE', `/api-clients/${client.id}`, { token: admin })).status).toBe(200);
      expect(await gone).toBe('io server disconnect');

      const again = connectClient(server.url, { token: apiKey });
      const error = await new Promise<Error>((resolve) => again.once('connect_error', resolve));
      expect(error.message).toBe('unauthorized');
      again.disconnect();
    });
  });
});

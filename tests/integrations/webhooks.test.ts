import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createDomainEvents } from '../../server/events.ts';
import { type DeliverOptions, deliverDueWebhooks } from '../../server/integrations/webhooks/deliver.ts';
import { feedAllWebhooks, startWebhookRecorder } from '../../server/integrations/webhooks/record.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const ZIJL = 'haarlem-zijlsingel';

/** A real HTTP receiver on loopback, port 0, that answers as told: ok, 500, slow, or 410. */
interface Receiver {
  url: string;
  mode: 'ok' | 'error' | 'slow' | 'gone';
  received: { headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver = { mode: 'ok', received: [] } as unknown as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (receiver.mode === 'slow') {
        const t = setTimeout(() => res.end('late'), 2_000);
        res.on('close', () => clearTimeout(t));
        return;
      }
      res.statusCode = receiver.mode === 'ok' ? 204 : receiver.mode === 'gone' ? 410 : 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A loopback URL where nothing listens: a receiver that is down. */
async function downUrl(): Promise<string> {
  const r = await startReceiver();
  const url = r.url;
  await r.close();
  return url;
}

/** Standard Webhooks verification written from the specification, independent of the library that signs. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
    .digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((sig) => {
      const [version, value] = sig.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const withKey = (ctx: EngineContext, key: string, method: string, path: string, body?: unknown) =>
  call(ctx, method, path, { apiKey: key, body });

/**
 * One pass of what every node runs: the recorder turns the cluster log's facts into deliveries (here when the
 * test says so, not on a timer), then the sender posts what is due.
 */
async function recordAndDeliver(ctx: EngineContext, options?: DeliverOptions) {
  await feedAllWebhooks(ctx);
  return deliverDueWebhooks(ctx, options);
}

describeEachEngine('webhooks against a real receiver', (under) => {
  let ctx: EngineContext;
  let admin: string;
  let receiver: Receiver;
  let integrator: string;
  let reader: string;

  const bookOnce = async (email: string) => {
    const days = await withKey(ctx, integrator, 'GET', `/locations/${ZIJL}/available-days?services=passport:1`);
    const times = await withKey(
      ctx,
      integrator,
      'GET',
      `/locations/${ZIJL}/available-times?services=passport:1&date=${days.body.days[0]}`,
    );
    const res = await withKey(ctx, integrator, 'POST', '/appointments', {
      locationId: ZIJL,
      services: [{ code: 'passport', persons: 1 }],
      start: times.body.times[0],
      customer: { name: 'Resident', email },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { reference: string };
  };
  const deliveries = async (key: string, id: number) =>
    (await withKey(ctx, key, 'GET', `/webhooks/${id}/deliveries`)).body.deliveries as {
      id: number;
      eventType: string;
      status: string;
      attempts: number;
      messageId: string;
      lastError: string | null;
      log: { status: number | null; error: string | null }[];
    }[];

  beforeAll(async () => {
    ctx = await under.context();
    admin = await signInAs(ctx, 'demo-admin');
    receiver = await startReceiver();
    const make = async (name: string, scopes: string[]) =>
      (await call(ctx, 'POST', '/api-clients', { token: admin, body: { name, scopes } })).body.apiKey as string;
    integrator = await make('forms', [
      'availability:read',
      'appointments:read',
      'appointments:write',
      'queue:read',
      'webhooks:manage',
    ]);
    reader = await make('kcc', ['appointments:read', 'webhooks:manage']);
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('delivers signed events, with personal data only for the client that booked', async () => {
    const sub = await withKey(ctx, integrator, 'POST', '/webhooks', {
      url: receiver.url,
      events: ['appointment.booked', 'appointment.cancelled', 'ticket.issued', 'ticket.called'],
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect(sub.body.secret).toMatch(/^whsec_/);
    const other = await withKey(ctx, reader, 'POST', '/webhooks', {
      url: receiver.url,
      events: ['appointment.booked'],
    });
    expect(other.status).toBe(201);

    const booked = await bookOnce('webhook@example.nl');
    const ticket = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(ticket.status).toBe(201);

    const result = await recordAndDeliver(ctx);
    expect(result).toEqual({ attempted: 3, delivered: 3, failed: 0 });
    const bySecret = [
      { secret: sub.body.secret as string, own: true },
      { secret: other.body.secret as string, own: false },
    ];
    const events = receiver.received.map((r) => {
      const match = bySecret.find((s) => verify(s.secret, r.headers, r.body));
      expect(match, 'every delivery verifies with one subscription secret').toBeDefined();
      return { own: match?.own, payload: JSON.parse(r.body) };
    });
    expect(events.map((e) => `${e.own}:${e.payload.type}`).sort()).toEqual([
      'false:appointment.booked',
      'true:appointment.booked',
      'true:ticket.issued',
    ]);
    const ownBooked = events.find((e) => e.own && e.payload.type === 'appointment.booked')?.payload;
    const otherBooked = events.find((e) => !e.own)?.payload;
    expect(ownBooked.data).toMatchObject({ reference: booked.reference, bookedByYou: true });
    expect(ownBooked.data.customer.email).toBe('webhook@example.nl');
    expect(otherBooked.data.reference).toBe(booked.reference);
    expect(JSON.stringify(otherBooked)).not.toContain('webhook@example.nl');
    expect(events.find((e) => e.payload.type === 'ticket.issued')?.payload.data.number).toBe(ticket.body.number);
    const headers = receiver.received[0]?.headers ?? {};
    expect(headers['webhook-id']).toMatch(/^msg_/);
    expect(Number(headers['webhook-timestamp'])).toBe(Math.floor(ctx.clock.now().getTime() / 1000));

    // Nothing is due any more: a second pass sends nothing.
    expect((await recordAndDeliver(ctx)).attempted).toBe(0);
    await withKey(ctx, reader, 'DELETE', `/webhooks/${other.body.subscription.id}`);
  });

  it('retries a receiver answering 500 with exponential back-off, logs every attempt, and replays by hand', async () => {
    const list = await withKey(ctx, integrator, 'GET', '/webhooks');
    const id = list.body.subscriptions[0].id as number;
    receiver.mode = 'error';
    receiver.received.length = 0;
    const { reference } = await bookOnce('retry@example.nl');
    expect(await recordAndDeliver(ctx)).toEqual({ attempted: 1, delivered: 0, failed: 0 });
    let [latest] = await deliveries(integrator, id);
    expect(latest).toMatchObject({
      eventType: 'appointment.booked',
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 500',
    });
    // Not due before the back-off (10 s) has passed.
    ctx.clock.advance(9_000);
    expect((await recordAndDeliver(ctx)).attempted).toBe(0);
    ctx.clock.advance(1_000);
    expect((await recordAndDeliver(ctx)).attempted).toBe(1);
    // The next wait is three times as long.
    ctx.clock.advance(29_000);
    expect((await recordAndDeliver(ctx)).attempted).toBe(0);
    receiver.mode = 'ok';
    ctx.clock.advance(1_000);
    expect(await recordAndDeliver(ctx)).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    [latest] = await deliveries(integrator, id);
    expect(latest?.status).toBe('delivered');
    expect(latest?.log.map((a) => a.status)).toEqual([500, 500, 204]);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(JSON.parse(receiver.received[0]?.body ?? '{}').data.reference).toBe(reference);

    const replay = await withKey(ctx, integrator, 'POST', `/webhooks/${id}/deliveries/${latest?.id}/replay`);
    expect(replay.status).toBe(202);
    expect((await recordAndDeliver(ctx)).delivered).toBe(1);
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(latest?.messageId);
  });

  it('counts a slow receiver as failed after the timeout', async () => {
    const id = (await withKey(ctx, integrator, 'GET', '/webhooks')).body.subscriptions[0].id as number;
    receiver.mode = 'slow';
    await bookOnce('slow@example.nl');
    expect(await recordAndDeliver(ctx, { timeoutMs: 200 })).toMatchObject({ attempted: 1, delivered: 0 });
    const [latest] = await deliveries(integrator, id);
    expect(latest?.lastError).toBe('no answer within 200 ms');
    expect(latest?.log[0]?.status).toBeNull();
    receiver.mode = 'ok';
    ctx.clock.advance(10_000);
    expect((await recordAndDeliver(ctx)).delivered).toBe(1);
  });

  it('disables a subscription whose receiver stays down, and enables it again by hand', async () => {
    const url = await downUrl();
    const sub = await withKey(ctx, integrator, 'POST', '/webhooks', { url, events: ['appointment.booked'] });
    const id = sub.body.subscription.id as number;
    const options = { maxAttempts: 2, disableAfter: 2 };
    await bookOnce('down1@example.nl');
    await bookOnce('down2@example.nl');
    // Every other subscription's deliveries go to the live receiver; only these two fail.
    await recordAndDeliver(ctx, options);
    ctx.clock.advance(10_000);
    await recordAndDeliver(ctx, options);
    const after = await withKey(ctx, integrator, 'GET', `/webhooks/${id}`);
    expect(after.body.disabledAt).not.toBeNull();
    expect(after.body.disabledReason).toMatch(/2 deliveries in a row failed \(last: connection failed/);
    const log = await deliveries(integrator, id);
    expect(log.map((d) => d.status)).toEqual(['failed', 'failed']);
    // A disabled subscription gets no new deliveries.
    await bookOnce('down3@example.nl');
    await feedAllWebhooks(ctx);
    expect((await deliveries(integrator, id)).length).toBe(2);
    const enabled = await withKey(ctx, integrator, 'PATCH', `/webhooks/${id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ disabledAt: null, consecutiveFailures: 0 });
  });

  it('disables at once on 410 Gone', async () => {
    const sub = await withKey(ctx, integrator, 'POST', '/webhooks', { url: receiver.url, events: ['ticket.called'] });
    receiver.mode = 'gone';
    const agent = await signInAs(ctx, 'demo-supervisor');
    const counters = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token: agent });
    const counterId = counters.body.counters[0].id as number;
    await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token: agent });
    const called = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token: agent });
    expect(called.status, JSON.stringify(called.body)).toBeLessThan(300);
    await recordAndDeliver(ctx);
    const after = await withKey(ctx, integrator, 'GET', `/webhooks/${sub.body.subscription.id}`);
    expect(after.body.disabledReason).toBe('The receiver answered 410 Gone');
    receiver.mode = 'ok';
  });

  it('records each change once, whichever node records it, also when two record at once', async () => {
    const sub = await withKey(ctx, integrator, 'POST', '/webhooks', {
      url: receiver.url,
      events: ['appointment.booked', 'appointment.rescheduled', 'appointment.cancelled'],
    });
    const id = sub.body.subscription.id as number;
    const references: string[] = [];
    for (const email of ['once1@example.nl', 'once2@example.nl', 'once3@example.nl'])
      references.push((await bookOnce(email)).reference);
    const cancelled = await withKey(ctx, integrator, 'DELETE', `/appointments/${references[0]}`);
    expect(cancelled.status).toBe(204);
    // Two nodes' recorders at once (PostgreSQL: the feed is claimed FOR UPDATE SKIP LOCKED; SQLite: one writer).
    const [a, b] = await Promise.all([
      feedAllWebhooks(ctx, 2),
      feedAllWebhooks({ ...ctx, events: createDomainEvents() }, 2),
    ]);
    expect(a + b).toBeGreaterThanOrEqual(4);
    expect(await feedAllWebhooks(ctx)).toBe(0);
    const mine = (await deliveries(integrator, id)).map((d) => d.eventType).sort();
    expect(mine).toEqual(['appointment.booked', 'appointment.booked', 'appointment.booked', 'appointment.cancelled']);
    await withKey(ctx, integrator, 'DELETE', `/webhooks/${id}`);
    receiver.mode = 'ok';
    await recordAndDeliver(ctx);
  });

  it('delivers a change whose node died before recording it: the next node reads it from the log', async () => {
    const sub = await withKey(ctx, integrator, 'POST', '/webhooks', {
      url: receiver.url,
      events: ['appointment.booked'],
    });
    const id = sub.body.subscription.id as number;
    receiver.mode = 'ok';
    receiver.received.length = 0;
    // The node that booked had no recorder running, as if it died right after the commit.
    const { reference } = await bookOnce('died@example.nl');
    expect(await deliveries(integrator, id)).toEqual([]);
    // Another node (or the same one restarted): its own event bus, which never heard of the booking.
    const restarted = { ...ctx, events: createDomainEvents() };
    const stop = startWebhookRecorder(restarted, { pollMs: 20 });
    try {
      await vi.waitFor(async () => expect(await deliveries(integrator, id)).toHaveLength(1), { timeout: 10_000 });
    } finally {
      stop();
    }
    expect(await deliverDueWebhooks(ctx)).toMatchObject({ delivered: 1 });
    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    expect(bodies.filter((b) => b.type === 'appointment.booked' && b.data.reference === reference)).toHaveLength(1);
    await withKey(ctx, integrator, 'DELETE', `/webhooks/${id}`);
  });

  it('records at once when a use-case of its own process announces a change, without waiting for the poll', async () => {
    const sub = await withKey(ctx, integrator, 'POST', '/webhooks', {
      url: receiver.url,
      events: ['appointment.booked'],
    });
    const id = sub.body.subscription.id as number;
    await feedAllWebhooks(ctx);
    // The poll would take an hour: only the booking's in-process fact can wake the recorder.
    const stop = startWebhookRecorder(ctx, { pollMs: 3_600_000 });
    try {
      await vi.waitFor(async () => expect(await feedAllWebhooks(ctx)).toBe(0));
      const { reference } = await bookOnce('woken@example.nl');
      await vi.waitFor(async () => expect(await deliveries(integrator, id)).toHaveLength(1), { timeout: 10_000 });
      expect(await deliverDueWebhooks(ctx)).toMatchObject({ delivered: 1 });
      expect(JSON.parse(receiver.received.at(-1)?.body ?? '{}').data.reference).toBe(reference);
    } finally {
      stop();
    }
    await withKey(ctx, integrator, 'DELETE', `/webhooks/${id}`);
  });

  it('refuses bad subscriptions with 4xx and changes nothing', async () => {
    const before = (await withKey(ctx, integrator, 'GET', '/webhooks')).body.subscriptions.length;
    const cases: [unknown, number][] = [
      [{ url: 'http://example.org/hook', events: ['appointment.booked'] }, 400],
      [{ url: 'ftp://127.0.0.1/hook', events: ['appointment.booked'] }, 400],
      [{ url: receiver.url, events: [] }, 400],
      [{ url: receiver.url, events: ['appointment.exploded'] }, 400],
      [{ url: receiver.url, events: ['appointment.booked'], secret: 'plain' }, 400],
      [{ url: 'https://user:pw@example.org/hook', events: ['appointment.booked'] }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await withKey(ctx, integrator, 'POST', '/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.code).toBe('validation-failed');
    }
    // An event outside the client's scopes, and a key without webhooks:manage.
    expect(
      (await withKey(ctx, reader, 'POST', '/webhooks', { url: receiver.url, events: ['ticket.called'] })).status,
    ).toBe(403);
    const noManage = (
      await call(ctx, 'POST', '/api-clients', { token: admin, body: { name: 'x', scopes: ['queue:read'] } })
    ).body.apiKey as string;
    expect((await withKey(ctx, noManage, 'GET', '/webhooks')).status).toBe(403);
    // Another client's subscription does not exist for this one.
    expect((await withKey(ctx, reader, 'GET', '/webhooks/1')).status).toBe(404);
    expect((await withKey(ctx, integrator, 'GET', '/webhooks')).body.subscriptions.length).toBe(before);
  });
});

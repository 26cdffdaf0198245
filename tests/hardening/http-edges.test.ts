import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function send(
  agent: Agent,
  url: string,
  init: { method: string; path: string; body?: Buffer; chunks?: Buffer[] },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${init.path}`,
      {
        agent,
        method: init.method,
        // `chunks`: no Content-Length, so Node sends the body chunked (its length known only at the end).
        headers: init.body
          ? { 'content-type': 'application/json', 'content-length': init.body.length }
          : init.chunks
            ? { 'content-type': 'application/json' }
            : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    if (init.body) req.end(init.body);
    else {
      for (const chunk of init.chunks ?? []) req.write(chunk);
      req.end();
    }
  });
}

describe('finding 7: an early 413 on a keep-alive connection', () => {
  it('answers Connection: close, and the next request (on a fresh connection) succeeds', async () => {
    const ctx = createTestContext();
    const server = await startServer(ctx);
    servers.push(server);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let round = 0; round < 5; round++) {
        const big = await send(agent, server.url, {
          method: 'POST',
          path: '/api/v1/appointments',
          body: Buffer.from(JSON.stringify({ pad: 'x'.repeat(512 * 1024) })),
        });
        expect(big.status).toBe(413);
        expect(big.headers.connection).toBe('close');
        expect(JSON.parse(big.text)).toMatchObject({ code: 'payload-too-large' });
        const next = await send(agent, server.url, { method: 'GET', path: '/api/v1/health' });
        expect(next.status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });
});

describe('request bodies of unknown length (Transfer-Encoding: chunked)', () => {
  it('a booking sent in chunks books; a chunked body past the limit gets 413 and Connection: close', async () => {
    const ctx = createTestContext();
    const server = await startServer(ctx);
    servers.push(server);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const services = 'passport:1';
      const days = await send(agent, server.url, {
        method: 'GET',
        path: `/api/v1/locations/haarlem-zijlsingel/available-days?services=${services}`,
      });
      const day = (JSON.parse(days.text) as { days: string[] }).days[0];
      const times = await send(agent, server.url, {
        method: 'GET',
        path: `/api/v1/locations/haarlem-zijlsingel/available-times?services=${services}&date=${day}`,
      });
      const start = (JSON.parse(times.text) as { times: string[] }).times[0];
      const body = Buffer.from(
        JSON.stringify({
          locationId: 'haarlem-zijlsingel',
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: 'Anna de Vries', email: 'anna@example.nl' },
        }),
      );
      const booked = await send(agent, server.url, {
        method: 'POST',
        path: '/api/v1/appointments',
        chunks: [body.subarray(0, 10), body.subarray(10, 60), body.subarray(60)],
      });
      expect(booked.status).toBe(201);
      expect(JSON.parse(booked.text)).toMatchObject({ start, status: 'booked' });

      for (let round = 0; round < 3; round++) {
        const big = await send(agent, server.url, {
          method: 'POST',
          path: '/api/v1/appointments',
          chunks: Array.from({ length: 20 }, () => Buffer.from('x'.repeat(4096))),
        });
        expect(big.status).toBe(413);
        expect(big.headers.connection).toBe('close');
        expect(JSON.parse(big.text)).toMatchObject({ code: 'payload-too-large' });
        const next = await send(agent, server.url, { method: 'GET', path: '/api/v1/health' });
        expect(next.status).toBe(200);
      }
      // Malformed JSON sent in chunks is the same 400 as with a length.
      const malformed = await send(agent, server.url, {
        method: 'POST',
        path: '/api/v1/appointments',
        chunks: [Buffer.from('{"locationId":'), Buffer.from('"haarlem-')],
      });
      expect(malformed.status).toBe(400);
    } finally {
      agent.destroy();
    }
  });
});

describe('finding 7: CSP connect-src', () => {
  it('allows WebSockets to our own origin only', async () => {
    const ctx = createTestContext({ config: { PUBLIC_URL: 'https://afspraak.haarlem.example' } });
    const csp = (await ctx.app.request('/api/v1/health')).headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(connect).toEqual(["'self'", 'wss://afspraak.haarlem.example']);
    expect(csp).not.toMatch(/connect-src[^;]*\bwss?:(\s|;|$)/);
  });

  it('lists only valid CSP sources for a local install (no IPv6 literal, which browsers reject)', async () => {
    const ctx = createTestContext();
    const csp = (await ctx.app.request('/api/v1/health')).headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(connect[0]).toBe("'self'");
    expect(connect.slice(1).length).toBeGreaterThan(0);
    for (const source of connect.slice(1)) expect(source).toMatch(/^ws:\/\/(localhost|127\.0\.0\.1):\d+$/);
  });
});

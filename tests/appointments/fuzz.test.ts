import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';

/** Invariant 6 (ARCHITECTURE.md#invariants): nothing a client sends produces a 5xx. */
const ctx = createTestContext({
  config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 1_000_000, RATE_LIMIT_LOOKUPS_PER_MINUTE: 1_000_000 },
});
const json = { 'content-type': 'application/json' };

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '2026-11-24T11:00:00+01:00',
    '2026-11-24T25:00:00+01:00',
    '2026-10-25T02:30:00+02:00',
    '2026-03-29T02:30:00+01:00',
    '2026-11-24T11:00:00',
    '9999-12-31T23:59:59Z',
    '-000001-01-01T00:00:00Z',
    '2026-02-31',
    'passport:2,driving-licence:1',
    'passport:0',
    'passport:99',
    'passport:1,passport:1',
    'haarlem-zijlsingel',
    '../../etc/passwd',
    "' OR 1=1 --",
    'a'.repeat(5000),
  ),
);
const value = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue());
const item = fc.record(
  { code: fc.oneof(fc.constantFrom('passport', 'pickup', 'birth', 'driving-licence'), nasty), persons: value },
  { requiredKeys: [] },
);
/** Nearly valid bookings, so the engine and the database path are exercised too. */
const plausible = fc.record({
  locationId: fc.constantFrom('haarlem-zijlsingel', 'haarlem-schalkwijk', 'nowhere'),
  services: fc.array(
    fc.record({
      code: fc.constantFrom('passport', 'id-card', 'pickup', 'birth', 'driving-licence'),
      persons: fc.integer({ min: -1, max: 6 }),
    }),
    { minLength: 0, maxLength: 3 },
  ),
  start: fc
    .record({ day: fc.integer({ min: 22, max: 30 }), minute: fc.integer({ min: 0, max: 24 * 12 }).map((m) => m * 5) })
    .map(
      ({ day, minute }) =>
        `2026-11-${day}T${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+01:00`,
    ),
  customer: fc.record({
    name: fc.constantFrom('Anna', ' ', 'Ö'),
    email: fc.constantFrom('a@example.nl', 'b@example.nl', 'x'),
  }),
  followUp: fc.option(fc.record({ start: fc.constantFrom('2026-12-02T11:00:00+01:00', '2026-11-25T11:00:00+01:00') }), {
    nil: undefined,
  }),
});
const bookingBody = fc.oneof(
  plausible,
  plausible,
  fc.jsonValue(),
  fc.record(
    {
      locationId: fc.oneof(fc.constantFrom('haarlem-zijlsingel', 'haarlem-schalkwijk'), nasty),
      services: fc.oneof(fc.array(item, { maxLength: 12 }), value),
      start: fc.oneof(
        fc
          .date({ min: new Date('2026-11-20'), max: new Date('2027-02-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        nasty,
      ),
      customer: fc.oneof(
        fc.record(
          { name: fc.oneof(fc.string(), value), email: fc.oneof(fc.emailAddress(), value), phone: value },
          { requiredKeys: [] },
        ),
        value,
      ),
      language: fc.oneof(fc.constantFrom('nl', 'en'), value),
      followUp: fc.oneof(fc.record({ start: nasty }), value),
      channel: fc.oneof(fc.constantFrom('online', 'phone', 'counter'), value),
      extra: value,
    },
    { requiredKeys: [] },
  ),
);

function assertNo5xx(res: Response, what: string) {
  if (res.status >= 500) throw new Error(`${what} → ${res.status}`);
  expect(res.status).toBeLessThan(500);
}

describe('hostile input never gives a 5xx', () => {
  it('POST /appointments with random bodies (and raw text)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          bookingBody.map((b) => JSON.stringify(b)),
          fc.string(),
        ),
        async (body) => {
          const res = await ctx.app.request('/api/v1/appointments', { method: 'POST', headers: json, body });
          assertNo5xx(res, body);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('availability with random query strings and location ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('haarlem-zijlsingel', 'haarlem-schalkwijk'), nasty),
        fc.dictionary(fc.constantFrom('services', 'date', 'from', 'to', 'x'), nasty),
        fc.constantFrom('available-days', 'available-times'),
        async (id, query, kind) => {
          const qs = new URLSearchParams(query).toString();
          const url = `/api/v1/locations/${encodeURIComponent(id)}/${kind}?${qs}`;
          assertNo5xx(await ctx.app.request(url), url);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('appointment routes with random references, tokens and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        nasty,
        fc.oneof(
          fc.constant(undefined),
          nasty.map((t) => `Bearer ${t}`),
          nasty,
        ),
        fc.constantFrom('GET', 'DELETE', 'POST', 'ICS'),
        fc.oneof(fc.jsonValue(), fc.record({ start: nasty })),
        async (reference, authorization, method, body) => {
          const headers: Record<string, string> = { ...json };
          // Only what HTTP can carry in a header (visible ASCII and space).
          if (authorization !== undefined && /^[\x20-\x7e]*$/.test(authorization))
            headers.authorization = authorization;
          const base = `/api/v1/appointments/${encodeURIComponent(reference)}`;
          const res =
            method === 'POST'
              ? await ctx.app.request(`${base}/reschedule`, { method, headers, body: JSON.stringify(body) })
              : method === 'ICS'
                ? await ctx.app.request(`${base}/calendar.ics`, { headers })
                : await ctx.app.request(base, { method, headers });
          assertNo5xx(res, `${method} ${base}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('catalog and outbox with random query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/services', '/locations', '/outbox'),
        fc.dictionary(fc.constantFrom('municipality', 'limit', 'unsent'), nasty),
        async (path, query) => {
          const url = `/api/v1${path}?${new URLSearchParams(query).toString()}`;
          assertNo5xx(await ctx.app.request(url), url);
        },
      ),
      { numRuns: 100 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appointments } from '../../db/schema/index.ts';
import { textProblem } from '../../server/contracts/validators.ts';
import { signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

/**
 * Rule: nothing a client sends gives a 5xx, and what is stored is something the domain can hold.
 * Grows tests/appointments/fuzz.test.ts with what the red team found: extreme and impossible dates,
 * every Unicode general category (and lone surrogates), empty and huge PATCH bodies.
 */
const ctx = createTestContext({
  now: '2026-11-23T08:00:00Z',
  config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 1_000_000, RATE_LIMIT_LOOKUPS_PER_MINUTE: 1_000_000 },
});
const ZIJL = 'haarlem-zijlsingel';
const pad = (n: number, w: number) => String(Math.abs(n)).padStart(w, '0');

/** ISO-looking instants with every field pushed past its range, six-digit years and odd offsets. */
const wildInstant = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: -300_000, max: 300_000 }),
      fc.constantFrom(0, 1969, 1999, 2000, 2199, 2200, 9999, 10000, 275760),
    ),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    offset: fc.oneof(
      fc.constant('Z'),
      fc.constant(''),
      fc
        .record({
          sign: fc.constantFrom('+', '-'),
          h: fc.integer({ min: 0, max: 99 }),
          m: fc.integer({ min: 0, max: 99 }),
        })
        .map(({ sign, h, m }) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
    ),
  })
  .map(({ year, month, day, hour, minute, second, offset }) => {
    const y = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(year, 6)}`;
    return `${y}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${offset}`;
  });

/** One code point from every general category, lone surrogates and noncharacters included. */
const anyCodePoint = fc.oneof(
  fc
    .integer({ min: 0, max: 0x10ffff })
    .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp))),
  fc.constantFrom(
    '\u0000',
    '\u0007',
    '\t',
    '\n',
    '\u0085',
    '\u00ad',
    '\u200b',
    '\u200d',
    '\u202e',
    '\u2066',
    '\u2028',
    '\u2029',
    '\ue000',
    '\ufdd0',
    '\ufeff',
    '\ufffe',
    '\uffff',
    '\ud800',
    '\udfff',
    'e\u0301',
    '👩‍👩‍👧',
    'Ẓ',
    'ß',
    '٣',
    '𝔘',
  ),
);
const wildText = fc
  .array(fc.oneof(anyCodePoint, fc.string({ maxLength: 3 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('fuzz: extreme and impossible dates', () => {
  it('booking, reschedule and availability answer 4xx for every wild instant or date, never 5xx', async () => {
    const booked = await call(ctx, 'POST', '/appointments', {
      body: {
        locationId: ZIJL,
        services: [{ code: 'passport', persons: 1 }],
        start: '2026-11-24T11:00:00+01:00',
        customer: { name: 'Anna', email: 'anna@example.nl' },
      },
    });
    expect(booked.status).toBe(201);
    const before = ctx.db.select().from(appointments).all().length;
    await fc.assert(
      fc.asyncProperty(wildInstant, async (start) => {
        const book = await call(ctx, 'POST', '/appointments', {
          body: {
            locationId: ZIJL,
            services: [{ code: 'passport', persons: 1 }],
            start,
            customer: { name: 'Bob', email: 'bob@example.nl' },
          },
        });
        expect(book.status, start).toBeLessThan(500);
        const moved = await ctx.app.request(`/api/v1/appointments/${booked.body.reference}/reschedule`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${booked.body.manageToken}` },
          body: JSON.stringify({ start }),
        });
        expect(moved.status, start).toBeLessThan(500);
        const date = start.slice(0, start.indexOf('T'));
        const times = await call(ctx, 'GET', `/locations/${ZIJL}/available-times?services=passport:1&date=${date}`);
        expect(times.status, date).toBeLessThan(500);
        const csv = await ctx.app.request(`/api/v1/open-data/wait-times.csv?from=${date}&to=${date}`);
        expect(csv.status, date).toBeLessThan(500);
      }),
      { numRuns: 120 },
    );
    // Only real, sane instants can have booked anything.
    for (const a of ctx.db.select().from(appointments).all().slice(before)) {
      expect(a.startsAt.getUTCFullYear()).toBeGreaterThanOrEqual(2000);
      expect(a.startsAt.getUTCFullYear()).toBeLessThanOrEqual(2199);
    }
  });
});

describe('fuzz: every Unicode class in free text', () => {
  it('names, set-up texts and the ticker are refused (4xx) or stored as well-formed printable text', async () => {
    const supervisor = await signInAs(ctx, 'demo-supervisor');
    let start = Date.UTC(2026, 11, 1, 10, 0);
    await fc.assert(
      fc.asyncProperty(wildText, async (text) => {
        start += 5 * 60_000;
        const book = await call(ctx, 'POST', '/appointments', {
          body: {
            locationId: ZIJL,
            services: [{ code: 'passport', persons: 1 }],
            start: new Date(start).toISOString(),
            customer: { name: text, email: 'fuzz@example.nl' },
          },
        });
        expect(book.status).toBeLessThan(500);
        if (book.status === 201) expect(textProblem(book.body.customer.name)).toBeNull();
        const ticker = await call(ctx, 'PUT', `/locations/${ZIJL}/ticker`, { token: supervisor, body: { text } });
        expect(ticker.status).toBeLessThan(500);
        if (ticker.status === 200) expect(textProblem(ticker.body.text, { multiline: true })).toBeNull();
        const closure = await call(ctx, 'POST', `/locations/${ZIJL}/closures`, {
          token: supervisor,
          body: { date: '2027-03-03', kind: 'local', reason: text },
        });
        expect(closure.status).toBeLessThan(500);
        if (closure.status === 201) {
          await call(ctx, 'DELETE', `/closures/${closure.body.id ?? closure.body.closure?.id}`, { token: supervisor });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('fuzz: empty, partial and huge PATCH bodies', () => {
  it('every PATCH answers 400 for {}, 413 for a huge body, and never 5xx for anything in between', async () => {
    const supervisor = await signInAs(ctx, 'demo-supervisor');
    const admin = await signInAs(ctx, 'demo-admin');
    const setup = await call(ctx, 'GET', `/locations/${ZIJL}/setup`, { token: supervisor });
    const counterId = (setup.body.counters as { id: number }[])[0]?.id;
    const patches = [
      { path: `/locations/${ZIJL}/settings`, token: supervisor },
      { path: '/services/passport', token: admin },
      { path: `/locations/${ZIJL}/counters/${counterId}`, token: supervisor },
    ];
    for (const p of patches) {
      const empty = await call(ctx, 'PATCH', p.path, { token: p.token, body: {} });
      expect(empty.status, p.path).toBe(400);
      const huge = await call(ctx, 'PATCH', p.path, { token: p.token, body: { name: 'x'.repeat(200_000) } });
      expect(huge.status, p.path).toBe(413);
    }
    const field = fc.oneof(
      fc.constantFrom(
        'slotGridMinutes',
        'walkInShare',
        'minNoticeMinutes',
        'maxDaysAhead',
        'closedOnGoodFriday',
        'nameNl',
        'nameEn',
        'minutesPerPerson',
        'maxPersons',
        'ticketLetter',
        'necessitiesNl',
        'followUpServiceCode',
        'name',
        'active',
        'skills',
      ),
      fc.string({ maxLength: 8 }),
    );
    const value = fc.oneof(
      fc.integer({ min: -10, max: 10_000 }),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      wildText,
      fc.array(wildText, { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...patches), fc.dictionary(field, value, { maxKeys: 4 }), async (p, body) => {
        const res = await call(ctx, 'PATCH', p.path, { token: p.token, body });
        expect(res.status, `${p.path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});

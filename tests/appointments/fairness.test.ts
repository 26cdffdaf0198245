import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { describe, expect, it } from 'vitest';
import type { BookingProtection } from '../../server/contracts/fairness.ts';
import { releaseLapsedHolds } from '../../server/scheduling/fairness/holds.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { auditRows, countRows, outboxRows } from '../helpers/rows.ts';

const ZIJL = 'haarlem-zijlsingel';
const DAY = '2026-12-01';
// Monday 23 November 2026, 09:00 in Haarlem; bookings per address are not what these tests are about.
const options = {
  now: '2026-11-23T08:00:00Z',
  config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 100_000, RATE_LIMIT_BOOKINGS_PER_NETWORK_PER_MINUTE: 100_000 },
};

type Ctx = EngineContext;

async function protect(ctx: Ctx, patch: Partial<BookingProtection>): Promise<void> {
  const token = await signInAs(ctx, 'demo-supervisor');
  const current = await call<BookingProtection>(ctx, 'GET', `/locations/${ZIJL}/booking-protection`, { token });
  expect(current.status).toBe(200);
  const saved = await call(ctx, 'PUT', `/locations/${ZIJL}/booking-protection`, {
    token,
    body: { ...current.body, ...patch },
  });
  expect(saved.status).toBe(200);
}

async function times(ctx: Ctx, date = DAY, token?: string): Promise<string[]> {
  const res = await call<{ times: string[] }>(
    ctx,
    'GET',
    `/locations/${ZIJL}/available-times?services=passport:1&date=${date}`,
    { token },
  );
  expect(res.status).toBe(200);
  return res.body.times;
}

let mailboxes = 0;
function body(start: string, customer: Record<string, unknown> = {}) {
  mailboxes += 1;
  return {
    locationId: ZIJL,
    services: [{ code: 'passport', persons: 1 }],
    start,
    customer: { name: 'Inwoner', email: `inwoner${mailboxes}@example.nl`, ...customer },
  };
}

async function book(
  ctx: Ctx,
  start: string,
  customer: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await ctx.app.request('/api/v1/appointments', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body(start, customer)),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely here
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

function countAppointments(ctx: Ctx): Promise<number> {
  return countRows(ctx.sql, 'appointments');
}

/** The confirmation link of the hold mail to `email`: code and manage token from its fragment. */
async function holdLink(ctx: Ctx, email: string): Promise<{ reference: string; code: string; token: string }> {
  const mail = (await outboxRows(ctx, 'hold')).find((m) => m.toAddress === email);
  const match = mail?.text.match(/\/confirm\/([A-Z0-9]+)#code=([\w-]+)&token=([\w-]+)/);
  if (!match) throw new Error('no confirmation link in the hold mail');
  return { reference: match[1] as string, code: match[2] as string, token: match[3] as string };
}

describeEachEngine('fairness', (under) => {
  describe('hold, then confirm', () => {
    it('a hold counts as taken and frees the time when it lapses', async () => {
      const ctx = await under.context(options);
      await protect(ctx, { confirmationRequired: true, holdMinutes: 10 });
      const start = (await times(ctx))[0] as string;
      const held: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await book(ctx, start);
        if (res.status === 409) break;
        expect(res.status).toBe(201);
        expect(res.body.status).toBe('held');
        expect(res.body.holdExpiresAt).toBe('2026-11-23T09:10:00+01:00');
        held.push(res.body.reference);
      }
      expect(held.length).toBeGreaterThan(0);
      expect(await times(ctx)).not.toContain(start);

      ctx.clock.advance(10 * 60_000);
      expect(await times(ctx)).toContain(start);
      expect(await releaseLapsedHolds(ctx)).toBe(held.length);
      const rows = await ctx.sql.rows<{ status: string }>('SELECT status FROM appointments');
      expect(rows.length).toBe(held.length);
      expect(rows.every((r) => r.status === 'expired')).toBe(true);
      expect((await book(ctx, start)).status).toBe(201);
    });

    it("a booking expires its office's lapsed holds itself, before it places (no job in between)", async () => {
      const ctx = await under.context(options);
      await protect(ctx, { confirmationRequired: true, holdMinutes: 10 });
      const start = (await times(ctx))[0] as string;
      let held = 0;
      for (let i = 0; i < 30; i++) {
        const res = await book(ctx, start);
        if (res.status === 409) break;
        expect(res.status).toBe(201);
        held++;
      }
      expect(held).toBeGreaterThan(0);
      ctx.clock.advance(10 * 60_000);
      // The time is free again only because this booking's transaction expired the lapsed holds first.
      expect((await book(ctx, start)).status).toBe(201);
      const rows = await ctx.sql.rows<{ status: string }>("SELECT status FROM appointments WHERE status = 'expired'");
      expect(rows.length).toBe(held);
    });

    it('a confirmed hold stays booked, with the confirmation mail after the click', async () => {
      const ctx = await under.context(options);
      await protect(ctx, { confirmationRequired: true, holdMinutes: 15 });
      const start = (await times(ctx))[0] as string;
      const res = await book(ctx, start, { email: 'anna@example.nl' });
      expect(res.status).toBe(201);
      const link = await holdLink(ctx, 'anna@example.nl');
      expect(link.reference).toBe(res.body.reference);
      expect(await outboxRows(ctx.sql, 'confirmation')).toHaveLength(0);

      const wrong = await call(ctx, 'POST', `/appointments/${link.reference}/confirm`, {
        token: link.token,
        body: { code: 'not-the-code' },
      });
      expect(wrong.status).toBe(404);
      ctx.clock.advance(14 * 60_000);
      const ok = await call(ctx, 'POST', `/appointments/${link.reference}/confirm`, {
        token: link.token,
        body: { code: link.code },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'booked', holdExpiresAt: null });
      const again = await call(ctx, 'POST', `/appointments/${link.reference}/confirm`, {
        token: link.token,
        body: { code: link.code },
      });
      expect(again.status).toBe(200);

      ctx.clock.advance(60 * 60_000);
      await releaseLapsedHolds(ctx);
      const seen = await call(ctx, 'GET', `/appointments/${link.reference}`, { token: link.token });
      expect(seen.body.status).toBe('booked');
      const confirmation = await outboxRows(ctx, 'confirmation');
      expect(confirmation).toHaveLength(1);
      expect(confirmation[0]?.attachments).toHaveLength(1);
    });

    it('an unconfirmed hold never becomes an appointment', async () => {
      const ctx = await under.context(options);
      await protect(ctx, { confirmationRequired: true, holdMinutes: 5 });
      const start = (await times(ctx))[0] as string;
      await book(ctx, start, { email: 'bas@example.nl' });
      const link = await holdLink(ctx, 'bas@example.nl');
      ctx.clock.advance(5 * 60_000);
      const late = await call(ctx, 'POST', `/appointments/${link.reference}/confirm`, {
        token: link.token,
        body: { code: link.code },
      });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('hold-expired');
      await releaseLapsedHolds(ctx);
      const after = await call(ctx, 'POST', `/appointments/${link.reference}/confirm`, {
        token: link.token,
        body: { code: link.code },
      });
      expect(after.body.code).toBe('hold-expired');
      const seen = await call(ctx, 'GET', `/appointments/${link.reference}`, { token: link.token });
      expect(seen.body.status).toBe('expired');
    });

    it('staff bookings and locations without confirmation book in one step as before', async () => {
      const ctx = await under.context(options);
      const start = (await times(ctx))[0] as string;
      expect((await book(ctx, start)).body.status).toBe('booked');
      await protect(ctx, { confirmationRequired: true });
      const token = await signInAs(ctx, 'demo-agent');
      const staff = await call(ctx, 'POST', '/appointments', { token, body: { ...body(start), channel: 'phone' } });
      expect(staff.status).toBe(201);
      expect(staff.body.status).toBe('booked');
    });
  });

  describe('proof-of-work (ALTCHA)', () => {
    const powOptions = { ...options, config: { ...options.config, CHALLENGE_MAX_NUMBER: 2_000 } };

    async function solved(ctx: Ctx, tamper?: (c: { parameters: Record<string, unknown> }) => void): Promise<string> {
      const challenge = (await call(ctx, 'GET', '/challenge')).body;
      const solution = await solveChallenge({ challenge, deriveKey });
      tamper?.(challenge);
      return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    }

    it('a missing or bad solution is refused and changes nothing; a good one books once', async () => {
      const ctx = await under.context(powOptions);
      await protect(ctx, { challengeMode: 'always' });
      const start = (await times(ctx))[0] as string;
      const rules = await call(ctx, 'GET', `/locations/${ZIJL}/booking-rules`);
      expect(rules.body.challenge).toMatchObject({ mode: 'always', requiredNow: true });

      const missing = await book(ctx, start);
      expect(missing.status).toBe(403);
      expect(missing.body.code).toBe('challenge-required');
      for (const altcha of ['garbage', Buffer.from('{"challenge":1}').toString('base64'), 'x'.repeat(9000)]) {
        const res = await book(ctx, start, {}, { altcha });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('challenge-invalid');
      }
      const forged = await solved(ctx, (c) => {
        c.parameters.cost = 2;
      });
      expect((await book(ctx, start, {}, { altcha: forged })).body.code).toBe('challenge-invalid');
      expect(await countAppointments(ctx)).toBe(0);

      const good = await solved(ctx);
      expect((await book(ctx, start, {}, { altcha: good })).status).toBe(201);
      const replay = await book(ctx, start, {}, { altcha: good });
      expect(replay.status).toBe(403);
      expect(replay.body.code).toBe('challenge-invalid');
      expect(await countAppointments(ctx)).toBe(1);
    });

    it('a solution stays usable when its booking failed, and expires after its time', async () => {
      const ctx = await under.context(powOptions);
      await protect(ctx, { challengeMode: 'always' });
      const start = (await times(ctx))[0] as string;
      const altcha = await solved(ctx);
      expect((await book(ctx, '2026-12-01T03:00:00+01:00', {}, { altcha })).status).toBe(409);
      expect((await book(ctx, start, {}, { altcha })).status).toBe(201);
      const late = await solved(ctx);
      ctx.clock.advance(11 * 60_000);
      expect((await book(ctx, start, {}, { altcha: late })).body.code).toBe('challenge-invalid');
    });

    it('under pressure only, and never for staff', async () => {
      const ctx = await under.context(powOptions);
      await protect(ctx, { challengeMode: 'under-pressure', challengePressureBookings: 2 });
      const [a, b, c] = await times(ctx);
      expect((await book(ctx, a as string)).status).toBe(201);
      expect((await book(ctx, b as string)).status).toBe(201);
      expect((await book(ctx, c as string)).body.code).toBe('challenge-required');
      const token = await signInAs(ctx, 'demo-agent');
      expect((await call(ctx, 'POST', '/appointments', { token, body: body(c as string) })).status).toBe(201);
      ctx.clock.advance(5 * 60_000 + 1);
      expect((await book(ctx, (await times(ctx))[0] as string)).status).toBe(201);
    });
  });

  describe('caps on the real mailbox', () => {
    it('plus-addressed and dotted variants of one Gmail mailbox share one cap', async () => {
      const ctx = await under.context(options);
      const starts = await times(ctx);
      const variants = [
        'anna.jansen@gmail.com',
        'annajansen+1@gmail.com',
        'Anna.Jansen+x@googlemail.com',
        'a.n.n.a.jansen@gmail.com',
      ];
      for (const [i, email] of variants.entries())
        expect((await book(ctx, starts[i] as string, { email })).status).toBe(201);
      const fifth = await book(ctx, starts[5] as string, { email: 'annajansen+5@gmail.com' });
      expect(fifth.status).toBe(409);
      expect(fifth.body.code).toBe('booking-limit-reached');

      await protect(ctx, { mailboxNormalise: false });
      expect((await book(ctx, starts[5] as string, { email: 'annajansen+5@gmail.com' })).status).toBe(201);
    });

    it('optionally counts the phone number, in any notation, under the same cap', async () => {
      const ctx = await under.context(options);
      await protect(ctx, { phoneCap: true, mailboxCap: 2 });
      const starts = await times(ctx);
      expect((await book(ctx, starts[0] as string, { phone: '06 1234 5678' })).status).toBe(201);
      expect((await book(ctx, starts[1] as string, { phone: '+31612345678' })).status).toBe(201);
      const third = await book(ctx, starts[2] as string, { phone: '0031 6 12345678' });
      expect(third.body.code).toBe('booking-limit-reached');
      expect((await book(ctx, starts[2] as string, { phone: '06 8765 4321' })).status).toBe(201);
    });

    it('limits bookings onto one day per 10 minutes, not other days', async () => {
      const ctx = await under.context(options);
      await protect(ctx, { dayVelocityLimit: 2 });
      const starts = await times(ctx);
      expect((await book(ctx, starts[0] as string)).status).toBe(201);
      expect((await book(ctx, starts[1] as string)).status).toBe(201);
      const third = await book(ctx, starts[2] as string);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await book(ctx, (await times(ctx, '2026-12-02'))[0] as string)).status).toBe(201);
      ctx.clock.advance(10 * 60_000);
      expect((await book(ctx, starts[2] as string)).status).toBe(201);
    });
  });

  describe('rolling release and the phone/desk share', () => {
    it('offers online only what is released, and says when the next release is', async () => {
      const ctx = await under.context(options);
      await protect(ctx, {
        releaseMode: 'daily',
        releaseTime: '08:00',
        releaseWeekdays: [1, 2, 3, 4, 5],
        releaseDaysAhead: 7,
      });
      const days = await call(ctx, 'GET', `/locations/${ZIJL}/available-days?services=passport:1`);
      expect(days.body.days.at(-1)).toBe('2026-11-30');
      const rules = await call(ctx, 'GET', `/locations/${ZIJL}/booking-rules`);
      expect(rules.body.release).toMatchObject({
        releasedThrough: '2026-11-30',
        next: { at: '2026-11-24T08:00:00+01:00', opensThrough: '2026-12-01' },
      });
      const token = await signInAs(ctx, 'demo-agent');
      const staffTimes = await times(ctx, DAY, token);
      expect(await times(ctx)).toEqual([]);
      expect((await book(ctx, staffTimes[0] as string)).status).toBe(409);
      expect((await call(ctx, 'POST', '/appointments', { token, body: body(staffTimes[0] as string) })).status).toBe(
        201,
      );
      ctx.clock.advance(24 * 3_600_000);
      expect((await times(ctx)).length).toBeGreaterThan(0);
    });

    it('keeps the share for phone and desk bookings until its release before the day', async () => {
      const ctx = await under.context(options);
      await protect(ctx, { phoneShare: 0.9, phoneShareReleaseHours: 48 });
      let online = 0;
      for (let i = 0; i < 200; i++) {
        const free = await times(ctx);
        if (free.length === 0) break;
        expect((await book(ctx, free[0] as string)).status).toBe(201);
        online += 1;
      }
      expect(online).toBeGreaterThan(0);
      // The day is far from full: staff on the phone still book it, online sees nothing.
      const token = await signInAs(ctx, 'demo-agent');
      const staffTimes = await times(ctx, DAY, token);
      expect(staffTimes.length).toBeGreaterThan(online);
      expect((await book(ctx, staffTimes[0] as string)).status).toBe(409);
      expect((await call(ctx, 'POST', '/appointments', { token, body: body(staffTimes[0] as string) })).status).toBe(
        201,
      );
      // 48 hours before 1 December (00:00 in Haarlem) the share opens to online booking.
      ctx.clock.set('2026-11-28T23:00:00Z');
      expect((await times(ctx)).length).toBeGreaterThan(0);
    });
  });

  describe('Idempotency-Key on POST /appointments', () => {
    async function post(ctx: Ctx, key: string | undefined, payload: unknown) {
      const res = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        body: JSON.stringify(payload),
      });
      // biome-ignore lint/suspicious/noExplicitAny: loose read
      return { status: res.status, body: (await res.json()) as any };
    }

    it('a retry returns the same appointment; the same key with another body is 422', async () => {
      const ctx = await under.context(options);
      const [first, second] = await times(ctx);
      const payload = body(first as string);
      const a = await post(ctx, 'retry-key-0001', payload);
      const b = await post(ctx, 'retry-key-0001', payload);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(await countAppointments(ctx)).toBe(1);

      const other = await post(ctx, 'retry-key-0001', { ...payload, start: second });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency-key-reused');
      expect((await post(ctx, 'short', payload)).status).toBe(400);
      expect(await countAppointments(ctx)).toBe(1);
    });

    it('copies of one request racing each other book once', async () => {
      const ctx = await under.context(options);
      const payload = body((await times(ctx))[0] as string);
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(ctx, 'race-key-000000001', payload)));
      expect(answers.every((r) => r.status === 201)).toBe(true);
      expect(new Set(answers.map((r) => r.body.reference)).size).toBe(1);
      expect(await countAppointments(ctx)).toBe(1);
    });
  });

  describe('settings', () => {
    it('supervisors change them with an audit entry; agents and bad values are refused', async () => {
      const ctx = await under.context(options);
      const agent = await signInAs(ctx, 'demo-agent');
      expect((await call(ctx, 'GET', `/locations/${ZIJL}/booking-protection`, { token: agent })).status).toBe(403);
      const token = await signInAs(ctx, 'demo-supervisor');
      const current = (await call<BookingProtection>(ctx, 'GET', `/locations/${ZIJL}/booking-protection`, { token }))
        .body;
      for (const bad of [{ holdMinutes: 40 }, { phoneShare: 1.5 }, { releaseTime: '25:00' }, { releaseWeekdays: [] }])
        expect(
          (await call(ctx, 'PUT', `/locations/${ZIJL}/booking-protection`, { token, body: { ...current, ...bad } }))
            .status,
        ).toBe(400);
      const saved = await call(ctx, 'PUT', `/locations/${ZIJL}/booking-protection`, {
        token,
        body: { ...current, confirmationRequired: true, holdMinutes: 20 },
      });
      expect(saved.body).toMatchObject({ confirmationRequired: true, holdMinutes: 20 });
      const audit = await auditRows(ctx.sql, 'location.booking-protection');
      expect(audit).toHaveLength(1);
      expect(audit[0]?.details).toMatchObject({
        changed: { confirmationRequired: { from: false, to: true }, holdMinutes: { from: 15, to: 20 } },
      });
    });
  });
});

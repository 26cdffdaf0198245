import { describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { countRows } from '../helpers/rows.ts';

const ZIJL = 'haarlem-zijlsingel';
const booking = (start: string, name = 'Anna de Vries') => ({
  locationId: ZIJL,
  services: [{ code: 'passport', persons: 1 }],
  start,
  customer: { name, email: 'anna@example.nl' },
});

describeEachEngine('input hardening', (under) => {
  describe('finding 3: input the domain cannot hold is a 400, never a 500, and changes nothing', () => {
    it('refuses bookings and reschedules in year 10000 and later, or at impossible times', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:00:00Z' });
      for (const start of [
        '+275760-09-13T00:00:00Z',
        '9999-12-31T23:59:59+14:00',
        '9999-12-31T23:59:59-14:00',
        '2026-02-30T10:00:00+01:00',
        '2026-11-24T10:00:00+15:00',
      ]) {
        const res = await call(ctx, 'POST', '/appointments', { body: booking(start) });
        expect(res.status, start).toBe(400);
        expect(res.body.code).toBe('validation-failed');
      }
      const ok = await call(ctx, 'POST', '/appointments', { body: booking('2026-11-24T11:00:00+01:00') });
      expect(ok.status).toBe(201);
      for (const start of ['+275760-09-13T00:00:00Z', '9999-12-31T23:59:59+14:00']) {
        const res = await ctx.app.request(`/api/v1/appointments/${ok.body.reference}/reschedule`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ok.body.manageToken}` },
          body: JSON.stringify({ start }),
        });
        expect(res.status, start).toBe(400);
      }
      expect(await countRows(ctx.sql, 'appointments')).toBe(1);
    });

    it('refuses a name with NUL, U+FFFF or a lone surrogate', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:00:00Z' });
      for (const name of ['Anna\u0000', 'Anna\uffff', 'Anna\ud800', '\u202eanna', 'x'.repeat(121)]) {
        const res = await call(ctx, 'POST', '/appointments', { body: booking('2026-11-24T11:00:00+01:00', name) });
        expect(res.status, JSON.stringify(name)).toBe(400);
        expect(res.body.code).toBe('validation-failed');
      }
      expect(await countRows(ctx.sql, 'appointments')).toBe(0);
      const ok = await call(ctx, 'POST', '/appointments', {
        body: booking('2026-11-24T11:00:00+01:00', '  Zoë Ñandú-محمد 王  '),
      });
      expect(ok.status).toBe(201);
      expect(ok.body.customer.name).toBe('Zoë Ñandú-محمد 王');
    });

    it('answers empty PATCH bodies with 400, and huge ones with 413', async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const admin = await signInAs(ctx, 'demo-admin');
      const empty = [
        await call(ctx, 'PATCH', `/locations/${ZIJL}/settings`, { token: supervisor, body: {} }),
        await call(ctx, 'PATCH', '/services/passport', { token: admin, body: {} }),
      ];
      for (const res of empty) {
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation-failed');
      }
      const huge = await call(ctx, 'PATCH', '/services/passport', {
        token: admin,
        body: { nameNl: 'x'.repeat(100_000) },
      });
      expect(huge.status).toBe(413);
    });
  });

  describe('finding 7: wait-times.csv refuses dates that do not exist', () => {
    it('2026-02-30 is a 400', async () => {
      const ctx = await under.context();
      for (const [from, to] of [
        ['2026-02-30', '2026-03-02'],
        ['2026-01-01', '2026-04-31'],
        ['99999-01-01', '99999-01-02'],
      ]) {
        const res = await call(ctx, 'GET', `/open-data/wait-times.csv?from=${from}&to=${to}`);
        expect(res.status, `${from}..${to}`).toBe(400);
      }
      expect((await ctx.app.request('/api/v1/open-data/wait-times.csv?from=2026-02-27&to=2026-03-01')).status).toBe(
        200,
      );
    });
  });
});

import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { outboxRows } from '../helpers/rows.ts';

const ZIJL = 'haarlem-zijlsingel';
const SCHALK = 'haarlem-schalkwijk';
const json = { 'content-type': 'application/json' };

function bookBody(start: string, overrides: Record<string, unknown> = {}) {
  return {
    locationId: ZIJL,
    services: [{ code: 'passport', persons: 1 }],
    start,
    customer: { name: 'Anna de Vries', email: 'anna@example.nl' },
    language: 'nl',
    ...overrides,
  };
}

async function book(app: EngineContext['app'], body: unknown) {
  const res = await app.request('/api/v1/appointments', { method: 'POST', headers: json, body: JSON.stringify(body) });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { reference: string; manageToken: string },
  };
}

describeEachEngine('booking', (under) => {
  describe('catalog', () => {
    it('lists services and locations', async () => {
      const { app } = await under.context();
      const services = (await (await app.request('/api/v1/services')).json()) as { services: { code: string }[] };
      expect(services.services.map((s) => s.code)).toEqual([
        'passport',
        'id-card',
        'driving-licence',
        'pickup',
        'birth',
      ]);
      const locations = (await (await app.request('/api/v1/locations')).json()) as {
        locations: { id: string; serviceCodes: string[]; waiting: number; timeZone: string }[];
      };
      const zijl = locations.locations.find((l) => l.id === ZIJL);
      expect(zijl).toMatchObject({ timeZone: 'Europe/Amsterdam', waiting: 0 });
      expect(zijl?.serviceCodes).toContain('passport');
    });
  });

  describe('availability', () => {
    it('offers weekdays within the window and skips weekends and closures', async () => {
      const { app } = await under.context({ now: '2026-12-21T08:00:00Z' });
      const res = await app.request(
        `/api/v1/locations/${ZIJL}/available-days?services=passport:2&from=2026-12-21&to=2027-01-05`,
      );
      expect(res.status).toBe(200);
      const { days } = (await res.json()) as { days: string[] };
      // 25/26 Dec: Christmas; 1 Jan: New Year; 2 Jan: bridge day (a Saturday in 2027 anyway); weekends.
      expect(days).toEqual([
        '2026-12-21',
        '2026-12-22',
        '2026-12-23',
        '2026-12-24',
        '2026-12-28',
        '2026-12-29',
        '2026-12-30',
        '2026-12-31',
        '2027-01-04',
        '2027-01-05',
      ]);
    });

    it('lists start times on the grid with the office offset, honouring minimum notice', async () => {
      const { app } = await under.context({ now: '2026-11-24T10:30:00Z' });
      const res = await app.request(`/api/v1/locations/${ZIJL}/available-times?services=passport:2&date=2026-11-24`);
      const { times } = (await res.json()) as { times: string[] };
      // 11:30 local now + 60 min notice → from 12:30; appointments until 16:00, 20 minutes each.
      expect(times[0]).toBe('2026-11-24T12:30:00+01:00');
      expect(times.at(-1)).toBe('2026-11-24T15:40:00+01:00');
      expect(times).toHaveLength((15 * 60 + 40 - (12 * 60 + 30)) / 5 + 1);
      const thursday = (await (
        await app.request(`/api/v1/locations/${ZIJL}/available-times?services=passport:1&date=2026-11-26`)
      ).json()) as { times: string[] };
      expect(thursday.times.at(-1)).toBe('2026-11-26T19:50:00+01:00');
    });

    it('answers bad queries with 400 and unknown locations with 404', async () => {
      const { app } = await under.context();
      for (const q of ['services=passport', 'services=passport:2&date=2026-02-31', 'services=nope:1&date=2026-11-24']) {
        const res = await app.request(`/api/v1/locations/${ZIJL}/available-times?${q}`);
        expect(res.status).toBe(400);
      }
      const res = await app.request('/api/v1/locations/nowhere/available-times?services=passport:1&date=2026-11-24');
      expect(res.status).toBe(404);
      const tooMany = await app.request(
        `/api/v1/locations/${ZIJL}/available-times?services=passport:9&date=2026-11-24`,
      );
      expect(tooMany.status).toBe(400);
    });
  });

  describe('booking', () => {
    it('takes a start with a zero fraction (toISOString) as that instant, and refuses one off the grid by a fraction', async () => {
      const { app } = await under.context();
      const zero = await book(app, bookBody('2026-11-24T10:00:00.000Z'));
      expect(zero.status).toBe(201);
      expect(zero.body).toMatchObject({ start: '2026-11-24T11:00:00+01:00' });
      const off = await book(
        app,
        bookBody('2026-11-24T10:20:00.500Z', { customer: { name: 'B', email: 'b@example.nl' } }),
      );
      expect(off.status).toBe(409);
      expect(off.body).toMatchObject({ code: 'slot-unavailable' });
    });

    it('books, reads, exports, moves and cancels an appointment', async () => {
      const { app, sql, storage } = await under.context();
      const { status, body } = await book(app, bookBody('2026-11-24T11:00:00+01:00'));
      expect(status).toBe(201);
      expect(body.reference).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}$/);
      expect(body.manageToken.length).toBeGreaterThanOrEqual(43);
      expect(body).toMatchObject({ start: '2026-11-24T11:00:00+01:00', end: '2026-11-24T11:10:00+01:00' });
      expect(body).toMatchObject({
        followUp: { serviceCode: 'pickup', byAppointment: false, earliestDate: '2026-12-01' },
      });
      const auth = { authorization: `Bearer ${body.manageToken}` };

      const got = await app.request(`/api/v1/appointments/${body.reference}`, { headers: auth });
      expect(got.status).toBe(200);
      expect(await got.json()).toMatchObject({ status: 'booked', customer: { email: 'anna@example.nl' } });

      const ics = await app.request(`/api/v1/appointments/${body.reference}/calendar.ics`, { headers: auth });
      expect(ics.headers.get('content-type')).toContain('text/calendar');
      const comp = new ICAL.Component(ICAL.parse(await ics.text()));
      const event = new ICAL.Event(comp.getFirstSubcomponent('vevent') ?? undefined);
      expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-24T10:00:00.000Z');
      expect(event.endDate.toJSDate().toISOString()).toBe('2026-11-24T10:10:00.000Z');
      expect(event.location).toContain('Zijlsingel');

      const moved = await app.request(`/api/v1/appointments/${body.reference}/reschedule`, {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ start: '2026-11-25T14:00:00+01:00' }),
      });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ start: '2026-11-25T14:00:00+01:00' });

      const del = await app.request(`/api/v1/appointments/${body.reference}`, { method: 'DELETE', headers: auth });
      expect(del.status).toBe(204);
      const after = (await (await app.request(`/api/v1/appointments/${body.reference}`, { headers: auth })).json()) as {
        status: string;
      };
      expect(after.status).toBe('cancelled');

      const mails = await outboxRows({ sql, storage });
      expect(mails.map((m) => m.kind)).toEqual(['confirmation', 'reschedule', 'cancellation']);
      expect(mails[0]?.text).toContain(`/manage/${body.reference}#token=`);
      expect(mails[0]?.attachments?.[0]?.contentType).toContain('text/calendar');
      ICAL.parse(mails[0]?.attachments?.[0]?.content ?? '');
    });

    it('gives a wrong reference and a wrong token the same answer', async () => {
      const { app } = await under.context();
      const { body } = await book(app, bookBody('2026-11-24T11:00:00+01:00'));
      const wrongToken = await app.request(`/api/v1/appointments/${body.reference}`, {
        headers: { authorization: 'Bearer nope-nope-nope' },
      });
      const wrongRef = await app.request('/api/v1/appointments/ABCDEFGHJKMN', {
        headers: { authorization: `Bearer ${body.manageToken}` },
      });
      const none = await app.request(`/api/v1/appointments/${body.reference}`);
      expect(wrongToken.status).toBe(404);
      // `instance` is the path the client itself asked for; everything else must be the same.
      const strip = async (res: Response) => {
        const { instance, ...rest } = (await res.json()) as { instance?: string };
        return rest;
      };
      const a = await strip(wrongToken);
      expect(await strip(wrongRef)).toEqual(a);
      expect(await strip(none)).toEqual(a);
    });

    it('fills one start time up to the number of skilled rostered counters, then answers 409', async () => {
      const { app } = await under.context();
      // Zijlsingel, Tuesday 11:00: Balie 1–5 and 8 take passports by appointment.
      const results = [];
      for (let k = 0; k < 8; k++) {
        const { status, body } = await book(
          app,
          bookBody('2026-11-24T11:00:00+01:00', { customer: { name: `P ${k}`, email: `p${k}@example.nl` } }),
        );
        results.push(status === 409 ? `${status}:${String(body.code)}` : String(status));
      }
      expect(results).toEqual([
        '201',
        '201',
        '201',
        '201',
        '201',
        '201',
        '409:slot-unavailable',
        '409:slot-unavailable',
      ]);
    });

    it('refuses times off the grid, outside appointment hours, in the past and on closures', async () => {
      const { app } = await under.context();
      for (const start of [
        '2026-11-24T11:03:00+01:00',
        '2026-11-24T09:30:00+01:00',
        '2026-11-24T15:55:00+01:00',
        '2026-11-23T08:30:00+01:00',
        '2026-12-25T11:00:00+01:00',
        '2027-06-01T11:00:00+02:00',
      ]) {
        const { status, body } = await book(app, bookBody(start));
        expect({ start, status, code: body.code }).toEqual({ start, status: 409, code: 'slot-unavailable' });
      }
    });

    it('caps active bookings per e-mail address', async () => {
      const { app } = await under.context();
      const codes = [];
      for (let k = 0; k < 5; k++) codes.push((await book(app, bookBody(`2026-11-24T1${1 + k}:00:00+01:00`))).status);
      expect(codes).toEqual([201, 201, 201, 201, 409]);
    });

    it('rate-limits bookings per client address with Retry-After', async () => {
      const { app } = await under.context({ config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 2 } });
      await book(app, bookBody('2026-11-24T11:00:00+01:00', { customer: { name: 'A', email: 'a@example.nl' } }));
      await book(app, bookBody('2026-11-24T11:00:00+01:00', { customer: { name: 'B', email: 'b@example.nl' } }));
      const res = await app.request('/api/v1/appointments', {
        method: 'POST',
        headers: json,
        body: JSON.stringify(bookBody('2026-11-24T11:00:00+01:00', { customer: { name: 'C', email: 'c@example.nl' } })),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ code: 'rate-limited' });
    });

    it('books the pickup in the same request where pickup is by appointment', async () => {
      const { app } = await under.context();
      const early = await book(
        app,
        bookBody('2026-11-24T11:00:00+01:00', { locationId: SCHALK, followUp: { start: '2026-11-30T11:00:00+01:00' } }),
      );
      expect(early.status).toBe(409);
      const { status, body } = await book(
        app,
        bookBody('2026-11-24T11:00:00+01:00', {
          locationId: SCHALK,
          services: [
            { code: 'passport', persons: 2 },
            { code: 'driving-licence', persons: 1 },
          ],
          followUp: { start: '2026-12-01T11:00:00+01:00' },
        }),
      );
      expect(status).toBe(201);
      expect(body.followUp).toMatchObject({
        serviceCode: 'pickup',
        persons: 3,
        earliestDate: '2026-12-01',
        byAppointment: true,
        appointment: { start: '2026-12-01T11:00:00+01:00', end: '2026-12-01T11:15:00+01:00' },
      });
      const pickupRef = (body.followUp as { appointment: { reference: string } }).appointment.reference;
      const pickup = await app.request(`/api/v1/appointments/${pickupRef}`, {
        headers: { authorization: `Bearer ${body.manageToken}` },
      });
      expect(await pickup.json()).toMatchObject({
        followUpOf: body.reference,
        services: [{ code: 'pickup', persons: 3 }],
      });
      // The pickup stays at least 5 working days after the application, whichever of the two moves.
      const move = async (reference: string, start: string) =>
        (
          await app.request(`/api/v1/appointments/${reference}/reschedule`, {
            method: 'POST',
            headers: { ...json, authorization: `Bearer ${body.manageToken}` },
            body: JSON.stringify({ start }),
          })
        ).status;
      expect(await move(body.reference, '2026-11-25T11:00:00+01:00')).toBe(409);
      expect(await move(pickupRef, '2026-11-30T11:00:00+01:00')).toBe(409);
      expect(await move(pickupRef, '2026-12-02T11:00:00+01:00')).toBe(200);
      expect(await move(body.reference, '2026-11-25T11:00:00+01:00')).toBe(200);
      // At the Zijlsingel pickup is walk-in: a follow-up booking is refused.
      const walkIn = await book(
        app,
        bookBody('2026-11-24T11:00:00+01:00', { followUp: { start: '2026-12-01T11:00:00+01:00' } }),
      );
      expect(walkIn.status).toBe(400);
    });

    it('documents every route in the OpenAPI document', async () => {
      const { app } = await under.context();
      const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, unknown> };
      for (const path of [
        '/services',
        '/locations',
        '/locations/{id}/available-days',
        '/locations/{id}/available-times',
        '/appointments',
        '/appointments/{reference}',
        '/appointments/{reference}/reschedule',
        '/appointments/{reference}/calendar.ics',
      ])
        expect(Object.keys(doc.paths)).toContain(path);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { Problem } from '../../server/contracts/errors.ts';
import {
  Appointment,
  AvailableDaysResponse,
  BookedAppointment,
  LocationsResponse,
  PickupResponse,
  ServicesResponse,
} from '../../server/contracts/scheduling.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';

const SCHALK = 'haarlem-schalkwijk';
const ZIJL = 'haarlem-zijlsingel';
const json = { 'content-type': 'application/json' };

async function get(app: EngineContext['app'], path: string, headers: Record<string, string> = {}) {
  const res = await app.request(`/api/v1${path}`, { headers });
  return { status: res.status, body: (await res.json()) as unknown };
}

describeEachEngine('HTTP contracts', (under) => {
  describe('HTTP answers match server/contracts', () => {
    it('catalogue, availability and appointments parse with the contract schemas (strictly)', async () => {
      const { app } = await under.context({ now: '2026-12-21T08:00:00Z' });
      // Strict: a field the server adds or renames without the contract fails here.
      ServicesResponse.strict().parse((await get(app, '/services')).body);
      const locations = LocationsResponse.parse((await get(app, '/locations')).body);
      expect(locations.locations.map((l) => l.id)).toContain(ZIJL);
      const days = AvailableDaysResponse.parse(
        (await get(app, `/locations/${ZIJL}/available-days?services=passport:1&from=2026-12-22&to=2026-12-23`)).body,
      );
      const times = (await get(app, `/locations/${ZIJL}/available-times?services=passport:1&date=${days.days[0]}`))
        .body as { times: string[] };
      const res = await app.request('/api/v1/appointments', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          locationId: ZIJL,
          services: [{ code: 'passport', persons: 1 }],
          start: times.times[0],
          customer: { name: 'Anna de Vries', email: 'anna@example.nl' },
        }),
      });
      expect(res.status).toBe(201);
      const booked = BookedAppointment.strict().parse(await res.json());
      // One shape per resource: an appointment's services carry `name`/`necessities` like the catalogue's,
      // and the old flat names one more version (deprecated in the OpenAPI document).
      const service = booked.services[0];
      expect(service?.name).toEqual({ nl: service?.nameNl, en: service?.nameEn });
      expect(service?.necessities.nl).toEqual(service?.necessitiesNl);
      expect(booked.location.address.street).toBe(booked.location.street);
      const again = await get(app, `/appointments/${booked.reference}`, {
        authorization: `Bearer ${booked.manageToken}`,
      });
      expect(Appointment.strict().parse(again.body).reference).toBe(booked.reference);
    });

    it('every error is the one Problem shape', async () => {
      const { app } = await under.context();
      for (const path of [
        '/locations/nowhere/available-days?services=passport:1',
        `/services?municipality=${'x'.repeat(81)}`,
      ]) {
        const { status, body } = await get(app, path);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(Problem.parse(body).status).toBe(status);
      }
    });
  });

  describe('GET /locations/{id}/pickup', () => {
    it('counts working days on the server: weekends, public holidays and closures are skipped', async () => {
      const { app } = await under.context({ now: '2026-12-21T08:00:00Z' });
      const { status, body } = await get(app, `/locations/${SCHALK}/pickup?services=passport:2&date=2026-12-22`);
      expect(status).toBe(200);
      const { pickup } = PickupResponse.parse(body);
      // Tue 22 Dec + 5 working days: 23, 24, (25 Christmas, weekend), 28, 29, 30. Weekdays alone would say the 29th.
      expect(pickup).toEqual({ serviceCode: 'pickup', persons: 2, earliestDate: '2026-12-30', byAppointment: true });
    });

    it('is null for services that lead to no pickup, and walk-in where the office takes it so', async () => {
      const { app } = await under.context({ now: '2026-12-21T08:00:00Z' });
      const none = await get(app, `/locations/${SCHALK}/pickup?services=pickup:1&date=2026-12-22`);
      expect(none.status).toBe(200);
      expect(PickupResponse.parse(none.body).pickup).toBeNull();
      const zijl = PickupResponse.parse(
        (await get(app, `/locations/${ZIJL}/pickup?services=passport:1&date=2026-12-22`)).body,
      );
      expect(zijl.pickup?.byAppointment).toBe(false);
    });

    it('refuses bad input with a 4xx problem', async () => {
      const { app } = await under.context();
      const cases: [string, number][] = [
        [`/locations/${SCHALK}/pickup?services=passport:1`, 400],
        [`/locations/${SCHALK}/pickup?services=passport:1&date=2026-02-30`, 400],
        [`/locations/${SCHALK}/pickup?services=nope:1&date=2026-12-22`, 400],
        [`/locations/nowhere/pickup?services=passport:1&date=2026-12-22`, 404],
      ];
      for (const [path, want] of cases) {
        const { status, body } = await get(app, path);
        expect(status, path).toBe(want);
        expect(Problem.parse(body).code).toBe(want === 404 ? 'not-found' : 'validation-failed');
      }
    });
  });

  describe('OpenAPI document', () => {
    it('derives from the contracts: named schemas, the pickup route, deprecated old names', async () => {
      const { app } = await under.context();
      const doc = (await get(app, '/openapi.json')).body as {
        paths: Record<string, unknown>;
        components: { schemas: Record<string, { properties?: Record<string, { deprecated?: boolean }> }> };
      };
      expect(doc.paths['/locations/{id}/pickup']).toBeDefined();
      for (const name of ['Problem', 'Service', 'Location', 'Appointment', 'BookedAppointment', 'Pickup'])
        expect(doc.components.schemas[name], name).toBeDefined();
      const appointment = JSON.stringify(doc.components.schemas.Appointment);
      expect(appointment).toMatch(/"nameNl":\{[^}]*"deprecated":true/);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

/** Open Formulieren's appointment plugin calls, in the order a form runs them (docs/open-formulieren.md). */
describeEachEngine('Open Formulieren', (under) => {
  describe('Open Formulieren appointment plugin contract', () => {
    it('runs the seven calls with an API key, and Loket sends no mail of its own', async () => {
      const ctx = await under.context();
      const admin = await signInAs(ctx, 'demo-admin');
      const { apiKey } = (
        await call(ctx, 'POST', '/api-clients', {
          token: admin,
          body: {
            name: 'Open Formulieren',
            scopes: ['availability:read', 'appointments:write', 'appointments:read'],
            sendsOwnMail: true,
          },
        })
      ).body as { apiKey: string };
      const get = async (path: string) => {
        const res = await ctx.app.request(`/api/v1${path}`, { headers: { 'x-api-key': apiKey } });
        expect(res.status, path).toBe(200);
        // biome-ignore lint/suspicious/noExplicitAny: a plugin reads JSON loosely
        return (await res.json()) as any;
      };

      // 1. get_available_products
      const products = (await get('/services')).services.filter((s: { bookableOnline: boolean }) => s.bookableOnline);
      const passport = products.find((p: { code: string }) => p.code === 'passport');
      expect(passport).toBeDefined();
      // 2. get_locations(products)
      const locations = (await get('/locations')).locations.filter(
        (l: { services: { code: string; bookableOnline: boolean }[] }) =>
          l.services.some((s) => s.code === 'passport' && s.bookableOnline),
      );
      expect(locations.length).toBeGreaterThan(0);
      const location = locations[0];
      // 3. get_dates
      const { days } = await get(`/locations/${location.id}/available-days?services=passport:2`);
      expect(days.length).toBeGreaterThan(0);
      // 4. get_times
      const { times } = await get(`/locations/${location.id}/available-times?services=passport:2&date=${days[0]}`);
      expect(times[0]).toMatch(/T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      // 5. get_required_customer_fields: from the documented booking schema.
      const doc = await get('/openapi.json');
      const body = doc.components.schemas.BookingRequest;
      const customer = body.properties.customer;
      expect(customer.required).toEqual(expect.arrayContaining(['name', 'email']));
      expect(customer.required).not.toContain('phone');
      // 6. create_appointment
      const created = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'idempotency-key': 'of-submission-0001' },
        body: JSON.stringify({
          locationId: location.id,
          services: [{ code: 'passport', persons: 2 }],
          start: times[0],
          customer: { name: 'J. Jansen', email: 'j.jansen@example.nl' },
          language: 'nl',
        }),
      });
      expect(created.status).toBe(201);
      const { reference } = (await created.json()) as { reference: string };
      expect((await get(`/appointments/${reference}`)).status).toBe('booked');
      // 7. delete_appointment
      const deleted = await ctx.app.request(`/api/v1/appointments/${reference}`, {
        method: 'DELETE',
        headers: { 'x-api-key': apiKey },
      });
      expect(deleted.status).toBe(204);
      expect((await get(`/appointments/${reference}`)).status).toBe('cancelled');
      // The form builder sends the confirmation: none from Loket, for the booking or the cancellation.
      expect(await ctx.sql.rows('SELECT id FROM outbox WHERE to_address = ?', ['j.jansen@example.nl'])).toEqual([]);
    });
  });
});

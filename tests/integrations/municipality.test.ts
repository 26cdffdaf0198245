import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const ZIJL = 'haarlem-zijlsingel';
const root = fileURLToPath(new URL('../../', import.meta.url));

describeEachEngine('the municipality', (under) => {
  describe('GET /municipality', () => {
    it('gives name, contact and house style; several municipalities need ?municipality=', async () => {
      const ctx = await under.context();
      const one = await call(ctx, 'GET', '/municipality');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: 'haarlem',
        name: 'Gemeente Haarlem',
        contactEmail: 'stadskantoor@haarlem.example',
      });
      expect(one.body.houseStyle).toEqual({});
      await ctx.sql.exec("insert into municipalities (id, name) values ('zandvoort', 'Gemeente Zandvoort')");
      const ambiguous = await call(ctx, 'GET', '/municipality');
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body.code).toBe('validation-failed');
      expect((await call(ctx, 'GET', '/municipality?municipality=zandvoort')).body.name).toBe('Gemeente Zandvoort');
      expect((await call(ctx, 'GET', '/municipality?municipality=atlantis')).status).toBe(404);
      expect((await call(ctx, 'GET', '/municipality?municipality=%3Cscript%3E')).status).toBe(400);
    });

    it('is the only place front-ends get a municipality name: no translation or app file names one', () => {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.name === 'node_modules' || e.name === 'dist') continue;
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (/\.(ts|tsx|json|html)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) files.push(p);
        }
      };
      for (const app of ['shared-web', 'booking', 'kiosk', 'display', 'agent-ui']) walk(join(root, app));
      const offenders = files.filter((f) =>
        /Gemeente [A-Z]|Municipality of [A-Z]|Haarlem/.test(readFileSync(f, 'utf8')),
      );
      expect(offenders.map((f) => f.slice(root.length))).toEqual([]);
    });

    it('puts the office as ORGANIZER in the calendar file', async () => {
      const ctx = await under.context();
      const days = await call(ctx, 'GET', `/locations/${ZIJL}/available-days?services=passport:1`);
      const times = await call(
        ctx,
        'GET',
        `/locations/${ZIJL}/available-times?services=passport:1&date=${days.body.days[0]}`,
      );
      const booked = await call(ctx, 'POST', '/appointments', {
        body: {
          locationId: ZIJL,
          services: [{ code: 'passport', persons: 1 }],
          start: times.body.times[0],
          customer: { name: 'Anna', email: 'anna@example.nl' },
        },
      });
      expect(booked.status).toBe(201);
      const res = await ctx.app.request(`/api/v1/appointments/${booked.body.reference}/calendar.ics`, {
        headers: { authorization: `Bearer ${booked.body.manageToken}` },
      });
      const vevent = new ICAL.Component(ICAL.parse(await res.text())).getFirstSubcomponent('vevent');
      const organizer = vevent?.getFirstProperty('organizer');
      expect(organizer?.getFirstValue()).toBe('mailto:stadskantoor@haarlem.example');
      expect(organizer?.getParameter('cn')).toBe('Stadskantoor Zijlsingel');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/password.ts';
import { createStaffUser, DEMO_DEVICE_TOKEN, DEMO_PASSWORD, signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';
import { auditActions, auditRows, countRows } from '../helpers/rows.ts';

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describeEachEngine('auth', (under) => {
  describe('passwords', () => {
    it('hashes with scrypt and a per-hash salt, and verifies', async () => {
      const a = await hashPassword('correct horse');
      const b = await hashPassword('correct horse');
      expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(a).not.toBe(b);
      expect(await verifyPassword('correct horse', a)).toBe(true);
      expect(await verifyPassword('correct hors', a)).toBe(false);
      expect(await verifyPassword('x', 'garbage')).toBe(false);
    });

    it('stores demo users with different salts', async () => {
      const ctx = await under.context();
      const hashes = (await ctx.sql.rows<{ h: string }>('SELECT password_hash AS h FROM staff_users')).map((r) => r.h);
      expect(hashes).toHaveLength(3);
      expect(new Set(hashes.map((h) => h.split('$')[4])).size).toBe(3);
    });
  });

  describe('sessions', () => {
    it('signs in with cookie and bearer, reports the current user, and signs out', async () => {
      const ctx = await under.context();
      const res = await ctx.app.request('/api/v1/sessions', json({ username: 'demo-agent', password: DEMO_PASSWORD }));
      expect(res.status).toBe(201);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/loket_session=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      const body = (await res.json()) as { token: string; user: { role: string; locationIds: string[] } };
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.user.role).toBe('agent');
      expect(body.user.locationIds).toEqual(['haarlem-zijlsingel']);

      const viaCookie = await ctx.app.request('/api/v1/sessions/current', {
        headers: { cookie: cookie.split(';')[0] ?? '' },
      });
      expect(viaCookie.status).toBe(200);
      const viaBearer = await ctx.app.request('/api/v1/sessions/current', {
        headers: { authorization: `Bearer ${body.token}` },
      });
      expect(viaBearer.status).toBe(200);

      const out = await ctx.app.request('/api/v1/sessions', {
        method: 'DELETE',
        headers: { authorization: `Bearer ${body.token}` },
      });
      expect(out.status).toBe(204);
      const after = await ctx.app.request('/api/v1/sessions/current', {
        headers: { authorization: `Bearer ${body.token}` },
      });
      expect(after.status).toBe(401);
      const actions = await auditActions(ctx.sql);
      expect(actions).toEqual(['session.signed-in', 'session.signed-out']);
    });

    it('lists the own offices first, in assignment order, so the agent app starts at the home office', async () => {
      const ctx = await under.context();
      const locationsOf = async (username: string) => {
        const token = await signInAs(ctx, username);
        const res = await ctx.app.request('/api/v1/sessions/current', {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await res.json()) as { user: { locationIds: string[] } }).user.locationIds;
      };
      // demo-supervisor works at Zijlsingel (assigned first) and Schalkwijk, which sorts first alphabetically.
      expect(await locationsOf('demo-supervisor')).toEqual(['haarlem-zijlsingel', 'haarlem-schalkwijk']);
      // An admin without an assignment reaches every office, alphabetically; with one, it comes first.
      const all = await locationsOf('demo-admin');
      expect(all).toEqual([...all].sort());
      await createStaffUser(ctx, { username: 'admin-home', role: 'admin', locationIds: ['haarlem-zijlsingel'] });
      const home = await locationsOf('admin-home');
      expect(home[0]).toBe('haarlem-zijlsingel');
      expect([...home].sort()).toEqual(all);
    });

    it('refuses wrong passwords and unknown users alike, and throttles guessing', async () => {
      const ctx = await under.context();
      const wrong = await ctx.app.request('/api/v1/sessions', json({ username: 'demo-agent', password: 'nope' }));
      expect(wrong.status).toBe(401);
      const unknown = await ctx.app.request('/api/v1/sessions', json({ username: 'nobody', password: 'nope' }));
      expect(unknown.status).toBe(401);
      expect(((await unknown.json()) as { code: string }).code).toBe('invalid-credentials');
      for (let i = 0; i < 4; i++) {
        await ctx.app.request('/api/v1/sessions', json({ username: 'demo-agent', password: 'nope' }));
      }
      const locked = await ctx.app.request(
        '/api/v1/sessions',
        json({ username: 'demo-agent', password: DEMO_PASSWORD }),
      );
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Other users are not locked out by someone guessing demo-agent's password.
      expect(
        (await ctx.app.request('/api/v1/sessions', json({ username: 'demo-admin', password: DEMO_PASSWORD }))).status,
      ).toBe(201);
      ctx.clock.advance(16 * 60_000);
      expect(
        (await ctx.app.request('/api/v1/sessions', json({ username: 'demo-agent', password: DEMO_PASSWORD }))).status,
      ).toBe(201);
    });

    it('refuses expired sessions and inactive users', async () => {
      const ctx = await under.context();
      const token = await signInAs(ctx, 'demo-agent');
      ctx.clock.advance(13 * 3_600_000);
      const res = await ctx.app.request('/api/v1/sessions/current', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      await ctx.sql.exec("UPDATE staff_users SET active = (1 = 0) WHERE username = 'demo-agent'");
      const again = await ctx.app.request(
        '/api/v1/sessions',
        json({ username: 'demo-agent', password: DEMO_PASSWORD }),
      );
      expect(again.status).toBe(401);
    });

    it('rejects malformed sign-in bodies with 400 and changes nothing', async () => {
      const ctx = await under.context();
      for (const body of [{}, { username: 'demo-agent' }, { username: 1, password: 2 }, 'x', null]) {
        const res = await ctx.app.request('/api/v1/sessions', json(body));
        expect(res.status).toBe(400);
      }
      expect(await countRows(ctx.sql, 'audit_entries')).toBe(0);
    });
  });

  describe('devices', () => {
    it('pairs a device with a one-time code from a supervisor, and revokes it', async () => {
      const ctx = await under.context();
      const sup = await signInAs(ctx, 'demo-supervisor');
      const auth = { authorization: `Bearer ${sup}` };
      const codeRes = await ctx.app.request(
        '/api/v1/locations/haarlem-schalkwijk/pairing-codes',
        json({ kind: 'display', name: 'Wachtkamer' }, auth),
      );
      expect(codeRes.status).toBe(201);
      const { code } = (await codeRes.json()) as { code: string };
      const paired = await ctx.app.request('/api/v1/devices/pair', json({ code: code.toLowerCase() }));
      expect(paired.status).toBe(201);
      const { token, device } = (await paired.json()) as { token: string; device: { id: number; locationId: string } };
      expect(device.locationId).toBe('haarlem-schalkwijk');
      // One time only.
      expect((await ctx.app.request('/api/v1/devices/pair', json({ code }))).status).toBe(404);

      const me = await ctx.app.request('/api/v1/devices/current', { headers: { authorization: `Bearer ${token}` } });
      expect(await me.json()).toEqual({ id: device.id, locationId: 'haarlem-schalkwijk', kind: 'display' });

      const revoked = await ctx.app.request(`/api/v1/devices/${device.id}`, { method: 'DELETE', headers: auth });
      expect(revoked.status).toBe(200);
      const after = await ctx.app.request('/api/v1/devices/current', { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      const actions = await auditActions(ctx.sql);
      expect(actions).toContain('device.pairing-code-created');
      expect(actions).toContain('device.paired');
      expect(actions).toContain('device.revoked');
    });

    it('expires pairing codes and refuses agents', async () => {
      const ctx = await under.context();
      const agent = await signInAs(ctx, 'demo-agent');
      const denied = await ctx.app.request(
        '/api/v1/locations/haarlem-zijlsingel/pairing-codes',
        json({ kind: 'kiosk', name: 'x' }, { authorization: `Bearer ${agent}` }),
      );
      expect(denied.status).toBe(403);
      const sup = await signInAs(ctx, 'demo-supervisor');
      const res = await ctx.app.request(
        '/api/v1/locations/haarlem-zijlsingel/pairing-codes',
        json({ kind: 'kiosk', name: 'x' }, { authorization: `Bearer ${sup}` }),
      );
      const { code } = (await res.json()) as { code: string };
      ctx.clock.advance(16 * 60_000);
      expect((await ctx.app.request('/api/v1/devices/pair', json({ code }))).status).toBe(404);
    });

    it('a new code for the same device replaces the previous one at once; codes for other devices stay valid', async () => {
      const ctx = await under.context();
      const sup = await signInAs(ctx, 'demo-supervisor');
      const auth = { authorization: `Bearer ${sup}` };
      const codeFor = async (kind: 'kiosk' | 'display', name: string, location = 'haarlem-zijlsingel') => {
        const res = await ctx.app.request(`/api/v1/locations/${location}/pairing-codes`, json({ kind, name }, auth));
        expect(res.status).toBe(201);
        return ((await res.json()) as { code: string }).code;
      };
      const first = await codeFor('kiosk', 'Hal');
      const otherName = await codeFor('kiosk', 'Balie-zijde');
      const otherKind = await codeFor('display', 'Hal');
      const otherOffice = await codeFor('kiosk', 'Hal', 'haarlem-schalkwijk');
      ctx.clock.advance(60_000);
      const second = await codeFor('kiosk', 'Hal');
      const refused = await ctx.app.request('/api/v1/devices/pair', json({ code: first }));
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { code: string }).code).toBe('not-found');
      for (const code of [second, otherName, otherKind, otherOffice]) {
        const paired = await ctx.app.request('/api/v1/devices/pair', json({ code }));
        expect(paired.status).toBe(201);
      }
      // The audit says which creation replaced a code.
      const created = await auditRows(ctx.sql, 'device.pairing-code-created');
      expect(created.map((e) => e.details?.replaced)).toEqual([0, 0, 0, 0, 1]);
    });

    it('seeds the demo kiosk and display at the Zijlsingel with the configured token', async () => {
      const ctx = await under.context();
      const me = await ctx.app.request('/api/v1/devices/current', {
        headers: { authorization: `Bearer ${DEMO_DEVICE_TOKEN}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { locationId: string }).locationId).toBe('haarlem-zijlsingel');
      const forged = await ctx.app.request('/api/v1/devices/current', {
        headers: { authorization: `Bearer ${DEMO_DEVICE_TOKEN}x` },
      });
      expect(forged.status).toBe(401);
    });
  });
});

import { expect, it } from 'vitest';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/** API clients and keys (server/auth/api-client-store.ts) on every engine. */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m2', 'Twee')");
  await h.exec(
    "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES ('l-a', 'm1', 'A', 's', 'p', 'c')",
  );
  await h.exec("INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1')");
}

const t0 = new Date('2026-11-23T08:00:00.000Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

describeStorageContract('API client repository contract', fixture, (harness) => {
  it('clients and keys: insert, resolve a live key, rotate, revoke, list with keys newest first', async () => {
    const { storage } = harness();
    const client = await storage.write((tx) =>
      tx.apiClients.insertClient({
        municipalityId: 'm1',
        name: 'Formulieren',
        scopes: ['appointments:write', 'appointments:read'] as never,
        rateLimitPerMinute: 300,
        sendsOwnMail: true,
        createdAt: t0,
        createdBy: 7,
      }),
    );
    expect(client).toEqual({
      id: expect.any(Number),
      municipalityId: 'm1',
      name: 'Formulieren',
      scopes: ['appointments:write', 'appointments:read'],
      rateLimitPerMinute: 300,
      sendsOwnMail: true,
      createdAt: t0,
      createdBy: 7,
      revokedAt: null,
    });
    const first = await storage.write((tx) =>
      tx.apiClients.insertKey({
        clientId: client.id,
        prefix: 'lk_aaaa',
        tokenHash: 'h1'.padEnd(64, '0'),
        createdAt: t0,
      }),
    );
    expect(first).toEqual({
      id: expect.any(Number),
      clientId: client.id,
      prefix: 'lk_aaaa',
      createdAt: t0,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(await storage.read.apiClients.liveKey('h1'.padEnd(64, '0'), plus(1000))).toEqual({ key: first, client });
    // Rotation: the old key works strictly before its expiry; the new one from now.
    const second = await storage.write(async (tx) => {
      await tx.apiClients.updateKey(first.id, { expiresAt: plus(60_000), lastUsedAt: plus(500) });
      return tx.apiClients.insertKey({
        clientId: client.id,
        prefix: 'lk_bbbb',
        tokenHash: 'h2'.padEnd(64, '0'),
        createdAt: plus(1),
      });
    });
    expect((await storage.read.apiClients.liveKey('h1'.padEnd(64, '0'), plus(59_999)))?.key.lastUsedAt).toEqual(
      plus(500),
    );
    expect(await storage.read.apiClients.liveKey('h1'.padEnd(64, '0'), plus(60_000))).toBeNull();
    expect((await storage.read.apiClients.liveKeysOf(client.id)).sort(byId).map((k) => k.prefix)).toEqual([
      'lk_aaaa',
      'lk_bbbb',
    ]);
    const listed = await storage.read.apiClients.client(client.id);
    expect(listed?.keys.map((k) => k.prefix)).toEqual(['lk_bbbb', 'lk_aaaa']);
    expect(await storage.read.apiClients.client(999_999)).toBeNull();

    await storage.write((tx) => tx.apiClients.updateKey(second.id, { revokedAt: plus(2000) }));
    expect(await storage.read.apiClients.liveKey('h2'.padEnd(64, '0'), plus(3000))).toBeNull();
    expect((await storage.read.apiClients.liveKeysOf(client.id)).map((k) => k.prefix)).toEqual(['lk_aaaa']);

    const other = await storage.write((tx) =>
      tx.apiClients.insertClient({
        municipalityId: 'm1',
        name: 'KCC',
        scopes: [],
        rateLimitPerMinute: 600,
        sendsOwnMail: false,
        createdAt: t0,
        createdBy: null,
      }),
    );
    await storage.write((tx) =>
      tx.apiClients.updateClient(other.id, {
        name: 'KCC 2',
        scopes: ['appointments:read'] as never,
        revokedAt: plus(5),
      }),
    );
    const all = await storage.read.apiClients.clientsOf('m1');
    expect(all.map((c) => [c.name, c.keys.length, c.revokedAt])).toEqual([
      ['Formulieren', 2, null],
      ['KCC 2', 0, plus(5)],
    ]);
    expect(await storage.read.apiClients.clientsOf('m2')).toEqual([]);
    // A revoked client's keys do not resolve.
    await storage.write((tx) => tx.apiClients.updateClient(client.id, { revokedAt: plus(10) }));
    expect(await storage.read.apiClients.liveKey('h1'.padEnd(64, '0'), plus(20))).toBeNull();
  });

  it('appointments booked by a client: linked in the booking transaction, and whether it sends its own mail', async () => {
    const h = harness();
    const { storage } = h;
    const [counter] = await h.rows<{ id: number }>('SELECT id FROM counters');
    await h.exec(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
         counter_id, channel, created_at) VALUES ('m1', 'l-a', 'API-1', 'h', ?, ?, ?, 'online', ?)`,
      [h.instant(plus(86_400_000)), h.instant(plus(86_400_000 + 600_000)), counter?.id, h.instant(t0)],
    );
    const [appointment] = await h.rows<{ id: number }>("SELECT id FROM appointments WHERE reference = 'API-1'");
    const id = appointment?.id ?? 0;
    const mailer = await storage.write((tx) =>
      tx.apiClients.insertClient({
        municipalityId: 'm1',
        name: 'Mailer',
        scopes: [],
        rateLimitPerMinute: 60,
        sendsOwnMail: true,
        createdAt: t0,
        createdBy: null,
      }),
    );
    expect(await storage.read.apiClients.integratorSendsMail(id)).toBe(false);
    await storage.write((tx) => tx.apiClients.linkAppointment(id, mailer.id));
    expect(await storage.read.apiClients.bookedByClient(id, mailer.id)).toBe(true);
    expect(await storage.read.apiClients.bookedByClient(id, mailer.id + 1)).toBe(false);
    expect(await storage.read.apiClients.integratorSendsMail(id)).toBe(true);
  });
});

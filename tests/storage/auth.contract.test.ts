import { expect, it } from 'vitest';
import type { Principal } from '../../server/auth/principal.ts';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/** The auth and audit repositories (server/auth/auth-store.ts, audit-store.ts) on every engine. */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m2', 'Twee')");
  for (const [id, municipality] of [
    ['l-a', 'm1'],
    ['l-b', 'm1'],
    ['l-c', 'm1'],
    ['x-a', 'm2'],
  ]) {
    await h.exec(
      "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES (?, ?, ?, 's', 'p', 'c')",
      [id, municipality, `Office ${id}`],
    );
  }
  const users: [string, string][] = [
    ['agent', 'agent'],
    ['admin', 'admin'],
    ['sleeper', 'agent'],
  ];
  for (const [username, role] of users) {
    await h.exec(
      "INSERT INTO staff_users (municipality_id, username, display_name, role, password_hash) VALUES ('m1', ?, ?, ?, 'scrypt$x')",
      [username, `User ${username}`, role],
    );
  }
  const id = async (username: string) =>
    (await h.rows<{ id: number }>('SELECT id FROM staff_users WHERE username = ?', [username]))[0]?.id;
  // Assigned in a non-alphabetical order, and one office of another municipality.
  for (const [username, location] of [
    ['agent', 'l-c'],
    ['agent', 'x-a'],
    ['agent', 'l-a'],
    ['admin', 'l-b'],
  ]) {
    await h.exec('INSERT INTO staff_locations (user_id, location_id) VALUES (?, ?)', [
      await id(username ?? ''),
      location,
    ]);
  }
  await h.exec('UPDATE staff_users SET active = (1 = 0) WHERE username = ?', ['sleeper']);
}

const at = (iso: string) => new Date(iso);
const hash = (label: string) => label.padEnd(64, '0');

describeStorageContract('auth repository contract', fixture, (harness) => {
  it('userByUsername returns the record, or null', async () => {
    const { storage } = harness();
    const user = await storage.read.auth.userByUsername('agent');
    expect(user).toEqual({
      id: expect.any(Number),
      municipalityId: 'm1',
      username: 'agent',
      displayName: 'User agent',
      role: 'agent',
      passwordHash: 'scrypt$x',
      active: true,
    });
    expect((await storage.read.auth.userByUsername('sleeper'))?.active).toBe(false);
    expect(await storage.read.auth.userByUsername('nobody')).toBeNull();
  });

  it('staffLocationIds: own offices in assignment order, admins then the rest alphabetically', async () => {
    const { storage } = harness();
    const agent = await storage.read.auth.userByUsername('agent');
    const admin = await storage.read.auth.userByUsername('admin');
    if (!agent || !admin) throw new Error('fixture');
    expect(await storage.read.auth.staffLocationIds(agent.id, 'm1', 'agent')).toEqual(['l-c', 'l-a']);
    expect(await storage.read.auth.staffLocationIds(admin.id, 'm1', 'admin')).toEqual(['l-b', 'l-a', 'l-c']);
    expect(await storage.read.auth.staffLocationIds(agent.id, 'm1', 'admin')).toEqual(['l-c', 'l-a', 'l-b']);
  });

  it('sessions: live until expired or revoked; an inactive user is returned for the caller to refuse', async () => {
    const { storage } = harness();
    const agent = await storage.read.auth.userByUsername('agent');
    const sleeper = await storage.read.auth.userByUsername('sleeper');
    if (!agent || !sleeper) throw new Error('fixture');
    const created = at('2026-11-23T08:00:00.123Z');
    const expires = at('2026-11-23T16:00:00.456Z');
    const id = await storage.write((tx) =>
      tx.auth.insertSession({ userId: agent.id, tokenHash: hash('s1'), createdAt: created, expiresAt: expires }),
    );
    expect(await storage.read.auth.liveSession(hash('s1'), at('2026-11-23T09:00:00Z'))).toEqual({
      sessionId: id,
      expiresAt: expires,
      userId: agent.id,
      municipalityId: 'm1',
      role: 'agent',
      displayName: 'User agent',
      active: true,
    });
    // Expiry is exclusive, to the millisecond.
    expect(await storage.read.auth.liveSession(hash('s1'), at('2026-11-23T16:00:00.455Z'))).not.toBeNull();
    expect(await storage.read.auth.liveSession(hash('s1'), expires)).toBeNull();
    await storage.write((tx) => tx.auth.revokeSession(id, at('2026-11-23T10:00:00Z')));
    expect(await storage.read.auth.liveSession(hash('s1'), at('2026-11-23T09:00:00Z'))).toBeNull();

    await storage.write((tx) =>
      tx.auth.insertSession({ userId: sleeper.id, tokenHash: hash('s2'), createdAt: created, expiresAt: expires }),
    );
    expect((await storage.read.auth.liveSession(hash('s2'), created))?.active).toBe(false);
    expect(await storage.read.auth.liveSession(hash('unknown'), created)).toBeNull();
  });

  it('devices: insert, find by token (unrevoked only), by id and by location; revocation keeps its first instant', async () => {
    const { storage } = harness();
    const paired = at('2026-11-23T07:00:00.001Z');
    const [kiosk, display] = await storage.write(async (tx) => [
      await tx.auth.insertDevice({
        municipalityId: 'm1',
        locationId: 'l-b',
        kind: 'kiosk',
        name: 'Kiosk B',
        pairedAt: paired,
        tokenHash: hash('shared'),
      }),
      await tx.auth.insertDevice({
        municipalityId: 'm1',
        locationId: 'l-b',
        kind: 'display',
        name: 'Display B',
        pairedAt: paired,
        tokenHash: hash('shared'),
      }),
    ]);
    expect(kiosk).toEqual({
      id: expect.any(Number),
      municipalityId: 'm1',
      locationId: 'l-b',
      kind: 'kiosk',
      name: 'Kiosk B',
      pairedAt: paired,
      revokedAt: null,
    });
    const byToken = await storage.read.auth.devicesByTokenHash(hash('shared'));
    expect(byToken.map((d) => d.id).sort((a, b) => a - b)).toEqual([kiosk?.id, display?.id]);
    expect(await storage.read.auth.device(display?.id ?? 0)).toEqual(display);
    expect(await storage.read.auth.device(999_999)).toBeNull();
    expect((await storage.read.auth.devicesAt('l-b')).map((d) => d.name).sort()).toEqual(['Display B', 'Kiosk B']);

    const first = at('2026-11-23T12:00:00.007Z');
    const revoked = await storage.write((tx) => tx.auth.revokeDevice(kiosk?.id ?? 0, first));
    expect(revoked).toEqual({ ...kiosk, revokedAt: first });
    const again = await storage.write((tx) => tx.auth.revokeDevice(kiosk?.id ?? 0, at('2026-11-24T12:00:00Z')));
    expect(again.revokedAt).toEqual(first);
    expect((await storage.read.auth.devicesByTokenHash(hash('shared'))).map((d) => d.id)).toEqual([display?.id]);
    await expect(storage.write((tx) => tx.auth.revokeDevice(999_999, first))).rejects.toThrow();
  });

  it('pairing codes: redeemable until used or expired, with the municipality of their location', async () => {
    const { storage } = harness();
    const admin = await storage.read.auth.userByUsername('admin');
    if (!admin) throw new Error('fixture');
    const expiresAt = at('2026-11-23T08:10:00Z');
    const id = await storage.write((tx) =>
      tx.auth.insertPairingCode({
        codeHash: hash('code-1'),
        locationId: 'l-c',
        kind: 'display',
        name: 'Wachtruimte',
        createdBy: admin.id,
        expiresAt,
      }),
    );
    const now = at('2026-11-23T08:05:00Z');
    expect(await storage.read.auth.redeemablePairingCode(hash('code-1'), now)).toEqual({
      id,
      locationId: 'l-c',
      municipalityId: 'm1',
      kind: 'display',
      name: 'Wachtruimte',
      createdBy: admin.id,
    });
    expect(await storage.read.auth.redeemablePairingCode(hash('code-1'), expiresAt)).toBeNull();
    await storage.write((tx) => tx.auth.markPairingCodeUsed(id, now));
    expect(await storage.read.auth.redeemablePairingCode(hash('code-1'), now)).toBeNull();
  });

  it('pairing codes: withdrawn for one device (location, kind, name) at once, used and other devices’ codes untouched', async () => {
    const { storage } = harness();
    const admin = await storage.read.auth.userByUsername('admin');
    if (!admin) throw new Error('fixture');
    const expiresAt = at('2026-11-23T08:15:00Z');
    const device: { locationId: string; kind: 'kiosk' | 'display'; name: string } = {
      locationId: 'l-c',
      kind: 'kiosk',
      name: 'Hal',
    };
    const insert = (codeHash: string, over: Partial<typeof device> = {}) =>
      storage.write((tx) =>
        tx.auth.insertPairingCode({ codeHash, ...device, ...over, createdBy: admin.id, expiresAt }),
      );
    const used = await insert(hash('used'));
    await insert(hash('open-1'));
    await insert(hash('open-2'));
    await insert(hash('other-name'), { name: 'Zij-ingang' });
    await insert(hash('other-kind'), { kind: 'display' });
    const now = at('2026-11-23T08:05:00Z');
    await storage.write((tx) => tx.auth.markPairingCodeUsed(used, now));
    expect(await storage.write((tx) => tx.auth.withdrawPairingCodes(device, now))).toBe(2);
    expect(await storage.read.auth.redeemablePairingCode(hash('open-1'), now)).toBeNull();
    expect(await storage.read.auth.redeemablePairingCode(hash('open-2'), now)).toBeNull();
    expect(await storage.read.auth.redeemablePairingCode(hash('other-name'), now)).not.toBeNull();
    expect(await storage.read.auth.redeemablePairingCode(hash('other-kind'), now)).not.toBeNull();
    expect(await storage.write((tx) => tx.auth.withdrawPairingCodes(device, now))).toBe(0);
  });

  it('audit entries commit with the change, or roll back with it', async () => {
    const { storage, rows } = harness();
    const actor: Principal = {
      kind: 'staff',
      userId: 42,
      municipalityId: 'm1',
      role: 'supervisor',
      displayName: 'S',
      locationIds: ['l-a'],
      sessionId: 1,
    } as Principal;
    const when = at('2026-11-23T09:30:00Z');
    await storage.write((tx) =>
      tx.audit.record(actor, 'm1', when, {
        action: 'contract.kept',
        targetType: 'device',
        targetId: 7,
        locationId: 'l-a',
        details: { reason: 'test' },
      }),
    );
    await expect(
      storage.write(async (tx) => {
        await tx.audit.record(null, 'm1', when, { action: 'contract.lost' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const entries = await rows<Record<string, unknown>>(
      "SELECT actor_type, actor_id, action, target_type, target_id, location_id FROM audit_entries WHERE action LIKE 'contract.%'",
    );
    expect(entries).toEqual([
      {
        actor_type: 'staff',
        actor_id: 42,
        action: 'contract.kept',
        target_type: 'device',
        target_id: '7',
        location_id: 'l-a',
      },
    ]);
  });

  it('write: all of it commits or none, and read sees committed data only', async () => {
    const { storage } = harness();
    const agent = await storage.read.auth.userByUsername('agent');
    if (!agent) throw new Error('fixture');
    const t = at('2026-11-23T08:00:00Z');
    const later = at('2026-11-23T18:00:00Z');
    let seenInside: unknown = 'unset';
    await expect(
      storage.write(async (tx) => {
        await tx.auth.insertSession({ userId: agent.id, tokenHash: hash('rolled'), createdAt: t, expiresAt: later });
        seenInside = await storage.read.auth.liveSession(hash('rolled'), t);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seenInside).toBeNull();
    expect(await storage.read.auth.liveSession(hash('rolled'), t)).toBeNull();
  });
});

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { asAppError, pgStorage } from '../../db/pg/storage.ts';
import { AppError } from '../../server/errors.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

describe('PostgreSQL errors as the client sees them', () => {
  it('maps the exclusion constraint to 409 slot-unavailable and a unique violation to 409 conflict, also when drizzle wrapped them', () => {
    const wrapped = (code: string) =>
      Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('x'), { code }) });
    expect(asAppError(wrapped('23P01'))).toMatchObject({ code: 'slot-unavailable', status: 409 });
    expect(asAppError(wrapped('23505'))).toMatchObject({ code: 'conflict', status: 409 });
    expect(asAppError(wrapped('57P01'))).toMatchObject({ code: 'unavailable', status: 503 });
    const bug = wrapped('42P01');
    expect(asAppError(bug)).toBe(bug);
  });

  it('answers 503 unavailable when the database cannot be reached', async () => {
    const storage = pgStorage(openPool('postgres://postgres@127.0.0.1:1/none', { max: 1 }));
    try {
      await expect(storage.read.auth.userByUsername('x')).rejects.toMatchObject({ code: 'unavailable' });
      await expect(storage.write((tx) => tx.auth.revokeSession(1, new Date()))).rejects.toMatchObject({
        code: 'unavailable',
      });
    } finally {
      await storage.close();
    }
  });
});

describeWithPostgres('PostgreSQL storage: transactions', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let storage: Storage;
  let sessions: [number, number];

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 6 });
    await preparePgDatabase(pool, { seedDemo: true });
    storage = pgStorage(pool);
    await pool.query(
      "INSERT INTO staff_users (municipality_id, username, display_name, role, password_hash) VALUES ('haarlem', 'u', 'U', 'agent', 'x')",
    );
    const user = await storage.read.auth.userByUsername('u');
    if (!user) throw new Error('fixture');
    const t = new Date('2026-11-23T08:00:00Z');
    sessions = await storage.write(async (tx) => [
      await tx.auth.insertSession({ userId: user.id, tokenHash: 'a'.repeat(64), createdAt: t, expiresAt: t }),
      await tx.auth.insertSession({ userId: user.id, tokenHash: 'b'.repeat(64), createdAt: t, expiresAt: t }),
    ]);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('runs a transaction that PostgreSQL aborted for a deadlock again, so both writers succeed', async () => {
    let runs = 0;
    let arrived = 0;
    let release: () => void = () => {};
    const bothLocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Each transaction locks one row, waits until the other has locked the other row, then wants it.
    const crossed = (first: number, second: number) =>
      storage.write(async (tx) => {
        runs++;
        await tx.auth.revokeSession(first, new Date());
        if (++arrived === 2) release();
        await bothLocked;
        await tx.auth.revokeSession(second, new Date());
        return 'done';
      });
    const [a, b] = sessions;
    await expect(Promise.all([crossed(a, b), crossed(b, a)])).resolves.toEqual(['done', 'done']);
    expect(runs).toBe(3);
  });

  it('a unique violation inside a transaction is 409 conflict and nothing of the transaction stays', async () => {
    const t = new Date('2026-11-23T08:00:00Z');
    const code = {
      codeHash: 'c'.repeat(64),
      locationId: 'haarlem-zijlsingel',
      kind: 'kiosk' as const,
      name: 'K',
      createdBy: 1,
      expiresAt: t,
    };
    await storage.write((tx) => tx.auth.insertPairingCode(code));
    const attempt = storage.write(async (tx) => {
      await tx.auth.insertPairingCode({ ...code, codeHash: 'd'.repeat(64) });
      await tx.auth.insertPairingCode(code);
    });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM pairing_codes WHERE code_hash = $1', [
      'd'.repeat(64),
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('a transaction whose work swallowed a failed statement does not report success', async () => {
    const t = new Date('2026-11-23T08:00:00Z');
    const code = {
      codeHash: 'e'.repeat(64),
      locationId: 'haarlem-zijlsingel',
      kind: 'kiosk' as const,
      name: 'K',
      createdBy: 1,
      expiresAt: t,
    };
    await storage.write((tx) => tx.auth.insertPairingCode(code));
    await expect(
      storage.write(async (tx) => {
        await tx.auth.insertPairingCode(code).catch(() => null);
        return 'pretended';
      }),
    ).rejects.toThrow(/aborted/);
  });

  it('relaxed durability commits like the full kind', async () => {
    const [a] = sessions;
    const at = new Date('2026-11-23T09:00:00Z');
    await storage.write((tx) => tx.auth.revokeSession(a, at), { durability: 'relaxed' });
    const { rows } = await pool.query('SELECT revoked_at FROM staff_sessions WHERE id = $1', [a]);
    expect(rows[0].revoked_at).toBeInstanceOf(Date);
    const { rows: setting } = await pool.query('SHOW synchronous_commit');
    expect(setting[0].synchronous_commit).toBe('on');
  });
});

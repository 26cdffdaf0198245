import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import {
  createPgTestDatabase,
  deleteRedisPrefix,
  describeWithPostgres,
  describeWithRedis,
  testRedis,
  uniquePrefix,
} from '../helpers/servers.ts';

// The helper other scale-out tests stand on: its own prefix / database, removed afterwards.

describeWithRedis('tests/helpers/servers.ts with Redis', () => {
  const prefix = uniquePrefix('helper');
  const redis = testRedis();
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  test('deleteRedisPrefix removes the keys under its prefix and nothing else', async () => {
    const other = uniquePrefix('helper');
    await redis.set(`${prefix}a`, '1');
    await redis.set(`${prefix}b*`, '1');
    await redis.set(`${other}a`, '1');
    expect(await deleteRedisPrefix(prefix)).toBe(2);
    expect(await redis.exists(`${prefix}a`, `${prefix}b*`)).toBe(0);
    expect(await redis.get(`${other}a`)).toBe('1');
    await deleteRedisPrefix(other);
  });
});

describeWithPostgres('tests/helpers/servers.ts with PostgreSQL', () => {
  test('createPgTestDatabase gives an empty database that drop() removes', async () => {
    const db = await createPgTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    expect(rows[0]?.name).toBe(db.name);
    await client.end();
    await db.drop();
    const again = new pg.Client({ connectionString: db.url });
    again.on('error', () => {});
    await expect(again.connect()).rejects.toThrow();
    await again.end().catch(() => {});
  });
});

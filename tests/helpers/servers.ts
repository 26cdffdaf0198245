import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, test } from 'vitest';

/**
 * Real PostgreSQL and Redis for the tests that need them (CONTRIBUTING.md#before-you-push). The servers are found
 * at LOKET_TEST_DATABASE_URL / LOKET_TEST_REDIS_URL (default: the local ones). Where a server does not
 * answer, its suites are skipped with the reason printed; under CI=true that is a failure instead, so
 * CI never passes by skipping. Each test creates its own key prefix / database and removes it after.
 */

export function redisTestUrl(): string {
  return process.env.LOKET_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}

export function pgTestUrl(): string {
  return process.env.LOKET_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

function underCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/** `loket-test:<random>:`: a Redis key prefix no other test run uses (valid as REDIS_KEY_PREFIX). */
export function uniquePrefix(label = 'test'): string {
  return `loket-${label}:${randomBytes(6).toString('hex')}:`;
}

/** The URL without its password, for messages. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

let redisProbe: Promise<string | null> | undefined;
let pgProbe: Promise<string | null> | undefined;

/** null when Redis answers PING within 2 s, else why not. Probed once per test file. */
export function redisUnavailable(): Promise<string | null> {
  redisProbe ??= (async () => {
    const redis = new Redis(redisTestUrl(), {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    let cause = '';
    redis.on('error', (error: Error) => {
      cause ||= error.message;
    });
    try {
      await redis.connect();
      const pong = await redis.ping();
      return pong === 'PONG' ? null : `unexpected PING answer ${pong}`;
    } catch (error) {
      return cause || (error as Error).message;
    } finally {
      redis.disconnect();
    }
  })();
  return redisProbe;
}

/** null when PostgreSQL answers `SELECT 1` within 3 s, else why not. Probed once per test file. */
export function pgUnavailable(): Promise<string | null> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: pgTestUrl(), connectionTimeoutMillis: 3_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (error) {
      return (error as Error).message || String(error);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgProbe;
}

function describeWith(
  server: string,
  url: string,
  probe: () => Promise<string | null>,
  name: string,
  fn: () => void,
): void {
  describe(name, async () => {
    const reason = await probe();
    if (reason === null) {
      fn();
      return;
    }
    const message = `${server} not reachable at ${shown(url)} (${reason})`;
    if (underCi()) {
      test(`${server} is reachable (required under CI=true)`, () => {
        throw new Error(`${message}; .ci/run starts it`);
      });
      return;
    }
    console.warn(`skipped "${name}": ${message}; set the URL or start the server to run it`);
    test.skip(`needs ${server}: ${message}`, () => {});
  });
}

/** A describe block that runs only when Redis answers (skipped with a message; failing under CI=true). */
export function describeWithRedis(name: string, fn: () => void): void {
  describeWith('Redis', redisTestUrl(), redisUnavailable, name, fn);
}

/** A describe block that runs only when PostgreSQL answers (skipped with a message; failing under CI=true). */
export function describeWithPostgres(name: string, fn: () => void): void {
  describeWith('PostgreSQL', pgTestUrl(), pgUnavailable, name, fn);
}

/** A Redis connection for test setup and inspection (not the app's: that one comes from openRedis). */
export function testRedis(): Redis {
  return new Redis(redisTestUrl(), { maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (SCAN, never KEYS), so a test leaves Redis as it found it. */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = testRedis();
  let deleted = 0;
  try {
    let cursor = '0';
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * A fresh PostgreSQL database on the test server (named `loket_test_<random>`), empty or a copy of
 * `template` (a database nobody is connected to), with its URL and a `drop()` that removes it (ending any
 * connections still open to it).
 */
export async function createPgTestDatabase(
  options: { template?: string } = {},
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `loket_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgTestUrl(), connectionTimeoutMillis: 3_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"${options.template ? ` TEMPLATE "${options.template}"` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgTestUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: pgTestUrl(), connectionTimeoutMillis: 3_000 });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

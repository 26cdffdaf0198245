import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestContext } from './context.ts';
import { deleteRedisPrefix, redisTestUrl, uniquePrefix } from './servers.ts';

/**
 * Two nodes' contexts on one SQLite file and one Redis key prefix of their own (the hub's peers), removed with the
 * test's `cleanup` (cleanupAfterEach).
 */
export function twoNodesOnRedis(cleanup: (() => unknown)[], label: string) {
  const dir = mkdtempSync(join(tmpdir(), `loket-${label}-`));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = uniquePrefix(label);
  cleanup.push(() => deleteRedisPrefix(prefix));
  const config = { REDIS_URL: redisTestUrl(), REDIS_KEY_PREFIX: prefix };
  const a = createTestContext({ dbPath: join(dir, 'loket.db'), config });
  const b = createTestContext({ dbPath: join(dir, 'loket.db'), config });
  cleanup.push(() => {
    a.db.$client.close();
    b.db.$client.close();
  });
  return { a, b };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestContext } from './context.ts';
import { type startServerFor, until } from './server.ts';
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

/**
 * Node B's peer messages (`hub:facts`) as a valve: while `held` is set each waits in `withheld` until `release()`.
 * Resolves once B hears A (an empty message for `locationId`), so the nodes' adapter is connected both ways.
 */
export async function peerFactsValve(
  nodeA: Awaited<ReturnType<typeof startServerFor>>,
  nodeB: Awaited<ReturnType<typeof startServerFor>>,
  locationId: string,
) {
  const valve = {
    held: false,
    withheld: [] as (() => void)[],
    release() {
      valve.held = false;
      for (const deliver of valve.withheld.splice(0)) deliver();
    },
  };
  let heard = 0;
  const applyPeerFacts = nodeB.hub.publisher.applyPeerFacts;
  nodeB.hub.publisher.applyPeerFacts = (location, facts) => {
    heard++;
    const deliver = () => applyPeerFacts(location, facts);
    if (valve.held) valve.withheld.push(deliver);
    else deliver();
  };
  await until(() => {
    nodeA.hub.io.serverSideEmit('hub:facts', locationId, []);
    return heard > 0;
  }, 'node B hearing node A');
  return valve;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Repositories, Storage } from '../../server/storage.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

// Item 7 of #9: what one POST /appointments costs in reads of the office's configuration version. The route reads
// the office once for the challenge (outside the transaction) and hands it to the use-case, which only needs it to
// know which office-days to lock; inside the transaction the office is read once more, after the locks, and that
// is the one the booking decides on (ARCHITECTURE.md#storage-seam).

const dir = mkdtempSync(join(tmpdir(), 'loket-booking-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Counts `office.officeSince` calls on the context's storage, reads and write transactions alike. */
function countOfficeReads(ctx: TestContext): { reads: number; inTransaction: number } {
  const counts = { reads: 0, inTransaction: 0 };
  const inner = ctx.storage;
  // One proxy per repositories object, so the office cache (keyed by the repository) keeps working.
  const proxies = new WeakMap<object, Repositories>();
  const counted = (repos: Repositories, key: 'reads' | 'inTransaction'): Repositories => {
    let p = proxies.get(repos);
    if (!p) {
      const office = new Proxy(repos.office, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== 'officeSince' || typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            counts[key]++;
            return value.apply(target, args);
          };
        },
      });
      p = { ...repos, office };
      proxies.set(repos, p);
    }
    return p;
  };
  const storage: Storage = {
    get read() {
      return counted(inner.read, 'reads');
    },
    write: (work, options) => inner.write((tx) => work(counted(tx, 'inTransaction')), options),
    problem: () => inner.problem(),
    afterErasure: () => inner.afterErasure(),
    clusterLog: () => inner.clusterLog(),
    close: () => inner.close(),
  };
  ctx.storage = storage;
  ctx.app = createApp(ctx);
  return counts;
}

describe('one booking over HTTP', () => {
  it('reads the office version once before its transaction and once inside it', async () => {
    // A file, as in production: reads go through their own connection, writes through the writer's.
    const ctx = createTestContext({ dbPath: join(dir, 'reads.db') });
    const counts = countOfficeReads(ctx);
    const book = (start: string, email: string) =>
      call(ctx, 'POST', '/appointments', {
        body: {
          locationId: 'haarlem-zijlsingel',
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: 'Anna de Vries', email },
        },
      });
    // The first booking fills the caches.
    expect((await book('2026-11-25T11:00:00+01:00', 'a@example.nl')).status).toBe(201);
    counts.reads = 0;
    counts.inTransaction = 0;
    expect((await book('2026-11-25T11:30:00+01:00', 'b@example.nl')).status).toBe(201);
    expect(counts).toEqual({ reads: 1, inTransaction: 1 });
    await ctx.storage.close();
    ctx.db.$client.close();
  });
});

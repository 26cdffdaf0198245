import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP_COMMIT_LIMIT } from '../../db/sqlite/storage.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

// Group commit on SQLite (db/sqlite/storage.ts): writes with `{ group: true }` that arrive together share one
// COMMIT, each in its own savepoint; each is answered only after that COMMIT; one that throws rolls back alone.
describe('group commit (SQLite)', () => {
  const at = new Date('2026-11-23T08:00:00Z');
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A file database (reads on their own connection see committed rows only), its statements counted. */
  function fileContext(): TestContext & { commits: () => number; failNextCommit: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'loket-group-'));
    dirs.push(dir);
    const ctx = createTestContext({ dbPath: join(dir, 'loket.db'), now: at.toISOString() });
    const client = ctx.db.$client;
    let commits = 0;
    let failCommit = false;
    const commit = () => {
      if (failCommit) {
        failCommit = false;
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
      }
      commits++;
    };
    const exec = client.exec.bind(client);
    client.exec = (sql: string) => {
      if (sql === 'COMMIT') commit();
      return exec(sql);
    };
    // The asynchronous write transaction prepares its COMMIT once per connection (db/client.ts), at its first run.
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => {
      const statement = prepare(sql);
      if (sql !== 'COMMIT') return statement;
      const run = statement.run.bind(statement);
      statement.run = (...args: unknown[]) => {
        commit();
        return run(...args);
      };
      return statement;
    }) as typeof client.prepare;
    return { ...ctx, commits: () => commits, failNextCommit: () => (failCommit = true) };
  }

  const audits = (ctx: TestContext, action: string) =>
    (ctx.db.$client.prepare('select count(*) as n from audit_entries where action = ?').get(action) as { n: number }).n;

  it('writes that arrive together share one COMMIT, and each sees the ones before it', async () => {
    const ctx = fileContext();
    const before = ctx.commits();
    const seenBefore: number[] = [];
    const writes = Array.from({ length: 5 }, (_, k) =>
      ctx.storage.write(
        async (tx) => {
          seenBefore.push(audits(ctx, 'test.grouped'));
          await tx.audit.record(null, 'haarlem', at, { action: 'test.grouped' });
          return k;
        },
        { group: true },
      ),
    );
    expect(await Promise.all(writes)).toEqual([0, 1, 2, 3, 4]);
    expect(ctx.commits() - before).toBe(1);
    expect(seenBefore).toEqual([0, 1, 2, 3, 4]);
    expect(audits(ctx, 'test.grouped')).toBe(5);
  });

  it('answers each write only after the shared COMMIT: a reader then sees its row', async () => {
    const ctx = fileContext();
    const visible: number[] = [];
    await Promise.all(
      Array.from({ length: 3 }, () =>
        ctx.storage
          .write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.visible' }), { group: true })
          .then(() => {
            // Another connection sees committed data only: all three are there as soon as the first is answered.
            const reader = new Database(ctx.db.$client.name, { readonly: true });
            try {
              visible.push(
                (
                  reader.prepare("select count(*) as n from audit_entries where action = 'test.visible'").get() as {
                    n: number;
                  }
                ).n,
              );
            } finally {
              reader.close();
            }
          }),
      ),
    );
    expect(visible).toEqual([3, 3, 3]);
  });

  it('a write that throws rolls back alone; the others of its group commit', async () => {
    const ctx = fileContext();
    const results = await Promise.allSettled([
      ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.kept' }), { group: true }),
      ctx.storage.write(
        async (tx) => {
          await tx.audit.record(null, 'haarlem', at, { action: 'test.undone' });
          throw new Error('boom');
        },
        { group: true },
      ),
      ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.kept' }), { group: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(audits(ctx, 'test.kept')).toBe(2);
    expect(audits(ctx, 'test.undone')).toBe(0);
  });

  it('a failed COMMIT fails every write of the group (503) and keeps none of them', async () => {
    const ctx = fileContext();
    ctx.failNextCommit();
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.lost' }), { group: true }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'unavailable' });
    expect(audits(ctx, 'test.lost')).toBe(0);
    // The connection is usable again.
    await ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.after' }), { group: true });
    expect(audits(ctx, 'test.after')).toBe(1);
  });

  it('when SQLite rolled the whole transaction back, no write of the group is answered as written', async () => {
    const ctx = fileContext();
    const results = await Promise.allSettled([
      ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.gone' }), { group: true }),
      ctx.storage.write(
        async () => {
          // What SQLite does on some errors (SQLITE_FULL, SQLITE_IOERR …): the transaction ends with the statement.
          ctx.db.$client.exec('ROLLBACK');
          throw new Error('the statement took the transaction with it');
        },
        { group: true },
      ),
      ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.gone' }), { group: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(audits(ctx, 'test.gone')).toBe(0);
  });

  it(`a group holds at most ${GROUP_COMMIT_LIMIT} writes; more arriving at once take further commits`, async () => {
    const ctx = fileContext();
    const before = ctx.commits();
    const n = GROUP_COMMIT_LIMIT * 2 + 1;
    await Promise.all(
      Array.from({ length: n }, () =>
        ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.many' }), { group: true }),
      ),
    );
    expect(ctx.commits() - before).toBe(3);
    expect(audits(ctx, 'test.many')).toBe(n);
  });

  it('writes without the option keep a transaction each', async () => {
    const ctx = fileContext();
    const before = ctx.commits();
    await Promise.all(
      Array.from({ length: 3 }, () =>
        ctx.storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.alone' })),
      ),
    );
    expect(ctx.commits() - before).toBe(3);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, writeTransaction, writeTransactionAsync } from '../../db/client.ts';
import { municipalities } from '../../db/schema/index.ts';
import { createTestContext } from '../helpers/context.ts';

describe('write transactions', () => {
  it('refuse an async callback before running any statement', () => {
    const { db } = createTestContext({ seed: false });
    expect(() =>
      writeTransaction(db, (async (tx: typeof db) => {
        tx.insert(municipalities).values({ id: 'x', name: 'X' }).run();
      }) as never),
    ).toThrow(/synchronous/);
    expect(db.select().from(municipalities).where(eq(municipalities.id, 'x')).all()).toEqual([]);
  });

  it('roll back everything when the callback throws', () => {
    const { db } = createTestContext({ seed: false });
    expect(() =>
      writeTransaction(db, (tx) => {
        tx.insert(municipalities).values({ id: 'y', name: 'Y' }).run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.select().from(municipalities).all()).toEqual([]);
  });

  it('no source file passes an async callback to a synchronous transaction', () => {
    // better-sqlite3 commits an async callback's awaited statements outside the transaction.
    let hits = '';
    try {
      hits = execFileSync(
        'git',
        ['grep', '-nE', String.raw`(transaction|writeTransaction)\(\s*(\w+,\s*)?async`, '--', '*.ts', '*.tsx'],
        { encoding: 'utf8' },
      );
    } catch {
      hits = ''; // git grep exits 1 when nothing matches
    }
    expect(hits.split('\n').filter((l) => l && !l.includes('transactions.test.ts'))).toEqual([]);
  });

  it("storage.write commits all of its repositories' writes or none", async () => {
    const { storage, db } = createTestContext();
    const user = await storage.read.auth.userByUsername('demo-agent');
    if (!user) throw new Error('seed');
    const count = (table: string) =>
      (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const [sessions, audits] = [count('staff_sessions'), count('audit_entries')];
    const at = new Date('2026-11-23T08:00:00Z');
    await expect(
      storage.write(async (tx) => {
        await tx.auth.insertSession({ userId: user.id, tokenHash: 'h'.repeat(64), createdAt: at, expiresAt: at });
        await tx.audit.record(null, user.municipalityId, at, { action: 'session.signed-in' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect([count('staff_sessions'), count('audit_entries')]).toEqual([sessions, audits]);
    await storage.write(async (tx) => {
      await tx.auth.insertSession({ userId: user.id, tokenHash: 'h'.repeat(64), createdAt: at, expiresAt: at });
      await tx.audit.record(null, user.municipalityId, at, { action: 'session.signed-in' });
    });
    expect([count('staff_sessions'), count('audit_entries')]).toEqual([sessions + 1, audits + 1]);
  });

  it('switch `synchronous` only when a commit needs the other mode: relaxed ones NORMAL, every other FULL', async () => {
    const db = openDatabase(':memory:');
    const client = db.$client;
    const switches: string[] = [];
    const pragma = client.pragma.bind(client);
    client.pragma = ((source: string, options?: { simple?: boolean }) => {
      if (source.startsWith('synchronous =')) switches.push(source.slice('synchronous = '.length));
      return pragma(source, options);
    }) as typeof client.pragma;
    const mode = () => pragma('synchronous', { simple: true });
    const seen: unknown[] = [];
    const write = (durability?: 'relaxed' | 'full') =>
      writeTransactionAsync(db, async () => void seen.push(mode()), durability ? { durability } : {});

    // A clerk's presses: one switch for the run of relaxed commits, not two per commit.
    await write('relaxed');
    await write('relaxed');
    await write('relaxed');
    expect(switches).toEqual(['NORMAL']);
    // A booking after them commits with FULL again; a synchronous one (seeding) too.
    await write();
    await write('relaxed');
    writeTransaction(db, () => void seen.push(mode()));
    await write('full');
    expect(seen).toEqual([1, 1, 1, 2, 1, 2, 2]);
    expect(switches).toEqual(['NORMAL', 'FULL', 'NORMAL', 'FULL']);
    client.close();
  });

  describe('asynchronous write transactions on one process', () => {
    const at = new Date('2026-11-23T08:00:00Z');
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

    it('run one at a time: a second waits until the first has committed, even when the first awaits I/O', async () => {
      const { storage } = createTestContext();
      const order: string[] = [];
      const first = storage.write(async (tx) => {
        order.push('first:begin');
        await tick(); // a real macrotask: other requests run meanwhile
        await tx.audit.record(null, 'haarlem', at, { action: 'test.first' });
        await tick();
        order.push('first:end');
      });
      const second = storage.write(async (tx) => {
        order.push('second:begin');
        await tx.audit.record(null, 'haarlem', at, { action: 'test.second' });
        order.push('second:end');
      });
      await Promise.all([first, second]);
      expect(order).toEqual(['first:begin', 'first:end', 'second:begin', 'second:end']);
    });

    it('a failed transaction does not block the ones queued after it', async () => {
      const { storage, db } = createTestContext();
      const failing = storage.write(async () => {
        await tick();
        throw new Error('boom');
      });
      const next = storage.write(async (tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.after' }));
      await expect(failing).rejects.toThrow('boom');
      await next;
      expect(db.$client.prepare("select count(*) as n from audit_entries where action = 'test.after'").get()).toEqual({
        n: 1,
      });
    });

    it('refuse a synchronous writer on the same connection while open (503), and it writes nothing', async () => {
      const { storage, db } = createTestContext({ seed: false });
      let refused: unknown;
      await storage.write(async () => {
        await tick();
        try {
          writeTransaction(db, (tx) => tx.insert(municipalities).values({ id: 'sync', name: 'Sync' }).run());
        } catch (err) {
          refused = err;
        }
      });
      expect(refused).toMatchObject({ code: 'unavailable' });
      expect(db.select().from(municipalities).where(eq(municipalities.id, 'sync')).all()).toEqual([]);
    });

    it('never show their uncommitted rows to readers (file database: reads use a second connection)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'loket-tx-'));
      const { storage } = createTestContext({ dbPath: join(dir, 'loket.db') });
      try {
        const user = await storage.read.auth.userByUsername('demo-agent');
        if (!user) throw new Error('seed');
        const token = 'u'.repeat(64);
        const seen: unknown[] = [];
        await storage.write(async (tx) => {
          await tx.auth.insertSession({
            userId: user.id,
            tokenHash: token,
            createdAt: at,
            expiresAt: new Date(at.getTime() + 3_600_000),
          });
          seen.push(await storage.read.auth.liveSession(token, at));
        });
        seen.push(await storage.read.auth.liveSession(token, at));
        expect(seen[0]).toBeNull();
        expect(seen[1]).toMatchObject({ userId: user.id });
      } finally {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

import { execFileSync } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client.ts';
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

  it('no source file passes an async callback to a transaction', () => {
    // better-sqlite3 commits an async callback's awaited statements outside the transaction.
    let hits = '';
    try {
      hits = execFileSync(
        'git',
        ['grep', '-nE', String.raw`(transaction|writeTransaction|write)\(\s*(\w+,\s*)?async`, '--', '*.ts', '*.tsx'],
        { encoding: 'utf8' },
      );
    } catch {
      hits = ''; // git grep exits 1 when nothing matches
    }
    expect(hits.split('\n').filter((l) => l && !l.includes('transactions.test.ts'))).toEqual([]);
  });

  it("storage.write (the repositories' transaction) refuses an async callback and writes nothing", () => {
    const { storage, db } = createTestContext();
    const before = db.$client.prepare('select count(*) as n from audit_entries').get() as { n: number };
    expect(() =>
      storage.write((async (tx: Parameters<Parameters<typeof storage.write>[0]>[0]) => {
        tx.audit.record(null, 'haarlem', new Date(), { action: 'test.async' });
      }) as never),
    ).toThrow(/synchronous/);
    expect(db.$client.prepare('select count(*) as n from audit_entries').get()).toEqual(before);
  });

  it("storage.write commits all of its repositories' writes or none", () => {
    const { storage, db } = createTestContext();
    const user = storage.read.auth.userByUsername('demo-agent');
    if (!user) throw new Error('seed');
    const count = (table: string) =>
      (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const [sessions, audits] = [count('staff_sessions'), count('audit_entries')];
    const at = new Date('2026-11-23T08:00:00Z');
    expect(() =>
      storage.write((tx) => {
        tx.auth.insertSession({ userId: user.id, tokenHash: 'h'.repeat(64), createdAt: at, expiresAt: at });
        tx.audit.record(null, user.municipalityId, at, { action: 'session.signed-in' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect([count('staff_sessions'), count('audit_entries')]).toEqual([sessions, audits]);
    storage.write((tx) => {
      tx.auth.insertSession({ userId: user.id, tokenHash: 'h'.repeat(64), createdAt: at, expiresAt: at });
      tx.audit.record(null, user.municipalityId, at, { action: 'session.signed-in' });
    });
    expect([count('staff_sessions'), count('audit_entries')]).toEqual([sessions + 1, audits + 1]);
  });
});

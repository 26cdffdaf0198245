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
        ['grep', '-nE', String.raw`(transaction|writeTransaction)\(\s*(\w+,\s*)?async`, '--', '*.ts', '*.tsx'],
        { encoding: 'utf8' },
      );
    } catch {
      hits = ''; // git grep exits 1 when nothing matches
    }
    expect(hits.split('\n').filter((l) => l && !l.includes('transactions.test.ts'))).toEqual([]);
  });
});

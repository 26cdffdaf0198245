import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BEFORE_DAY_LOCKS, TransactionClient } from '../../db/pg/batching.ts';
import { openPool } from '../../db/pg/client.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * A write transaction's statement whose answer is awaited later (db/pg/batching.ts#later, issue #9): a booking's cap
 * count rides with the occupancy read instead of costing a round trip of its own under the office-day lock. What
 * must hold: the answer is that statement's own, it costs no round trip, it always settles (also when nothing else
 * is sent), a failure of its batch rejects it, and a statement that is never sent is refused, not left hanging.
 */
describeWithPostgres('a statement answered with the next one (TransactionClient#later)', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 2 });
    await pool.query('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  /** A transaction client on a connection of the pool, counting the queries it sends. */
  async function withTx(fn: (tx: TransactionClient, sent: string[]) => Promise<void>): Promise<void> {
    const connection = await pool.connect();
    const sent: string[] = [];
    const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
    (connection as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0] as string | { text: string };
      sent.push(typeof config === 'string' ? config : config.text);
      return query(...args);
    };
    const tx = new TransactionClient(connection);
    try {
      await fn(tx, sent);
    } finally {
      await tx.rollback().catch(() => {});
      (connection as { query: unknown }).query = query;
      connection.release();
    }
  }

  it('answers with its own result, in the round trip of the next statement', async () => {
    await withTx(async (tx, sent) => {
      tx.begin(['BEGIN']);
      await tx.query({ text: 'INSERT INTO items VALUES ($1, $2)', values: [1, 'one'] });
      sent.length = 0;
      const counted = tx.later(`${BEFORE_DAY_LOCKS} SELECT count(*)::int AS n FROM items WHERE label = $1`, ['one']);
      const next = await tx.query({ text: 'SELECT label FROM items WHERE id = $1', values: [1] });
      expect(sent).toHaveLength(1);
      expect(next.rows).toEqual([{ label: 'one' }]);
      expect((await counted).rows).toEqual([{ n: 1 }]);
      // Two awaited in one batch, each its own answer; the batch goes with COMMIT.
      const a = tx.later('SELECT $1::int AS v', [7]);
      const b = tx.later('SELECT $1::text AS v', ['seven']);
      sent.length = 0;
      expect((await tx.commit()).command).toBe('COMMIT');
      expect(sent).toEqual([expect.stringMatching(/COMMIT$/)]);
      expect((await a).rows).toEqual([{ v: 7 }]);
      expect((await b).rows).toEqual([{ v: 'seven' }]);
    });
    await pool.query('DELETE FROM items');
  });

  it('settles when its caller awaits it before sending anything else', async () => {
    await withTx(async (tx, sent) => {
      tx.begin(['BEGIN']);
      const alone = tx.later('SELECT 41 + 1 AS v');
      expect(sent).toHaveLength(0);
      expect((await alone).rows).toEqual([{ v: 42 }]);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^BEGIN;\n/);
    });
  });

  it('is rejected with the error of its batch, and refused when it is never sent', async () => {
    await withTx(async (tx) => {
      tx.begin(['BEGIN']);
      await tx.query({ text: 'INSERT INTO items VALUES ($1, $2)', values: [2, 'two'] });
      const failing = tx.later('INSERT INTO items VALUES ($1, $2) RETURNING id', [2, 'again']);
      const after = tx.query({ text: 'SELECT 1 AS one' });
      const [next, own] = await Promise.allSettled([after, failing]);
      expect(next).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
      expect(own).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
      await tx.rollback();

      // A group member rolled back before its statements went out: its awaited statement is refused.
      tx.begin(['BEGIN']);
      tx.savepoint('member_0');
      const dropped = tx.later('SELECT 1 AS one');
      tx.rollbackToSavepoint('member_0');
      await expect(dropped).rejects.toThrow(/not sent/);
      // A rollback of the transaction likewise.
      const gone = tx.later('SELECT 2 AS two');
      await tx.rollback();
      await expect(gone).rejects.toThrow(/not sent/);
    });
    expect((await pool.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }]);
  });
});

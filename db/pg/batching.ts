import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';

/**
 * A write transaction's connection that saves round trips (ARCHITECTURE.md#storage-seam, "PostgreSQL").
 *
 * Each statement is a round trip through the node's event loop, and while a placement holds its office-day
 * lock every round trip is time the other bookings of that day wait. So statements whose answer nobody waits
 * for — `BEGIN`, advisory locks, writes that return nothing (the outbox row, the idempotency answer, the
 * engine's moves) — are queued here and sent in ONE simple-protocol query together with the next statement
 * that returns something, or with `COMMIT`. In READ COMMITTED each statement of such a query takes its own
 * snapshot, so a statement after a lock in the same query sees every commit the lock waited for, exactly as
 * if it had been sent after the lock's answer. The queued statements' parameters are inlined as literals
 * with node-postgres' own conversion (`prepareValue`) and quoting (`escapeLiteral`): the server infers their
 * types as it does for untyped parameters. A statement that fails aborts the rest of its query and the whole
 * transaction, so its error surfaces at the next statement or at `COMMIT` — the transaction rolls back either
 * way, and the error maps to the same answer (db/pg/storage.ts#asAppError).
 *
 * The office-day locks are taken late: `lockOfficeDays` only remembers them, and they are sent right before
 * the first statement that is not marked `BEFORE_DAY_LOCKS` (the occupancy read, in a booking), so the
 * challenge, the mailbox cap and the office version are read while only the shared set-up lock is held, and
 * the day lock is held from the occupancy read to `COMMIT`: two or three round trips instead of ten.
 */

const utils = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue(value: unknown): string | Buffer | null;
  escapeLiteral(text: string): string;
};

/** Starts a statement that may run before the office-day locks the transaction asked for (see above). */
export const BEFORE_DAY_LOCKS = '/* loket:before-day-locks */';

/** A statement that writes nothing: a plain SELECT (advisory locks are ones), after comments (`hasWritten`). */
const READING = /^\s*(?:\/\*[^*]*\*\/\s*)*select\b/i;

/** A parameter as an SQL literal, or null when it has no text form (binary data: sent as a parameter). */
function literal(value: unknown): string | null {
  const prepared = utils.prepareValue(value);
  if (prepared === null) return 'NULL';
  if (typeof prepared !== 'string') return null;
  return utils.escapeLiteral(prepared);
}

/** Where the next quoted text, quoted identifier or `$n` placeholder starts. */
const SPECIAL = /['"]|\$[0-9]/g;

/**
 * The statement with `$n` replaced by its value's literal (outside quoted text and identifiers); null when a
 * value cannot be inlined. It runs for every statement a transaction queues or batches, so it copies the text
 * between the places that matter in slices rather than character by character.
 */
export function inline(text: string, values: readonly unknown[]): string | null {
  if (values.length === 0) return text;
  const literals: string[] = [];
  for (const v of values) {
    const l = literal(v);
    if (l === null) return null;
    literals.push(l);
  }
  let out = '';
  let i = 0;
  for (;;) {
    SPECIAL.lastIndex = i;
    const found = SPECIAL.exec(text);
    if (!found) return out + text.slice(i);
    const at = found.index;
    out += text.slice(i, at);
    const ch = text[at] as string;
    if (ch === "'" || ch === '"') {
      // A quoted string or identifier, '' / "" inside it; E'…' strings may escape a quote with a backslash.
      const escapes = ch === "'" && at > 0 && /[eE]/.test(text[at - 1] as string);
      let j = at + 1;
      while (j < text.length) {
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === ch) {
          if (text[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += text.slice(at, j + 1);
      i = j + 1;
    } else {
      let j = at + 1;
      while (j < text.length && /[0-9]/.test(text[j] as string)) j++;
      const n = Number(text.slice(at + 1, j));
      const l = literals[n - 1];
      if (l === undefined) throw new Error(`inline: no value for $${n}`);
      out += ` ${l} `;
      i = j;
    }
  }
}

type QueryConfig = { text: string; name?: string; values?: unknown[]; rowMode?: string; types?: unknown };

/** A queued statement whose answer someone waits for (`TransactionClient#later`). */
interface Awaited {
  /** Its place in `queued` (which only grows until it is sent, or is cut or emptied, see `dropFrom`). */
  at: number;
  /** Sent, or dropped. */
  done: boolean;
  resolve(result: pg.QueryResult): void;
  reject(err: unknown): void;
}

/**
 * A statement PostgreSQL keeps parsed and planned per connection under `name` (node-postgres' named statements):
 * one whose text is long and whose plan costs the server more than running it (the occupancy read,
 * db/pg/occupancy-cache.ts). `sample`: values it can run with harmlessly, to prepare it on a connection.
 */
export interface PreparedStatement {
  name: string;
  text: string;
  sample: unknown[];
}

/** The name of a write transaction's statement that may be prepared (`preparedName`): never used on the pool. */
const TX_PREFIX = 'loket_tx_';
/** The statements write transactions asked to have prepared, by name (`preparedName`), and their text. */
const wanted = new Map<string, string>();
/** At most this many: a bound on what connections prepare, not a tuning knob (a booking asks for three). */
const MAX_WANTED = 64;
const names = new Map<string, string>();

/**
 * The name under which a write transaction's connection prepares `text` (a statement with `$n` placeholders): the
 * same for the same text on every connection. A statement sent under it is inlined until its connection has
 * prepared it (`TransactionClient#prepareWanted`, at the next checkout), then sent as `EXECUTE` of it.
 */
export function preparedName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `${TX_PREFIX}${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size >= 4 * MAX_WANTED) names.clear();
    names.set(text, name);
  }
  return name;
}

/** What drizzle and the repositories see as the transaction's client: `query` as node-postgres has it. */
export class TransactionClient {
  /** Statements (inlined) to send before the next one. */
  private queued: string[] = [];
  /** The office-day locks asked for and not taken yet (one statement each). */
  private dayLocks: string[] = [];
  /** Statements in `queued` whose answers are awaited (`later`), in queue order. */
  private awaited: Awaited[] = [];
  /** Whether anything reached the server since `begin` (then a ROLLBACK is owed on failure). */
  private sent = false;
  /** Where the open savepoint's `SAVEPOINT` waits in `queued`, or -1 once it was sent (group commit). */
  private savepointAt = -1;
  /** Whether `queued` holds a check of something the transaction assumed without reading it (`deferCheck`). */
  private checkQueued = false;
  /** Whether the transaction (or the open savepoint) sent or queued a statement that may write (`mayWrite`). */
  private wrote = false;
  /** The named statements this connection has prepared (`prepare`, `prepareWanted`): sent as `EXECUTE` of them. */
  private readonly prepared = new Set<string>();
  /** Wanted statements this connection could not prepare (its server refused the text): inlined as before. */
  private readonly refused = new Set<string>();

  constructor(readonly client: pg.PoolClient) {}

  /**
   * Prepares `statement` on this connection unless it did before, by running it once with its sample values —
   * outside any transaction (call it before `begin`), so a transaction that fails later cannot leave its
   * preparation in doubt. Then a query naming it is sent as `EXECUTE` when it goes in a batch, and by node-postgres
   * as Bind/Execute of the parsed statement when it goes alone.
   */
  async prepare(statement: PreparedStatement): Promise<void> {
    if (this.prepared.has(statement.name)) return;
    await this.client.query({ name: statement.name, text: statement.text, values: statement.sample });
    this.prepared.add(statement.name);
  }

  /**
   * Prepares (SQL `PREPARE`, which runs nothing) the statements write transactions asked for that this connection
   * has not: outside any transaction — call it before `begin` — one round trip each, so each one's outcome is
   * known (a `PREPARE` is not undone by a rollback). Once per connection and statement.
   */
  async prepareWanted(): Promise<void> {
    for (const [name, text] of wanted) {
      if (this.prepared.has(name) || this.refused.has(name)) continue;
      try {
        await this.client.query(`PREPARE ${name} AS ${text}`);
        this.prepared.add(name);
      } catch (err) {
        // duplicate_prepared_statement: it exists already (the same text: the name is its hash).
        if ((err as { code?: string }).code === '42P05') this.prepared.add(name);
        else this.refused.add(name);
      }
    }
  }

  /** `EXECUTE` of `name` with `values` when this connection prepared it, else null (and it is asked for). */
  private executeOrAsk(name: string | undefined, text: string, values: readonly unknown[]): string | null {
    if (name === undefined) return null;
    if (this.prepared.has(name)) return executeOf(name, values);
    if (name.startsWith(TX_PREFIX) && !wanted.has(name) && wanted.size < MAX_WANTED) wanted.set(name, text);
    return null;
  }

  /** A new transaction: `statements` (BEGIN, SET LOCAL …) go with its first statement. */
  begin(statements: readonly string[]): void {
    this.dropFrom(0);
    this.queued = [...statements];
    this.dayLocks = [];
    this.sent = false;
    this.savepointAt = -1;
    this.checkQueued = false;
    this.wrote = false;
  }

  /**
   * Whether the transaction may have written something: set by every statement but a plain SELECT (locks
   * included) or transaction control. A member of a group commit starts afresh: the members before it are
   * bookings, which write no configuration (db/pg/office-store.ts#officeSince asks).
   */
  get hasWritten(): boolean {
    return this.wrote;
  }

  private note(text: string): void {
    if (!this.wrote && !READING.test(text)) this.wrote = true;
  }

  /**
   * Queues a statement that fails the transaction unless something it assumed without reading holds (the office
   * kept in memory is still the current one, db/pg/office-store.ts#officeSince): sent with the next statement, at
   * the place in the transaction where the read would have been. Until it is sent, the transaction may have
   * decided on a wrong assumption, so an error of its own making is not its answer yet (`assuming`, `verify`).
   * `text` must be marked `BEFORE_DAY_LOCKS`: it reads nothing the day locks guard.
   */
  deferCheck(text: string): void {
    this.queued.push(text);
    this.checkQueued = true;
  }

  /** Whether a check queued by `deferCheck` has not been sent yet. */
  get assuming(): boolean {
    return this.checkQueued;
  }

  /**
   * Sends what is queued when it holds an unsent check, before a failed transaction is rolled back: throws what
   * the check raised (or what a statement in front of it did), so the caller can tell a wrong assumption from
   * the transaction's own failure.
   */
  async verify(): Promise<void> {
    if (this.checkQueued) await this.flush();
  }

  /**
   * Group commit (db/pg/storage.ts): a member of the group starts in a savepoint of its own, sent with its first
   * statement. Its office-day locks are asked for anew (a lock the transaction holds is granted at once).
   */
  savepoint(name: string): void {
    this.dayLocks = [];
    this.wrote = false;
    this.queued.push(`SAVEPOINT ${name}`);
    this.savepointAt = this.queued.length - 1;
  }

  /** The member succeeded: its savepoint is released with what it still has queued (sent with the next statement). */
  releaseSavepoint(name: string): void {
    this.dayLocks = [];
    this.queued.push(`RELEASE SAVEPOINT ${name}`);
    this.savepointAt = -1;
  }

  /**
   * The member failed: what it did is undone. When nothing of it reached the server yet, its queued statements
   * are dropped (what an earlier member left queued stays); otherwise the rollback to its savepoint goes with
   * the next statement — and fails there, failing the transaction, if the savepoint was never made (an earlier
   * statement of its query failed first).
   */
  rollbackToSavepoint(name: string): void {
    this.dayLocks = [];
    // Awaited statements of the member that never went out are not sent now.
    this.dropFrom(this.savepointAt >= 0 ? this.savepointAt : 0);
    if (this.savepointAt >= 0) this.queued = this.queued.slice(0, this.savepointAt);
    else this.queued = [`ROLLBACK TO SAVEPOINT ${name}`, `RELEASE SAVEPOINT ${name}`];
    this.savepointAt = -1;
    this.checkQueued = false;
  }

  /**
   * Sends `text` later, in front of the next statement (or COMMIT); its failure fails that one. `name`: as
   * `EXECUTE` of it once the connection has it prepared (`preparedName`).
   */
  defer(text: string, values: readonly unknown[] = [], name?: string): Promise<void> | undefined {
    const inlined = this.executeOrAsk(name, text, values) ?? inline(text, values);
    if (inlined === null) return this.query({ text, values: [...values] }).then(() => undefined);
    this.note(text);
    if (!text.startsWith(BEFORE_DAY_LOCKS)) this.takeDayLocks();
    this.queued.push(inlined);
    return undefined;
  }

  /**
   * Queues `text` like `defer`, but its answer is awaited: the promise settles when the batch that carries it (the
   * next statement's, or `COMMIT`'s) is answered, with the statement's own result or the batch's error. So a
   * statement whose answer is needed only later (the booking cap's count, needed before the insert) costs no round
   * trip of its own: it rides with the next one (the occupancy read, with the office-day locks). Queued at once,
   * before this returns. Should nothing else be sent in this turn of the event loop (a caller that awaits it before
   * sending anything), what is queued is sent alone then, so the promise always settles.
   */
  later(text: string, values: readonly unknown[] = [], name?: string): Promise<pg.QueryResult> {
    const inlined = this.executeOrAsk(name, text, values) ?? inline(text, values);
    if (inlined === null) return this.flush().then(() => this.client.query({ text, values: [...values] }));
    this.note(text);
    if (!text.startsWith(BEFORE_DAY_LOCKS)) this.takeDayLocks();
    return new Promise<pg.QueryResult>((resolve, reject) => {
      const awaited: Awaited = { at: this.queued.length, done: false, resolve, reject };
      this.awaited.push(awaited);
      this.queued.push(inlined);
      setImmediate(() => {
        if (!awaited.done) this.flush().catch(() => {});
      });
    });
  }

  /** Office-day locks, taken before the next statement not marked `BEFORE_DAY_LOCKS`. */
  deferDayLocks(text: string, values: readonly unknown[]): void {
    const inlined = inline(text, values);
    if (inlined === null) throw new Error('deferDayLocks: a lock statement must be inlinable');
    this.dayLocks.push(inlined);
  }

  private takeDayLocks(): void {
    if (this.dayLocks.length === 0) return;
    this.queued.push(...this.dayLocks);
    this.dayLocks = [];
  }

  /**
   * Sends `statements` (the queue, and maybe one more) as one query, and settles the awaited ones among them with
   * their own results (one result per statement, in order; every queued entry is one statement).
   */
  private async send(statements: string[], config: Omit<QueryConfig, 'text'> = {}): Promise<pg.QueryResult> {
    const awaited = this.awaited;
    this.awaited = [];
    for (const a of awaited) a.done = true;
    this.sent = true;
    let results: pg.QueryResult | pg.QueryResult[];
    try {
      const text = statements.join(';\n');
      // As text alone when nothing else is asked (a row mode, types): what a batch was before `later` existed.
      results = (await (Object.keys(config).length === 0
        ? this.client.query(text)
        : this.client.query({ ...config, text } as pg.QueryConfig))) as pg.QueryResult | pg.QueryResult[];
    } catch (err) {
      for (const a of awaited) a.reject(err);
      throw err;
    }
    const list = Array.isArray(results) ? results : [results];
    // One result per statement: were an entry several statements, places would shift, and an answer must not be
    // another statement's.
    const aligned = list.length === statements.length;
    for (const a of awaited) {
      const result = aligned ? list[a.at] : undefined;
      if (result) a.resolve(result);
      else a.reject(new Error('TransactionClient: no result of its own for an awaited statement'));
    }
    return list[list.length - 1] as pg.QueryResult;
  }

  /** Awaited statements from `queued[at]` on will not be sent (they leave the queue): their callers are told so. */
  private dropFrom(at: number): void {
    const gone = this.awaited.filter((a) => a.at >= at);
    if (gone.length === 0) return;
    this.awaited = this.awaited.filter((a) => a.at < at);
    for (const a of gone) {
      a.done = true;
      a.reject(new Error('TransactionClient: the statement was not sent'));
    }
  }

  // node-postgres' signature (drizzle calls `query(config, values)`).
  async query(config: string | QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    const text = typeof config === 'string' ? config : config.text;
    this.note(text);
    if (!text.startsWith(BEFORE_DAY_LOCKS)) this.takeDayLocks();
    const params = values ?? (typeof config === 'string' ? [] : (config.values ?? []));
    // A statement the connection has prepared goes as EXECUTE of it, its values as literals (each coerced to the
    // parameter's type as a Bind would): the server neither parses nor plans its text again. In a batch EXECUTE
    // is a statement like any other, with a snapshot of its own taken when it starts. The name itself never
    // reaches node-postgres here (it would parse the text under it, not knowing of a SQL-prepared one).
    const execute = this.executeOrAsk(typeof config === 'string' ? undefined : config.name, text, params);
    const { name: _name, values: _values, ...rest } = typeof config === 'string' ? { text } : config;
    // As asked, without the name.
    const plain = typeof config === 'string' || config.name === undefined ? config : { ...rest, values: config.values };
    if (this.queued.length === 0) {
      this.sent = true;
      return execute !== null
        ? this.client.query({ ...rest, text: execute } as pg.QueryConfig)
        : this.client.query(plain as pg.QueryConfig, values);
    }
    this.savepointAt = -1;
    const inlined = execute ?? inline(text, params);
    if (inlined === null) {
      await this.flush();
      return this.client.query(plain as pg.QueryConfig, values);
    }
    const batch = [...this.queued, inlined];
    this.queued = [];
    this.checkQueued = false;
    return this.send(batch, rest);
  }

  /** Sends what is queued, alone. */
  private async flush(): Promise<void> {
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    this.savepointAt = -1;
    this.checkQueued = false;
    await this.send(batch);
  }

  /**
   * COMMIT with whatever is still queued, in one round trip; its result's `command` is ROLLBACK when the
   * transaction had already failed. A transaction that never sent a statement sends nothing at all.
   */
  async commit(): Promise<{ command: string }> {
    this.dayLocks = []; // asked for and never needed: nothing was read or written under them
    if (!this.sent && this.queued.every((s) => /^(BEGIN|SET LOCAL)\b/.test(s))) {
      this.queued = [];
      return { command: 'COMMIT' };
    }
    const batch = [...this.queued, 'COMMIT'];
    this.queued = [];
    this.savepointAt = -1;
    this.checkQueued = false;
    const last = await this.send(batch);
    return { command: last?.command ?? 'COMMIT' };
  }

  async rollback(): Promise<void> {
    this.dropFrom(0);
    this.queued = [];
    this.dayLocks = [];
    this.savepointAt = -1;
    this.checkQueued = false;
    if (!this.sent) return;
    this.sent = false;
    await this.client.query('ROLLBACK');
  }
}

/** `EXECUTE name(…)` with the values as literals; null when a value cannot be inlined. */
function executeOf(name: string, values: readonly unknown[]): string | null {
  const literals: string[] = [];
  for (const v of values) {
    const l = literal(v);
    if (l === null) return null;
    literals.push(l);
  }
  return literals.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${literals.join(', ')})`;
}

/** The transaction client behind a drizzle handle, when it is one (reads on the pool have none). */
export function transactionClientOf(db: object): TransactionClient | null {
  const client = (db as { $client?: unknown }).$client;
  return client instanceof TransactionClient ? client : null;
}

/** A connection that runs constant SQL text: the pool, a pool client, or a transaction's client. */
export type Queryable = {
  query(config: { text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
};

/** The handle's own client: the transaction's (which batches and inlines as for drizzle) or the pool. */
export function queryableOf(db: object): Queryable {
  return (db as { $client: Queryable }).$client;
}

/**
 * `db.execute(statement)` as a statement its connection prepares once (`executePrepared`), whose answer inside a
 * write transaction comes with the next statement sent (`TransactionClient#later`): the statement is queued before
 * this returns, so a caller may start it, send its next statement, and await the answer afterwards.
 */
export function executePreparedLater<T extends Record<string, unknown>>(
  db: { execute(statement: SQL): PromiseLike<unknown> },
  statement: SQL,
): Promise<pg.QueryResult<T>> {
  const tx = transactionClientOf(db);
  if (!tx) return Promise.resolve(db.execute(statement)) as Promise<pg.QueryResult<T>>;
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return tx.later(text, params, preparedName(text)) as Promise<pg.QueryResult<T>>;
}

/** `sendLater` for constant SQL text (no drizzle statement built per call). */
export async function sendTextLater(db: object, text: string, values: unknown[]): Promise<void> {
  const tx = transactionClientOf(db);
  if (tx) await tx.defer(text, values);
  else await queryableOf(db).query({ text, values });
}

const dialect = new PgDialect({ casing: 'snake_case' });

/**
 * Runs a statement whose result nobody reads: inside a write transaction it is queued and sent with the next
 * statement or COMMIT (its failure fails the transaction there); on the pool it runs at once.
 * `beforeDayLocks`: it may run before the transaction's office-day locks (locks.ts#lockOfficeDays).
 */
export async function sendLater(
  db: { execute(statement: SQL): PromiseLike<unknown> },
  statement: SQL,
  options: { beforeDayLocks?: boolean; prepared?: boolean } = {},
): Promise<void> {
  const tx = transactionClientOf(db);
  if (!tx) {
    await db.execute(statement);
    return;
  }
  const { sql: built, params } = dialect.sqlToQuery(statement);
  const text = options.beforeDayLocks ? `${BEFORE_DAY_LOCKS} ${built}` : built;
  await tx.defer(text, params, options.prepared ? preparedName(text) : undefined);
}

/**
 * `db.execute(statement)`, and inside a write transaction as a statement its connection prepares once
 * (`preparedName`): for a transaction's statements whose planning costs the server more than running them.
 */
export async function executePrepared<T extends Record<string, unknown>>(
  db: { execute(statement: SQL): PromiseLike<unknown> },
  statement: SQL,
): Promise<pg.QueryResult<T>> {
  const tx = transactionClientOf(db);
  if (!tx) return (await db.execute(statement)) as pg.QueryResult<T>;
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return (await tx.query({ text, values: params, name: preparedName(text) })) as pg.QueryResult<T>;
}

/** The text and parameters drizzle would send for `statement`. */
export function queryOf(statement: SQL): { text: string; params: unknown[] } {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return { text, params };
}

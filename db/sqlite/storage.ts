import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { ApiClientStore } from '../../server/auth/api-client-store.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import type { AuthStore } from '../../server/auth/auth-store.ts';
import type { DisplayStore } from '../../server/display/display-store.ts';
import { AppError } from '../../server/errors.ts';
import type { DemoHistoryStore } from '../../server/forecast/demo-history-store.ts';
import type { ForecastHistoryStore } from '../../server/forecast/forecast-history-store.ts';
import type { MunicipalityStore } from '../../server/integrations/municipality-store.ts';
import type { WebhookStore } from '../../server/integrations/webhook-store.ts';
import type { OutboxStore } from '../../server/notify/outbox-store.ts';
import type { OpenDataStore } from '../../server/open-data/open-data-store.ts';
import type { QueueStore } from '../../server/queue/queue-store.ts';
import type { AppointmentStore } from '../../server/scheduling/appointment-store.ts';
import type { OfficeStore } from '../../server/scheduling/office-store.ts';
import type { PersonalDataStore } from '../../server/scheduling/personal-data-store.ts';
import type { WaitHistoryStore } from '../../server/stats/wait-history-store.ts';
import type { Repositories, Storage, Synchronous } from '../../server/storage.ts';
import {
  asStorageFailure,
  checkpointAfterErasure,
  type Db,
  schema,
  storageHealth,
  writeTransactionAsync,
} from '../client.ts';
import { sqliteApiClientStore } from './api-client-store.ts';
import { sqliteAppointmentStore } from './appointment-store.ts';
import { sqliteAuditStore } from './audit-store.ts';
import { sqliteAuthStore } from './auth-store.ts';
import { sqliteClusterLog } from './cluster-log.ts';
import { sqliteDemoHistoryStore } from './demo-history-store.ts';
import { sqliteDisplayStore } from './display-store.ts';
import { sqliteForecastHistoryStore } from './forecast-history-store.ts';
import { sqliteMunicipalityStore } from './municipality-store.ts';
import { catchUpAfterWrite, shareOccupancy } from './occupancy-cache.ts';
import { sqliteOfficeStore } from './office-store.ts';
import { sqliteOpenDataStore } from './open-data-store.ts';
import { sqliteOutboxStore } from './outbox-store.ts';
import { sqlitePersonalDataStore } from './personal-data-store.ts';
import { sqliteQueueStore } from './queue-store.ts';
import { sqliteWaitHistoryStore } from './wait-history-store.ts';
import { sqliteWebhookStore } from './webhook-store.ts';

const cache = new WeakMap<Db, Storage>();

/**
 * Wraps a repository written against the synchronous driver so each method returns a promise (a throw
 * becomes a rejection), which is what the seam's interfaces promise.
 */
export function asAsync<T extends object>(store: Synchronous<T>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    wrapped[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return Promise.resolve((value as (...a: unknown[]) => unknown)(...args));
            } catch (err) {
              return Promise.reject(err);
            }
          }
        : value;
  }
  return wrapped as T;
}

/**
 * The read side's repositories with SQLite's storage failures answered as 503 `unavailable`, as writes are
 * (db/client.ts): a read that finds the file gone or the disk failing — the reader prepares a statement on its
 * first use, which may come after the data directory was deleted — is not the client's error, nor a 500.
 */
function mappingReadFailures(repos: Repositories): Repositories {
  const mapped: Record<string, unknown> = {};
  for (const [name, store] of Object.entries(repos)) {
    const wrapped: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(store as object)) {
      wrapped[method] =
        typeof value === 'function'
          ? (...args: unknown[]) =>
              (value as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
                throw asStorageFailure(err, 'reads');
              })
          : value;
    }
    mapped[name] = wrapped;
  }
  return mapped as unknown as Repositories;
}

/** `scope`: the database's identity (the writer's handle; QueueStore.cacheScope). */
function repositoriesOn(db: Db, scope: Db = db): Repositories {
  const repos: Repositories = {
    audit: asAsync<AuditStore>(sqliteAuditStore(db)),
    auth: asAsync<AuthStore>(sqliteAuthStore(db)),
    apiClients: asAsync<ApiClientStore>(sqliteApiClientStore(db)),
    outbox: asAsync<OutboxStore>(sqliteOutboxStore(db)),
    personalData: asAsync<PersonalDataStore>(sqlitePersonalDataStore(db)),
    openData: asAsync<OpenDataStore>(sqliteOpenDataStore(db)),
    waitHistory: asAsync<WaitHistoryStore>(sqliteWaitHistoryStore(db)),
    forecastHistory: asAsync<ForecastHistoryStore>(sqliteForecastHistoryStore(db)),
    demoHistory: asAsync<DemoHistoryStore>(sqliteDemoHistoryStore(db)),
    display: asAsync<DisplayStore>(sqliteDisplayStore(db)),
    queue: asAsync<QueueStore>(sqliteQueueStore(db, scope)),
    webhooks: asAsync<WebhookStore>(sqliteWebhookStore(db)),
    municipalities: asAsync<MunicipalityStore>(sqliteMunicipalityStore(db)),
    appointments: asAsync<AppointmentStore>(sqliteAppointmentStore(db)),
    office: asAsync<OfficeStore>(sqliteOfficeStore(db)),
  };
  return repos;
}

/**
 * A second, read-only connection to the same file, so `read` never sees the rows of a write transaction
 * that is still open (and may roll back) on the writer's connection. An in-memory database has no second
 * connection: there reads share the writer's.
 */
function openReader(db: Db): Db | null {
  if (db.$client.memory) return null;
  let reader: Database.Database;
  try {
    reader = new Database(db.$client.name, { readonly: true, fileMustExist: true });
  } catch (err) {
    // The file is gone or unreadable (the writer's health check says which): not the client's fault.
    throw new AppError('unavailable', `Storage cannot be read: ${(err as Error).message}`);
  }
  reader.pragma('busy_timeout = 5000');
  return drizzle({ client: reader, schema, casing: 'snake_case' }) as Db;
}

/** At most this many writes share one `COMMIT` (bounds a group's latency and the work one failed commit undoes). */
export const GROUP_COMMIT_LIMIT = 32;

/** SQLite result codes after which the transaction's state is not the statement's business alone. */
const STORAGE_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB|NOMEM|BUSY|LOCKED)/;

interface GroupMember {
  work: (tx: Repositories) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  settled: boolean;
}

/**
 * Group commit (`write(work, { group: true })`): the writes that reach `write` while the event loop handles one
 * round of I/O wait for the next turn (`setImmediate`) and then run one after the other in one `BEGIN IMMEDIATE …
 * COMMIT` — each in a savepoint of its own, so one that throws rolls back alone and is answered at once, and each
 * that succeeded is answered only after the shared `COMMIT` is on disk (invariant 2). They still run one at a time,
 * each seeing what the earlier ones wrote, exactly as separate transactions in the same order would. When the
 * transaction itself is lost (a storage failure, or SQLite rolled it back), every member of the group fails.
 * A group forms while it waits for its turn, so it grows with the load: one booking alone waits for nothing.
 */
function groupCommit(db: Db, writer: Repositories) {
  const client = db.$client;
  // Prepared once (better-sqlite3 prepares transaction statements too): `exec` would compile each one every time.
  let savepoint: { begin: Database.Statement; release: Database.Statement; undo: Database.Statement } | null = null;
  let forming: GroupMember[] | null = null;
  const settle = (m: GroupMember, outcome: { value: unknown } | { err: unknown }) => {
    if (m.settled) return;
    m.settled = true;
    if ('err' in outcome) m.reject(outcome.err);
    else m.resolve(outcome.value);
  };
  const run = (group: GroupMember[]) => {
    const done: { member: GroupMember; value: unknown }[] = [];
    writeTransactionAsync(db, async () => {
      // From here on, a new write starts the next group.
      if (forming === group) forming = null;
      savepoint ??= {
        begin: client.prepare('SAVEPOINT group_member'),
        release: client.prepare('RELEASE group_member'),
        undo: client.prepare('ROLLBACK TO group_member'),
      };
      const sp = savepoint;
      for (const member of group) {
        sp.begin.run();
        try {
          done.push({ member, value: await member.work(writer) });
          sp.release.run();
        } catch (err) {
          const code = (err as { code?: unknown } | null)?.code;
          // The whole transaction is gone or in doubt: none of the group may be answered as written.
          if (!client.inTransaction || (typeof code === 'string' && STORAGE_FAILURE.test(code))) throw err;
          sp.undo.run();
          sp.release.run();
          settle(member, { err });
        }
      }
    }).then(
      () => {
        catchUpAfterWrite(client);
        for (const d of done) settle(d.member, { value: d.value });
      },
      (err) => {
        catchUpAfterWrite(client);
        for (const m of group) settle(m, { err });
      },
    );
  };
  return <T>(work: (tx: Repositories) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const member: GroupMember = {
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
        settled: false,
      };
      if (forming && forming.length < GROUP_COMMIT_LIMIT) {
        forming.push(member);
        return;
      }
      const group = [member];
      forming = group;
      // After this round of I/O: the requests that arrived with this one reach `write` first and join.
      setImmediate(() => run(group));
    });
}

/**
 * The read repositories' office store: the configuration version (and the office, when it moved) is read on the
 * writer's connection while that has no transaction open, and on the reader otherwise. Each commit of the writer
 * makes the reader's next statement start over — its page cache is dropped and the pages it needs are read again,
 * about 50 µs of CPU against 5 µs for the same read on the writer — and the version read before each booking (the
 * route reads the office for its challenge) was the reader's only statement on the booking path, so every booking
 * paid it. The writer keeps its cache across its own commits, and with no transaction open it reads what the
 * reader would: the last commit, never a write in progress.
 */
function officeOnIdleWriter(reader: Db, writer: Db): Synchronous<OfficeStore> {
  const onReader = sqliteOfficeStore(reader);
  const onWriter = sqliteOfficeStore(writer);
  return {
    ...onReader,
    officeSince: (locationId, knownVersion) =>
      (writer.$client.inTransaction ? onReader : onWriter).officeSince(locationId, knownVersion),
  };
}

/**
 * The SQLite implementation of the storage seam: one set of repositories per connection (their prepared
 * statements built once). `write` runs `BEGIN IMMEDIATE … COMMIT` on the writer's connection, one
 * transaction at a time per process (`writeTransactionAsync`).
 */
export function sqliteStorage(db: Db): Storage {
  let storage = cache.get(db);
  if (!storage) {
    const writer = repositoriesOn(db);
    const grouped = groupCommit(db, writer);
    let reader: Db | null | undefined;
    let readRepos: Repositories | undefined;
    const read = (): Repositories => {
      if (!readRepos) {
        reader = openReader(db);
        // The reader keeps occupancy with the writer's cache, whose change log explains this process's writes.
        if (reader) shareOccupancy(reader.$client, db.$client);
        readRepos = mappingReadFailures(
          reader ? { ...repositoriesOn(reader, db), office: asAsync(officeOnIdleWriter(reader, db)) } : writer,
        );
      }
      return readRepos;
    };
    storage = {
      get read() {
        return read();
      },
      write: (work, options) =>
        options?.group && options.durability !== 'relaxed'
          ? grouped(work)
          : writeTransactionAsync(db, () => work(writer), options).finally(() => catchUpAfterWrite(db.$client)),
      problem: async () => {
        try {
          db.$client.prepare('select count(*) from __drizzle_migrations').get();
          return storageHealth(db)?.writeProblem() ?? null;
        } catch {
          return 'the database does not answer';
        }
      },
      afterErasure: () => checkpointAfterErasure(db),
      clusterLog: () => sqliteClusterLog(db),
      close: async () => {
        reader?.$client.close();
        reader = undefined;
        readRepos = undefined;
      },
    };
    cache.set(db, storage);
  }
  return storage;
}

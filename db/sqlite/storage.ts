import { recordAudit } from '../../server/auth/audit.ts';
import type { Repositories, Storage } from '../../server/storage.ts';
import { type Db, writeTransaction } from '../client.ts';
import { sqliteAuthStore } from './auth-store.ts';

const cache = new WeakMap<Db, Storage>();

/**
 * The SQLite implementation of the storage seam: one set of repositories per connection (their
 * prepared statements built once). SQLite transactions belong to the connection, so the same
 * repositories serve reads and, inside `write`, the BEGIN IMMEDIATE transaction.
 */
export function sqliteStorage(db: Db): Storage {
  let storage = cache.get(db);
  if (!storage) {
    const repos: Repositories = {
      audit: { record: (actor, municipalityId, at, input) => recordAudit(db, actor, municipalityId, at, input) },
      auth: sqliteAuthStore(db),
    };
    storage = {
      read: repos,
      write: (work) => {
        if (work.constructor.name === 'AsyncFunction')
          throw new TypeError('storage.write: the callback must be synchronous');
        return writeTransaction(db, () => work(repos));
      },
    };
    cache.set(db, storage);
  }
  return storage;
}

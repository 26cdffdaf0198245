import type { Deps } from '../deps.ts';
import type { Repositories } from '../storage.ts';

/**
 * A queue write: one write transaction of the storage seam like every use-case, but with relaxed
 * durability for its commit (SQLite: `synchronous = NORMAL`). In WAL mode that still survives a crash of
 * the process (the commit is in the OS's file cache); only a power cut can lose the last calls — which an
 * agent redoes by pressing next. Bookings keep full durability (invariant 2, ARCHITECTURE.md#invariants).
 * Without this every "next" waits for an fsync, which caps an office-wide installation at the disk's flush
 * rate instead of its CPU.
 */
export function queueWrite<T>(deps: Pick<Deps, 'storage'>, work: (tx: Repositories) => Promise<T>): Promise<T> {
  return deps.storage.write(work, { durability: 'relaxed' });
}

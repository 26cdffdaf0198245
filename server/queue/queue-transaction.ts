import { type Db, writeTransaction } from '../../db/client.ts';

/**
 * A queue write: BEGIN IMMEDIATE like every use-case, but with `synchronous = NORMAL` for its commit.
 * In WAL mode that still survives a crash of the process (the commit is in the OS's file cache);
 * only a power cut can lose the last calls — which an agent redoes by pressing next. Bookings keep
 * `synchronous = FULL` (invariant 2, ARCHITECTURE.md#invariants). Without this every "next" waits for an fsync, which caps
 * an office-wide installation at the disk's flush rate instead of its CPU.
 */
export function queueTransaction<T>(db: Db, work: (tx: Db) => T): T {
  db.$client.pragma('synchronous = NORMAL');
  try {
    return writeTransaction(db, work);
  } finally {
    db.$client.pragma('synchronous = FULL');
  }
}

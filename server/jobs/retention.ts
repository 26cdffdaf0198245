import type { Deps } from '../deps.ts';

const DAY = 86_400_000;

/**
 * Invariant 7 (ARCHITECTURE.md#invariants): personal data of appointments is erased RETENTION_DAYS after the
 * appointment ended, together with the mails about them, in one write transaction. The appointment row stays
 * (statistics need no person). Erased means erased on disk: the connection runs with `secure_delete`
 * (db/client.ts), so the old values are zeroed in the database file, and the WAL, which still holds the old
 * pages, is checkpointed and truncated afterwards. Returns the number of appointments erased.
 */
export async function erasePersonalData(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.config.RETENTION_DAYS * DAY);
  const erased = await deps.storage.write((tx) => tx.personalData.eraseEndedBefore(cutoff, now));
  await deps.storage.afterErasure();
  return erased;
}

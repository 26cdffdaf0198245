/**
 * Erasure of residents' personal data (invariant 7, ARCHITECTURE.md#invariants), as the retention job needs
 * it: one coarse call per run. SQLite: `db/sqlite/personal-data-store.ts`.
 */
export interface PersonalDataStore {
  /**
   * Erases the personal data of every appointment that ended before `cutoff` and is not erased yet (name,
   * e-mail, phone and the booking caps' mailbox and phone keys; `personalDataErasedAt = now`), deletes the
   * mails about them, and deletes mails tied to no appointment created before `cutoff`. The appointment rows
   * stay (statistics need no person). Run inside a write transaction: all of it or nothing. Returns the
   * number of appointments erased; a second call with the same arguments erases nothing.
   */
  eraseEndedBefore(cutoff: Date, now: Date): Promise<number>;
}

import type { AuditInput } from './audit.ts';
import type { Principal } from './principal.ts';

/** The audit log as the use-cases on the storage seam see it (server/storage.ts). */
export interface AuditStore {
  /** Appends an entry inside the current write transaction, so the entry and the change commit together. */
  record(actor: Principal | null, municipalityId: string, at: Date, input: AuditInput): Promise<void>;
}

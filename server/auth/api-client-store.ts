import type { ApiScope } from '../contracts/integrations.ts';

/**
 * API clients, their keys and the appointments they booked (ARCHITECTURE.md#integrations), as the use-cases
 * need them. Plain records; keys arrive here hashed only. SQLite: `db/sqlite/api-client-store.ts`.
 */
export interface ApiClientRecord {
  id: number;
  municipalityId: string;
  name: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number;
  sendsOwnMail: boolean;
  createdAt: Date;
  createdBy: number | null;
  revokedAt: Date | null;
}

export interface ApiKeyRecord {
  id: number;
  clientId: number;
  prefix: string;
  createdAt: Date;
  /** The key works strictly before this instant (set on rotation and revocation). */
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export type ApiClientWithKeys = ApiClientRecord & { keys: ApiKeyRecord[] };

export type NewApiClient = Pick<
  ApiClientRecord,
  'municipalityId' | 'name' | 'scopes' | 'rateLimitPerMinute' | 'sendsOwnMail' | 'createdAt' | 'createdBy'
>;

export interface ApiClientStore {
  /** A live key (unrevoked, `expiresAt` strictly after now) of an unrevoked client, by the key's hash. */
  liveKey(tokenHash: string, now: Date): Promise<{ key: ApiKeyRecord; client: ApiClientRecord } | null>;
  /** A client with its keys, newest key first. */
  client(clientId: number): Promise<ApiClientWithKeys | null>;
  /** The municipality's clients by id, each with its keys newest first (one call for the whole list). */
  clientsOf(municipalityId: string): Promise<ApiClientWithKeys[]>;
  insertClient(values: NewApiClient): Promise<ApiClientRecord>;
  updateClient(
    clientId: number,
    values: Partial<Pick<ApiClientRecord, 'name' | 'scopes' | 'rateLimitPerMinute' | 'sendsOwnMail' | 'revokedAt'>>,
  ): Promise<void>;
  insertKey(values: { clientId: number; prefix: string; tokenHash: string; createdAt: Date }): Promise<ApiKeyRecord>;
  updateKey(
    keyId: number,
    values: Partial<Pick<ApiKeyRecord, 'expiresAt' | 'revokedAt' | 'lastUsedAt'>>,
  ): Promise<void>;
  /** The client's unrevoked keys (expired ones included). */
  liveKeysOf(clientId: number): Promise<ApiKeyRecord[]>;
  /** In the booking transaction: the client booked this appointment. */
  linkAppointment(appointmentId: number, clientId: number): Promise<void>;
  bookedByClient(appointmentId: number, clientId: number): Promise<boolean>;
  /** True when the appointment was booked by a client that sends its own mails (Loket queues none). */
  integratorSendsMail(appointmentId: number): Promise<boolean>;
}

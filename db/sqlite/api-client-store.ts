import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { ApiClientRecord, ApiClientStore, ApiKeyRecord } from '../../server/auth/api-client-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import {
  type ApiKeyRow,
  bookedByClient,
  findLiveKey,
  insertClient,
  insertKey,
  integratorSendsMail,
  linkAppointmentToClient,
  liveKeysOfClient,
  updateClient,
  updateKey,
} from '../integrations.ts';
import { apiClients, apiKeys } from '../schema/index.ts';

const toKey = ({ tokenHash: _hash, ...key }: ApiKeyRow): ApiKeyRecord => key;

export function sqliteApiClientStore(db: Db): Synchronous<ApiClientStore> {
  const withKeys = (clients: ApiClientRecord[]) => {
    if (clients.length === 0) return [];
    const keys = db
      .select()
      .from(apiKeys)
      .where(
        inArray(
          apiKeys.clientId,
          clients.map((c) => c.id),
        ),
      )
      .orderBy(desc(apiKeys.id))
      .all();
    return clients.map((c) => ({ ...c, keys: keys.filter((k) => k.clientId === c.id).map(toKey) }));
  };
  return {
    liveKey: (tokenHash, now) => {
      const row = findLiveKey(db, tokenHash, now);
      return row ? { key: toKey(row.key), client: row.client } : null;
    },
    client: (clientId) => withKeys(db.select().from(apiClients).where(eq(apiClients.id, clientId)).all())[0] ?? null,
    clientsOf: (municipalityId) =>
      withKeys(
        db
          .select()
          .from(apiClients)
          .where(eq(apiClients.municipalityId, municipalityId))
          .orderBy(asc(apiClients.id))
          .all(),
      ),
    insertClient: (values) => insertClient(db, values),
    updateClient: (clientId, values) => {
      updateClient(db, clientId, values);
    },
    insertKey: (values) => toKey(insertKey(db, values)),
    updateKey: (keyId, values) => updateKey(db, keyId, values),
    liveKeysOf: (clientId) => liveKeysOfClient(db, clientId).map(toKey),
    linkAppointment: (appointmentId, clientId) => linkAppointmentToClient(db, appointmentId, clientId),
    bookedByClient: (appointmentId, clientId) => bookedByClient(db, appointmentId, clientId),
    integratorSendsMail: (appointmentId) => integratorSendsMail(db, appointmentId),
  };
}

import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { ApiClientRecord, ApiClientStore, ApiKeyRecord } from '../../server/auth/api-client-store.ts';
import { liveKeyWhere } from '../records/auth.ts';
import type { PgDb } from './client.ts';
import { apiClientAppointments, apiClients, apiKeys } from './schema/index.ts';

type KeyRow = typeof apiKeys.$inferSelect;
const toKey = ({ tokenHash: _hash, ...key }: KeyRow): ApiKeyRecord => key;

/**
 * API clients and keys on PostgreSQL (contract: server/auth/api-client-store.ts). Key resolution (every API
 * request) is one indexed join; a client list is two statements whatever the number of clients.
 */
export function pgApiClientStore(db: PgDb): ApiClientStore {
  const withKeys = async (clients: ApiClientRecord[]) => {
    if (clients.length === 0) return [];
    const keys = await db
      .select()
      .from(apiKeys)
      .where(
        inArray(
          apiKeys.clientId,
          clients.map((c) => c.id),
        ),
      )
      .orderBy(desc(apiKeys.id));
    return clients.map((c) => ({ ...c, keys: keys.filter((k) => k.clientId === c.id).map(toKey) }));
  };
  return {
    liveKey: async (tokenHash, now) => {
      const [row] = await db
        .select({ key: apiKeys, client: apiClients })
        .from(apiKeys)
        .innerJoin(apiClients, eq(apiClients.id, apiKeys.clientId))
        .where(liveKeyWhere(apiKeys, apiClients, tokenHash, now))
        .limit(1);
      return row ? { key: toKey(row.key), client: row.client } : null;
    },
    client: async (clientId) =>
      (await withKeys(await db.select().from(apiClients).where(eq(apiClients.id, clientId))))[0] ?? null,
    clientsOf: async (municipalityId) =>
      withKeys(
        await db
          .select()
          .from(apiClients)
          .where(eq(apiClients.municipalityId, municipalityId))
          .orderBy(asc(apiClients.id)),
      ),
    insertClient: async (values) => {
      const [row] = await db.insert(apiClients).values(values).returning();
      if (!row) throw new Error('insertClient: no row returned');
      return row;
    },
    updateClient: async (clientId, values) => {
      await db.update(apiClients).set(values).where(eq(apiClients.id, clientId));
    },
    insertKey: async (values) => {
      const [row] = await db.insert(apiKeys).values(values).returning();
      if (!row) throw new Error('insertKey: no row returned');
      return toKey(row);
    },
    updateKey: async (keyId, values) => {
      await db.update(apiKeys).set(values).where(eq(apiKeys.id, keyId));
    },
    liveKeysOf: async (clientId) =>
      (
        await db
          .select()
          .from(apiKeys)
          .where(and(eq(apiKeys.clientId, clientId), isNull(apiKeys.revokedAt)))
          .orderBy(asc(apiKeys.id))
      ).map(toKey),
    linkAppointment: async (appointmentId, clientId) => {
      await db.insert(apiClientAppointments).values({ appointmentId, clientId });
    },
    bookedByClient: async (appointmentId, clientId) =>
      (
        await db
          .select({ id: apiClientAppointments.appointmentId })
          .from(apiClientAppointments)
          .where(
            and(eq(apiClientAppointments.appointmentId, appointmentId), eq(apiClientAppointments.clientId, clientId)),
          )
          .limit(1)
      ).length > 0,
    integratorSendsMail: async (appointmentId) => {
      const [row] = await db
        .select({ sendsOwnMail: apiClients.sendsOwnMail })
        .from(apiClientAppointments)
        .innerJoin(apiClients, eq(apiClients.id, apiClientAppointments.clientId))
        .where(eq(apiClientAppointments.appointmentId, appointmentId))
        .limit(1);
      return row?.sendsOwnMail ?? false;
    },
  };
}

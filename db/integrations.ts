import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './client.ts';
import { liveKeyWhere } from './records/auth.ts';
import { apiClientAppointments, apiClients, apiKeys, locations } from './schema/index.ts';

/**
 * Storage of API clients, their keys and the appointments they booked. Domain code (server/auth/api-keys.ts,
 * the booking use-cases, the mails) calls these inside its own transaction; only this file writes the SQL.
 */
export type ApiClientRow = typeof apiClients.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiClient = typeof apiClients.$inferInsert;

/** A live key (unrevoked, unexpired: `expiresAt` strictly after now) of a live client, by the key's hash. */
export function findLiveKey(db: Db, tokenHash: string, now: Date): { key: ApiKeyRow; client: ApiClientRow } | null {
  return (
    db
      .select({ key: apiKeys, client: apiClients })
      .from(apiKeys)
      .innerJoin(apiClients, eq(apiClients.id, apiKeys.clientId))
      .where(liveKeyWhere(apiKeys, apiClients, tokenHash, now))
      .get() ?? null
  );
}

export function insertClient(tx: Db, values: NewApiClient): ApiClientRow {
  return tx.insert(apiClients).values(values).returning().get();
}

export function updateClient(tx: Db, clientId: number, values: Partial<NewApiClient>): ApiClientRow {
  return tx.update(apiClients).set(values).where(eq(apiClients.id, clientId)).returning().get();
}

export function insertKey(
  tx: Db,
  values: { clientId: number; prefix: string; tokenHash: string; createdAt: Date },
): ApiKeyRow {
  return tx.insert(apiKeys).values(values).returning().get();
}

export function updateKey(
  tx: Db,
  keyId: number,
  values: Partial<Pick<ApiKeyRow, 'expiresAt' | 'revokedAt' | 'lastUsedAt'>>,
): void {
  tx.update(apiKeys).set(values).where(eq(apiKeys.id, keyId)).run();
}

export function liveKeysOfClient(tx: Db, clientId: number): ApiKeyRow[] {
  return tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.clientId, clientId), isNull(apiKeys.revokedAt)))
    .all();
}

/** The municipality owning a location, or undefined. */
export function municipalityOfLocation(db: Db, locationId: string): string | undefined {
  return db
    .select({ municipalityId: locations.municipalityId })
    .from(locations)
    .where(eq(locations.id, locationId))
    .get()?.municipalityId;
}

/** Records, in the booking transaction, that an API client booked this appointment. */
export function linkAppointmentToClient(tx: Db, appointmentId: number, clientId: number): void {
  tx.insert(apiClientAppointments).values({ appointmentId, clientId }).run();
}

export function bookedByClient(db: Db, appointmentId: number, clientId: number): boolean {
  return (
    db
      .select({ id: apiClientAppointments.appointmentId })
      .from(apiClientAppointments)
      .where(and(eq(apiClientAppointments.appointmentId, appointmentId), eq(apiClientAppointments.clientId, clientId)))
      .get() !== undefined
  );
}

/** The client that booked an appointment, if any. */
export function clientOfAppointment(db: Db, appointmentId: number): ApiClientRow | undefined {
  return db
    .select({ client: apiClients })
    .from(apiClientAppointments)
    .innerJoin(apiClients, eq(apiClients.id, apiClientAppointments.clientId))
    .where(eq(apiClientAppointments.appointmentId, appointmentId))
    .get()?.client;
}

/**
 * "The integrator sends the mails": true when the appointment was booked by a client set to send its own,
 * so Loket queues no confirmation, reminder, change or cancellation mail for it (whoever makes the change).
 */
export function integratorSendsMail(db: Db, appointmentId: number): boolean {
  return clientOfAppointment(db, appointmentId)?.sendsOwnMail ?? false;
}

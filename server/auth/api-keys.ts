import { randomBytes } from 'node:crypto';
import {
  API_KEY_PREFIX,
  type ApiClientDto,
  type ApiKeyDto,
  type CreateApiClientBody,
  type UpdateApiClientBody,
} from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import type { ApiClientRecord, ApiClientWithKeys, ApiKeyRecord } from './api-client-store.ts';
import type { ApiClientPrincipal, StaffPrincipal } from './principal.ts';
import { hashToken } from './tokens.ts';

/** `lkt_` + 256 random bits (base64url): recognisable, never guessable. Only its SHA-256 is stored. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function isApiKey(token: string | undefined | null): token is string {
  return typeof token === 'string' && token.startsWith(API_KEY_PREFIX) && token.length === API_KEY_PREFIX.length + 43;
}

/** The non-secret start of a key shown in lists: `lkt_` and 8 characters. */
export function keyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 8);
}

/** A live key of a live client, or null. Unexpired means `expiresAt` strictly after now. */
export async function resolveApiKey(
  deps: Pick<Deps, 'storage'>,
  key: string,
  now: Date,
): Promise<ApiClientPrincipal | null> {
  if (!isApiKey(key)) return null;
  const row = await deps.storage.read.apiClients.liveKey(hashToken(key), now);
  if (!row) return null;
  return {
    kind: 'api-client',
    clientId: row.client.id,
    keyId: row.key.id,
    municipalityId: row.client.municipalityId,
    name: row.client.name,
    scopes: row.client.scopes,
    rateLimitPerMinute: row.client.rateLimitPerMinute,
    sendsOwnMail: row.client.sendsOwnMail,
  };
}

function keyDto(k: ApiKeyRecord): ApiKeyDto {
  return {
    id: k.id,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

function clientDto(c: ApiClientWithKeys): ApiClientDto {
  return {
    id: c.id,
    municipalityId: c.municipalityId,
    name: c.name,
    scopes: c.scopes,
    rateLimitPerMinute: c.rateLimitPerMinute,
    sendsOwnMail: c.sendsOwnMail,
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    keys: c.keys.map(keyDto),
  };
}

function assertAdmin(principal: StaffPrincipal): void {
  if (principal.role !== 'admin') throw new AppError('forbidden', 'Admins manage API clients');
}

async function loadOwnClient(repos: Repositories, principal: StaffPrincipal, clientId: number) {
  const row = await repos.apiClients.client(clientId);
  // Another municipality's client does not exist for this admin.
  if (!row || row.municipalityId !== principal.municipalityId) throw new AppError('not-found', 'No such API client');
  return row;
}

/** The client as stored now, with its keys, for the answer of a change (read in the same transaction). */
async function reloaded(tx: Repositories, clientId: number): Promise<ApiClientDto> {
  const client = await tx.apiClients.client(clientId);
  if (!client) throw new Error(`API client ${clientId} vanished inside its transaction`);
  return clientDto(client);
}

async function insertKey(tx: Repositories, clientId: number, now: Date): Promise<{ key: string; row: ApiKeyRecord }> {
  const key = generateApiKey();
  const row = await tx.apiClients.insertKey({
    clientId,
    prefix: keyPrefix(key),
    tokenHash: hashToken(key),
    createdAt: now,
  });
  return { key, row };
}

/** An admin registers a client; its first key is in the answer and nowhere else. */
export async function createApiClient(
  deps: Deps,
  principal: StaffPrincipal,
  input: CreateApiClientBody,
): Promise<{ client: ApiClientDto; apiKey: string }> {
  assertAdmin(principal);
  const now = deps.clock.now();
  return deps.storage.write(async (tx) => {
    const client: ApiClientRecord = await tx.apiClients.insertClient({
      municipalityId: principal.municipalityId,
      name: input.name,
      scopes: input.scopes,
      rateLimitPerMinute: input.rateLimitPerMinute,
      sendsOwnMail: input.sendsOwnMail,
      createdAt: now,
      createdBy: principal.userId,
    });
    const { key, row } = await insertKey(tx, client.id, now);
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'api-client.created',
      targetType: 'api-client',
      targetId: client.id,
      details: { scopes: input.scopes, keyId: row.id, sendsOwnMail: input.sendsOwnMail },
    });
    return { client: clientDto({ ...client, keys: [row] }), apiKey: key };
  });
}

export async function listApiClients(deps: Deps, principal: StaffPrincipal): Promise<ApiClientDto[]> {
  assertAdmin(principal);
  return (await deps.storage.read.apiClients.clientsOf(principal.municipalityId)).map(clientDto);
}

export async function getApiClient(deps: Deps, principal: StaffPrincipal, clientId: number): Promise<ApiClientDto> {
  assertAdmin(principal);
  return clientDto(await loadOwnClient(deps.storage.read, principal, clientId));
}

/** Scope, limit and mail changes apply to the next request (keys are resolved on every request). */
export async function updateApiClient(
  deps: Deps,
  principal: StaffPrincipal,
  clientId: number,
  input: UpdateApiClientBody,
): Promise<ApiClientDto> {
  assertAdmin(principal);
  const now = deps.clock.now();
  return deps.storage.write(async (tx) => {
    const client = await loadOwnClient(tx, principal, clientId);
    if (client.revokedAt) throw new AppError('invalid-state', 'The API client is revoked');
    await tx.apiClients.updateClient(clientId, input);
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'api-client.updated',
      targetType: 'api-client',
      targetId: clientId,
      details: { ...input },
    });
    return reloaded(tx, clientId);
  });
}

/**
 * A new key for the client; the keys it had stop working after `graceMinutes` (0: at once), so an
 * integrator can deploy the new key without a gap.
 */
export async function rotateApiKey(
  deps: Deps,
  principal: StaffPrincipal,
  clientId: number,
  input: { graceMinutes: number },
): Promise<{ client: ApiClientDto; apiKey: string }> {
  assertAdmin(principal);
  const now = deps.clock.now();
  const until = new Date(now.getTime() + input.graceMinutes * 60_000);
  const result = await deps.storage.write(async (tx) => {
    const client = await loadOwnClient(tx, principal, clientId);
    if (client.revokedAt) throw new AppError('invalid-state', 'The API client is revoked');
    const old = (await tx.apiClients.liveKeysOf(clientId)).filter((k) => !k.expiresAt || k.expiresAt > until);
    for (const k of old) {
      await tx.apiClients.updateKey(
        k.id,
        input.graceMinutes === 0 ? { revokedAt: now, expiresAt: now } : { expiresAt: until },
      );
    }
    const { key, row } = await insertKey(tx, clientId, now);
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'api-client.key-rotated',
      targetType: 'api-client',
      targetId: clientId,
      details: { newKeyId: row.id, oldKeyIds: old.map((k) => k.id), graceMinutes: input.graceMinutes },
    });
    return {
      client: await reloaded(tx, clientId),
      apiKey: key,
      cut: input.graceMinutes === 0 ? old.map((k) => k.id) : [],
    };
  });
  for (const id of result.cut) deps.events.publish('auth:revoked', { kind: 'api-key', id });
  return { client: result.client, apiKey: result.apiKey };
}

/** Revokes the client and every key at once: HTTP and hub refuse them from the next request. */
export async function revokeApiClient(deps: Deps, principal: StaffPrincipal, clientId: number): Promise<ApiClientDto> {
  assertAdmin(principal);
  const now = deps.clock.now();
  const result = await deps.storage.write(async (tx) => {
    const client = await loadOwnClient(tx, principal, clientId);
    const live = await tx.apiClients.liveKeysOf(clientId);
    for (const k of live) await tx.apiClients.updateKey(k.id, { revokedAt: now });
    await tx.apiClients.updateClient(clientId, { revokedAt: client.revokedAt ?? now });
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'api-client.revoked',
      targetType: 'api-client',
      targetId: clientId,
      details: { keyIds: live.map((k) => k.id) },
    });
    return { dto: await reloaded(tx, clientId), keyIds: live.map((k) => k.id) };
  });
  for (const id of result.keyIds) deps.events.publish('auth:revoked', { kind: 'api-key', id });
  return result.dto;
}

/**
 * Every use of a key is audited (method, route pattern, status; never bodies or query values, which may
 * carry personal data) and stamps the key's `lastUsedAt`. One small transaction after the response.
 */
export async function recordApiKeyUse(
  deps: Deps,
  principal: ApiClientPrincipal,
  use: { method: string; route: string; status: number },
): Promise<void> {
  const now = deps.clock.now();
  await deps.storage.write(async (tx) => {
    await tx.apiClients.updateKey(principal.keyId, { lastUsedAt: now });
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'api-client.request',
      targetType: 'api-key',
      targetId: principal.keyId,
      details: use,
    });
  });
}

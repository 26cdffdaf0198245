import { randomBytes } from 'node:crypto';
import { type Db, writeTransaction } from '../../db/client.ts';
import {
  type ApiClientRow,
  type ApiKeyRow,
  findClient,
  findLiveKey,
  insertClient,
  insertKey as insertKeyRow,
  keysOfClient,
  listClients,
  liveKeysOfClient,
  updateClient,
  updateKey,
} from '../../db/integrations.ts';
import {
  API_KEY_PREFIX,
  type ApiClientDto,
  type ApiKeyDto,
  type CreateApiClientBody,
  type UpdateApiClientBody,
} from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from './audit.ts';
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
export function resolveApiKey(db: Db, key: string, now: Date): ApiClientPrincipal | null {
  if (!isApiKey(key)) return null;
  const row = findLiveKey(db, hashToken(key), now);
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

type KeyRow = ApiKeyRow;
type ClientRow = ApiClientRow;

function keyDto(k: KeyRow): ApiKeyDto {
  return {
    id: k.id,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

function clientDto(db: Db, c: ClientRow): ApiClientDto {
  const keys = keysOfClient(db, c.id);
  return {
    id: c.id,
    municipalityId: c.municipalityId,
    name: c.name,
    scopes: c.scopes,
    rateLimitPerMinute: c.rateLimitPerMinute,
    sendsOwnMail: c.sendsOwnMail,
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    keys: keys.map(keyDto),
  };
}

function assertAdmin(principal: StaffPrincipal): void {
  if (principal.role !== 'admin') throw new AppError('forbidden', 'Admins manage API clients');
}

function loadOwnClient(tx: Db, principal: StaffPrincipal, clientId: number): ClientRow {
  const row = findClient(tx, clientId);
  // Another municipality's client does not exist for this admin.
  if (!row || row.municipalityId !== principal.municipalityId) throw new AppError('not-found', 'No such API client');
  return row;
}

function insertKey(tx: Db, clientId: number, now: Date): { key: string; row: KeyRow } {
  const key = generateApiKey();
  const row = insertKeyRow(tx, { clientId, prefix: keyPrefix(key), tokenHash: hashToken(key), createdAt: now });
  return { key, row };
}

/** An admin registers a client; its first key is in the answer and nowhere else. */
export function createApiClient(
  deps: Deps,
  principal: StaffPrincipal,
  input: CreateApiClientBody,
): { client: ApiClientDto; apiKey: string } {
  assertAdmin(principal);
  const now = deps.clock.now();
  return writeTransaction(deps.db, (tx) => {
    const client = insertClient(tx, {
      municipalityId: principal.municipalityId,
      name: input.name,
      scopes: input.scopes,
      rateLimitPerMinute: input.rateLimitPerMinute,
      sendsOwnMail: input.sendsOwnMail,
      createdAt: now,
      createdBy: principal.userId,
    });
    const { key, row } = insertKey(tx, client.id, now);
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'api-client.created',
      targetType: 'api-client',
      targetId: client.id,
      details: { scopes: input.scopes, keyId: row.id, sendsOwnMail: input.sendsOwnMail },
    });
    return { client: clientDto(tx, client), apiKey: key };
  });
}

export function listApiClients(deps: Deps, principal: StaffPrincipal): ApiClientDto[] {
  assertAdmin(principal);
  return listClients(deps.db, principal.municipalityId).map((c) => clientDto(deps.db, c));
}

export function getApiClient(deps: Deps, principal: StaffPrincipal, clientId: number): ApiClientDto {
  assertAdmin(principal);
  return clientDto(deps.db, loadOwnClient(deps.db, principal, clientId));
}

/** Scope, limit and mail changes apply to the next request (keys are resolved on every request). */
export function updateApiClient(
  deps: Deps,
  principal: StaffPrincipal,
  clientId: number,
  input: UpdateApiClientBody,
): ApiClientDto {
  assertAdmin(principal);
  const now = deps.clock.now();
  return writeTransaction(deps.db, (tx) => {
    const client = loadOwnClient(tx, principal, clientId);
    if (client.revokedAt) throw new AppError('invalid-state', 'The API client is revoked');
    const updated = updateClient(tx, clientId, input);
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'api-client.updated',
      targetType: 'api-client',
      targetId: clientId,
      details: { ...input },
    });
    return clientDto(tx, updated);
  });
}

/**
 * A new key for the client; the keys it had stop working after `graceMinutes` (0: at once), so an
 * integrator can deploy the new key without a gap.
 */
export function rotateApiKey(
  deps: Deps,
  principal: StaffPrincipal,
  clientId: number,
  input: { graceMinutes: number },
): { client: ApiClientDto; apiKey: string } {
  assertAdmin(principal);
  const now = deps.clock.now();
  const until = new Date(now.getTime() + input.graceMinutes * 60_000);
  const result = writeTransaction(deps.db, (tx) => {
    const client = loadOwnClient(tx, principal, clientId);
    if (client.revokedAt) throw new AppError('invalid-state', 'The API client is revoked');
    const old = liveKeysOfClient(tx, clientId).filter((k) => !k.expiresAt || k.expiresAt > until);
    for (const k of old) {
      updateKey(tx, k.id, input.graceMinutes === 0 ? { revokedAt: now, expiresAt: now } : { expiresAt: until });
    }
    const { key, row } = insertKey(tx, clientId, now);
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'api-client.key-rotated',
      targetType: 'api-client',
      targetId: clientId,
      details: { newKeyId: row.id, oldKeyIds: old.map((k) => k.id), graceMinutes: input.graceMinutes },
    });
    return { client: clientDto(tx, client), apiKey: key, cut: input.graceMinutes === 0 ? old.map((k) => k.id) : [] };
  });
  for (const id of result.cut) deps.events.publish('auth:revoked', { kind: 'api-key', id });
  return { client: result.client, apiKey: result.apiKey };
}

/** Revokes the client and every key at once: HTTP and hub refuse them from the next request. */
export function revokeApiClient(deps: Deps, principal: StaffPrincipal, clientId: number): ApiClientDto {
  assertAdmin(principal);
  const now = deps.clock.now();
  const result = writeTransaction(deps.db, (tx) => {
    const client = loadOwnClient(tx, principal, clientId);
    const live = liveKeysOfClient(tx, clientId);
    for (const k of live) updateKey(tx, k.id, { revokedAt: now });
    const updated = updateClient(tx, clientId, { revokedAt: client.revokedAt ?? now });
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'api-client.revoked',
      targetType: 'api-client',
      targetId: clientId,
      details: { keyIds: live.map((k) => k.id) },
    });
    return { dto: clientDto(tx, updated), keyIds: live.map((k) => k.id) };
  });
  for (const id of result.keyIds) deps.events.publish('auth:revoked', { kind: 'api-key', id });
  return result.dto;
}

/**
 * Every use of a key is audited (method, route pattern, status; never bodies or query values, which may
 * carry personal data) and stamps the key's `lastUsedAt`. One small transaction after the response.
 */
export function recordApiKeyUse(
  deps: Deps,
  principal: ApiClientPrincipal,
  use: { method: string; route: string; status: number },
): void {
  const now = deps.clock.now();
  writeTransaction(deps.db, (tx) => {
    updateKey(tx, principal.keyId, { lastUsedAt: now });
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'api-client.request',
      targetType: 'api-key',
      targetId: principal.keyId,
      details: use,
    });
  });
}

import { randomBytes } from 'node:crypto';
import { canAccessLocation, type Principal } from '../auth/principal.ts';
import type { ServiceRequest } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { assertSameRequest, requestFingerprint } from '../idempotency.ts';
import type { Repositories } from '../storage.ts';
import { appendTicketEvent } from './access.ts';
import { estimateWaits } from './estimate-waits.ts';
import { type ChangedTicket, publishQueueChange } from './queue-change.ts';
import { counterNamesOf, toTicketDto } from './queue-dto.ts';
import { type LocationRow, type ServiceInfo, serviceDateOf, type TicketRow } from './queue-model.ts';
import { loadQueueState } from './queue-state.ts';
import { queueWrite } from './queue-transaction.ts';

export interface NewTicket {
  location: LocationRow;
  services: { info: ServiceInfo; persons: number }[];
  source: TicketRow['source'];
  priority: number;
  language: 'nl' | 'en';
  appointmentId?: number | null;
  dueAt?: Date | null;
  requestKey?: string | null;
  requestFingerprint?: string | null;
  actor: Principal | null;
  now: Date;
}

/**
 * Inserts a ticket, its items and the `issued` event, and stores the wait we predict for it, inside
 * the caller's write transaction. The number is the next of its letter at the location today
 * (`QueueStore.insertTicket`: unique per location and day, invariant 4, ARCHITECTURE.md#invariants).
 */
export async function insertTicket(tx: Repositories, input: NewTicket): Promise<IssuedTicket> {
  const first = input.services[0];
  if (!first) throw new AppError('validation-failed', 'Choose at least one service');
  const row = await tx.queue.insertTicket({
    municipalityId: input.location.municipalityId,
    locationId: input.location.id,
    serviceDate: serviceDateOf(input.now, input.location.timeZone),
    letter: first.info.letter,
    publicId: randomBytes(16).toString('base64url'),
    source: input.source,
    priority: input.priority,
    appointmentId: input.appointmentId ?? null,
    dueAt: input.dueAt ?? null,
    requestKey: input.requestKey ?? null,
    requestFingerprint: input.requestFingerprint ?? null,
    language: input.language,
    issuedAt: input.now,
    queuedAt: input.now,
    items: input.services.map((s) => ({ serviceId: s.info.id, persons: s.persons })),
  });
  const staff = input.actor?.kind === 'staff' ? input.actor : null;
  await appendTicketEvent(
    tx,
    row,
    'issued',
    input.now,
    { agentId: staff?.userId ?? null },
    {
      source: input.source,
      services: input.services.map((s) => ({ code: s.info.code, persons: s.persons })),
      deviceId: input.actor?.kind === 'device' ? input.actor.deviceId : undefined,
    },
  );
  // The prediction at issue, kept so the predictor can be scored against what really happened.
  const state = await loadQueueState(tx, input.location, input.now);
  const estimate = estimateWaits(state).perTicket.get(row.id);
  const predictedWaitSeconds = estimate ? Math.round(estimate.minutes * 60) : null;
  await tx.queue.setPredictedWait(row.id, predictedWaitSeconds);
  if (staff) {
    await tx.audit.record(staff, input.location.municipalityId, input.now, {
      action: 'ticket.issued',
      targetType: 'ticket',
      targetId: row.id,
      locationId: input.location.id,
      details: { source: input.source, priority: input.priority },
    });
  }
  const stored = { ...row, predictedWaitSeconds };
  const active = state.tickets.find((t) => t.row.id === row.id);
  const ticket = active ? { ...active, row: stored } : null;
  return {
    row: stored,
    changed: ticket
      ? { fact: 'ticket:issued', recall: false, facts: 1, ticket, dto: toTicketDto(ticket, counterNamesOf(state)) }
      : null,
  };
}

/** A new ticket as stored, and as the hub sends it (queue-change.ts; null if it is not in today's line). */
export interface IssuedTicket {
  row: TicketRow;
  changed: ChangedTicket | null;
}

/** Publishes a new ticket after commit: the change for the hub, then the fact. */
export function publishIssued(deps: Pick<Deps, 'events'>, issued: IssuedTicket): void {
  const { row, changed } = issued;
  if (changed) publishQueueChange(deps.events, { locationId: row.locationId, tickets: [changed], counters: [] });
  deps.events.publish('ticket:issued', { locationId: row.locationId, ticketId: row.id, ticket: changed?.dto });
}

/** Resolves requested service codes against what the location offers (walk-in only for kiosks). */
export function resolveServices(
  services: ServiceInfo[],
  requested: readonly ServiceRequest[],
  walkInOnly: boolean,
): { info: ServiceInfo; persons: number }[] {
  if (requested.length === 0) throw new AppError('validation-failed', 'Choose at least one service');
  const seen = new Set<string>();
  return requested.map((r) => {
    if (seen.has(r.code)) throw new AppError('validation-failed', `Service ${r.code} is listed twice`);
    seen.add(r.code);
    const info = services.find((s) => s.code === r.code && s.offered);
    if (!info) throw new AppError('validation-failed', `Service ${r.code} is not offered here`);
    if (walkInOnly && !info.walkIn)
      throw new AppError('validation-failed', `Service ${r.code} needs an appointment here`);
    if (r.persons > info.maxPersons) {
      throw new AppError('validation-failed', `At most ${info.maxPersons} persons for ${r.code}`);
    }
    return { info, persons: r.persons };
  });
}

export interface IssueTicketInput {
  locationId: string;
  services: ServiceRequest[];
  language?: 'nl' | 'en';
  /** Staff only: a ticket made at the counter or for a phone call ('remote'). */
  source?: 'counter' | 'remote';
  /** Staff only: manual priority (0 normal). */
  priority?: number;
  /**
   * The client's Idempotency-Key: the same key at the same location with the same request returns the
   * ticket it issued; with another request it is refused (422 `idempotency-key-reused`).
   */
  requestKey?: string;
}

/**
 * A kiosk issues walk-in tickets only while walk-ins are served for these services: the office's
 * walk-in hours, or a counter rostered for walk-ins that has the skills (within opening hours). Outside
 * them it answers 409 `outside-walk-in-hours` with `opensAt`, the next opening. Staff may always.
 */
async function assertWalkInOpen(
  tx: Repositories,
  locationId: string,
  resolved: { info: ServiceInfo }[],
  now: Date,
): Promise<void> {
  if (!walkInGate) return;
  const status = await walkInGate(
    tx,
    locationId,
    resolved.map((r) => r.info.id),
    now,
  );
  if (status.open) return;
  throw new AppError('outside-walk-in-hours', 'Walk-in is closed now', { opensAt: status.opensAt });
}

/**
 * Whether walk-in is open now for these services, and else from when (ISO 8601). Opening hours and rosters
 * belong to the scheduling module, above the queue (the dependency rule), so the composition root provides
 * it (`provideWalkInGate`); without a provider kiosks are not limited.
 */
export type WalkInGate = (
  repos: Repositories,
  locationId: string,
  serviceIds: number[],
  now: Date,
) => Promise<{ open: boolean; opensAt: string | null }>;
let walkInGate: WalkInGate | null = null;

export function provideWalkInGate(gate: WalkInGate): void {
  walkInGate = gate;
}

/**
 * A walk-in ticket: from the location's kiosk (source `kiosk`), or made by staff of the location.
 * Returns the new ticket row; the caller reads the DTO with its position and estimate after commit.
 */
export async function issueTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: IssueTicketInput,
): Promise<TicketRow> {
  if (!principal) throw new AppError('unauthorized', 'Only a paired kiosk or staff can issue tickets');
  if (!canAccessLocation(principal, input.locationId)) throw new AppError('forbidden', 'Not your location');
  if (principal.kind === 'device' && principal.deviceKind !== 'kiosk') {
    throw new AppError('forbidden', 'Only a kiosk issues tickets');
  }
  const isStaff = principal.kind === 'staff';
  if (!isStaff && (input.source !== undefined || (input.priority ?? 0) !== 0)) {
    throw new AppError('forbidden', 'Only staff set source or priority');
  }
  const now = deps.clock.now();
  const { requestKey, ...request } = input;
  const fingerprint = requestKey ? requestFingerprint(request) : null;
  let repeated = false;
  const issued = await queueWrite(deps, async (tx): Promise<IssuedTicket> => {
    const location = await tx.queue.location(input.locationId);
    if (!location) throw new AppError('not-found', 'No such location');
    if (input.requestKey) {
      const earlier = await tx.queue.ticketByRequestKey(location.id, input.requestKey);
      if (earlier) {
        assertSameRequest(earlier.requestFingerprint, fingerprint ?? '');
        repeated = true;
        return { row: earlier, changed: null };
      }
    }
    const resolved = resolveServices(await tx.queue.services(location), input.services, !isStaff);
    if (!isStaff) await assertWalkInOpen(tx, location.id, resolved, now);
    return insertTicket(tx, {
      location,
      services: resolved,
      source: isStaff ? (input.source ?? 'counter') : 'kiosk',
      priority: input.priority ?? 0,
      language: input.language ?? 'nl',
      requestKey: input.requestKey ?? null,
      requestFingerprint: fingerprint,
      actor: principal,
      now,
    });
  });
  if (!repeated) publishIssued(deps, issued);
  return issued.row;
}

import { randomBytes } from 'node:crypto';
import { and, eq, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ticketItems, tickets } from '../../db/schema/index.ts';
import { recordAudit } from '../auth/audit.ts';
import { canAccessLocation, type Principal } from '../auth/principal.ts';
import type { ServiceRequest } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { assertSameRequest, requestFingerprint } from '../idempotency.ts';
import { appendTicketEvent } from './access.ts';
import { estimateWaits } from './estimate-waits.ts';
import { loadLocation, loadServices } from './queue-config.ts';
import { type LocationRow, type ServiceInfo, serviceDateOf, type TicketRow } from './queue-model.ts';
import { loadQueueState } from './queue-state.ts';
import { queueTransaction } from './queue-transaction.ts';

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

/** Ticket number: the first service's letter and the next sequence of that letter today, e.g. `P007`. */
export function formatTicketNumber(letter: string, sequence: number): string {
  return `${letter}${String(sequence).padStart(3, '0')}`;
}

/**
 * Inserts a ticket, its items and the `issued` event, and stores the wait we predict for it, inside
 * the caller's write transaction. The unique index on (location, day, number) is the last line of
 * defence for invariant 4 (ARCHITECTURE.md#invariants); BEGIN IMMEDIATE makes the max+1 read and the insert one step.
 */
export function insertTicket(tx: Db, input: NewTicket): TicketRow {
  const first = input.services[0];
  if (!first) throw new AppError('validation-failed', 'Choose at least one service');
  const serviceDate = serviceDateOf(input.now, input.location.timeZone);
  const letter = first.info.letter;
  const last = tx
    .select({ seq: max(tickets.sequence) })
    .from(tickets)
    .where(
      and(eq(tickets.locationId, input.location.id), eq(tickets.serviceDate, serviceDate), eq(tickets.letter, letter)),
    )
    .get();
  const sequence = (last?.seq ?? 0) + 1;
  const row = tx
    .insert(tickets)
    .values({
      municipalityId: input.location.municipalityId,
      locationId: input.location.id,
      serviceDate,
      number: formatTicketNumber(letter, sequence),
      letter,
      sequence,
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
    })
    .returning()
    .get();
  tx.insert(ticketItems)
    .values(input.services.map((s) => ({ ticketId: row.id, serviceId: s.info.id, persons: s.persons })))
    .run();
  const staff = input.actor?.kind === 'staff' ? input.actor : null;
  appendTicketEvent(
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
  const estimate = estimateWaits(loadQueueState(tx, input.location, input.now)).perTicket.get(row.id);
  const predictedWaitSeconds = estimate ? Math.round(estimate.minutes * 60) : null;
  tx.update(tickets).set({ predictedWaitSeconds }).where(eq(tickets.id, row.id)).run();
  if (staff) {
    recordAudit(tx, staff, input.location.municipalityId, input.now, {
      action: 'ticket.issued',
      targetType: 'ticket',
      targetId: row.id,
      locationId: input.location.id,
      details: { source: input.source, priority: input.priority },
    });
  }
  return { ...row, predictedWaitSeconds };
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
function assertWalkInOpen(tx: Db, locationId: string, resolved: { info: ServiceInfo }[], now: Date): void {
  if (!walkInGate) return;
  const status = walkInGate(
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
  db: Db,
  locationId: string,
  serviceIds: number[],
  now: Date,
) => { open: boolean; opensAt: string | null };
let walkInGate: WalkInGate | null = null;

export function provideWalkInGate(gate: WalkInGate): void {
  walkInGate = gate;
}

/**
 * A walk-in ticket: from the location's kiosk (source `kiosk`), or made by staff of the location.
 * Returns the new ticket row; the caller reads the DTO with its position and estimate after commit.
 */
export function issueTicket(deps: Deps, principal: Principal | null | undefined, input: IssueTicketInput): TicketRow {
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
  const row = queueTransaction(deps.db, (tx) => {
    const location = loadLocation(tx, input.locationId);
    if (!location) throw new AppError('not-found', 'No such location');
    if (input.requestKey) {
      const earlier = tx
        .select()
        .from(tickets)
        .where(and(eq(tickets.locationId, location.id), eq(tickets.requestKey, input.requestKey)))
        .get();
      if (earlier) {
        assertSameRequest(earlier.requestFingerprint, fingerprint ?? '');
        repeated = true;
        return earlier;
      }
    }
    const resolved = resolveServices(loadServices(tx, location), input.services, !isStaff);
    if (!isStaff) assertWalkInOpen(tx, location.id, resolved, now);
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
  if (!repeated) deps.events.publish('ticket:issued', { locationId: row.locationId, ticketId: row.id });
  return row;
}

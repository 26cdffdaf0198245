import { and, eq, inArray } from 'drizzle-orm';
import { counters, tickets } from '../../db/schema/index.ts';
import { recordAudit } from '../auth/audit.ts';
import type { Principal, StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { assertOperator, assertStaffAt, type CounterRow, counterOfAgent, loadCounter } from './access.ts';
import { queueTransaction } from './queue-transaction.ts';

function municipalityOf(staff: StaffPrincipal): string {
  return staff.municipalityId;
}

function hasActiveTicket(deps: Deps, counterId: number): boolean {
  return (
    deps.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.counterId, counterId), inArray(tickets.status, ['called', 'serving'])))
      .get() !== undefined
  );
}

/**
 * A staff member takes a counter: it opens with them as its agent. Someone else's counter is a 409;
 * the counter they were at before is closed (one counter per person).
 */
export function signInCounter(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number },
): CounterRow {
  const now = deps.clock.now();
  const { counter, left } = queueTransaction(deps.db, (tx) => {
    const target = loadCounter(tx, input.counterId);
    const staff = assertStaffAt(principal, target.locationId);
    if (!target.active) throw new AppError('invalid-state', 'This counter is not in use');
    if (target.agentId !== null && target.agentId !== staff.userId) {
      throw new AppError('conflict', 'Someone else is signed in at this counter');
    }
    let left: CounterRow | undefined;
    const previous = counterOfAgent(tx, staff.userId);
    if (previous && previous.id !== target.id) {
      if (hasActiveTicket({ ...deps, db: tx }, previous.id)) {
        throw new AppError('invalid-state', `Finish the ticket at ${previous.name} first`);
      }
      left = tx
        .update(counters)
        .set({ state: 'closed', agentId: null, stateSince: now })
        .where(eq(counters.id, previous.id))
        .returning()
        .get();
    }
    const counter = tx
      .update(counters)
      .set({
        state: target.agentId === staff.userId ? target.state : 'open',
        agentId: staff.userId,
        stateSince: target.agentId === staff.userId ? target.stateSince : now,
      })
      .where(eq(counters.id, target.id))
      .returning()
      .get();
    recordAudit(tx, staff, municipalityOf(staff), now, {
      action: 'counter.signed-in',
      targetType: 'counter',
      targetId: target.id,
      locationId: target.locationId,
    });
    return { counter, left };
  });
  if (left) deps.events.publish('counter:updated', { locationId: left.locationId, counterId: left.id });
  deps.events.publish('counter:updated', { locationId: counter.locationId, counterId: counter.id });
  return counter;
}

/** Updates the counter's state and audits it in the caller's transaction. */
function setCounterState(
  tx: Deps['db'],
  staff: StaffPrincipal,
  target: CounterRow,
  now: Date,
  action: string,
  set: Partial<CounterRow>,
): CounterRow {
  const updated = tx.update(counters).set(set).where(eq(counters.id, target.id)).returning().get();
  if (!updated) throw new AppError('not-found', 'No such counter');
  recordAudit(tx, staff, municipalityOf(staff), now, {
    action,
    targetType: 'counter',
    targetId: target.id,
    locationId: target.locationId,
  });
  return updated;
}

/** Closes the counter. Refused while a ticket is called or served there (finish, park or transfer it). */
export function signOutCounter(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number },
): CounterRow {
  const now = deps.clock.now();
  const counter = queueTransaction(deps.db, (tx) => {
    const target = loadCounter(tx, input.counterId);
    const staff = assertOperator(principal, target);
    if (hasActiveTicket({ ...deps, db: tx }, target.id)) {
      throw new AppError('invalid-state', 'Finish, park or transfer the current ticket first');
    }
    return setCounterState(tx, staff, target, now, 'counter.signed-out', {
      state: 'closed',
      agentId: null,
      stateSince: now,
    });
  });
  deps.events.publish('counter:updated', { locationId: counter.locationId, counterId: counter.id });
  return counter;
}

/** Pause (a break: the counter calls nobody) or resume. */
export function pauseCounter(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number; paused: boolean },
): CounterRow {
  const now = deps.clock.now();
  const counter = queueTransaction(deps.db, (tx) => {
    const target = loadCounter(tx, input.counterId);
    const staff = assertOperator(principal, target);
    if (target.state === 'closed' || target.agentId === null)
      throw new AppError('invalid-state', 'Sign in at the counter first');
    const state = input.paused ? 'paused' : 'open';
    return setCounterState(tx, staff, target, now, input.paused ? 'counter.paused' : 'counter.resumed', {
      state,
      stateSince: target.state === state ? target.stateSince : now,
    });
  });
  deps.events.publish('counter:updated', { locationId: counter.locationId, counterId: counter.id });
  return counter;
}

/** The counter the staff member is signed in at (hub commands without a counter id use it). */
export function requireOwnCounter(deps: Deps, principal: Principal | null | undefined): CounterRow {
  if (principal?.kind !== 'staff') throw new AppError('unauthorized', 'Sign in first');
  const counter = counterOfAgent(deps.db, principal.userId);
  if (!counter) throw new AppError('invalid-state', 'Sign in at a counter first');
  return counter;
}

import type { Principal, StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import { assertOperator, assertStaffAt, type CounterRow, loadCounter } from './access.ts';
import { publishQueueChange, type QueueChange } from './queue-change.ts';
import { queueWrite } from './queue-transaction.ts';

function municipalityOf(staff: StaffPrincipal): string {
  return staff.municipalityId;
}

/** Counters as the screens see them after a change (agent name, skills), read in its transaction, for the hub. */
async function changedCounters(tx: Repositories, changed: (CounterRow | null)[]): Promise<QueueChange[]> {
  const out: QueueChange[] = [];
  for (const locationId of new Set(changed.flatMap((c) => (c ? [c.locationId] : [])))) {
    const ids = new Set(changed.flatMap((c) => (c && c.locationId === locationId ? [c.id] : [])));
    const counters = (await tx.queue.counters(locationId)).filter((c) => ids.has(c.id));
    out.push({ locationId, tickets: [], counters });
  }
  return out;
}

/** After commit: the counters for the hub (queue-change.ts), then a fact per counter. */
function publishCounters(deps: Deps, changes: QueueChange[], counters: (CounterRow | null)[]): void {
  for (const change of changes) publishQueueChange(deps.events, change);
  for (const c of counters)
    if (c) deps.events.publish('counter:updated', { locationId: c.locationId, counterId: c.id });
}

/**
 * A staff member takes a counter: it opens with them as its agent. Someone else's counter is a 409;
 * the counter they were at before is closed (one counter per person).
 */
export async function signInCounter(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number },
): Promise<CounterRow> {
  const now = deps.clock.now();
  const { counter, left, changes } = await queueWrite(deps, async (tx) => {
    const target = await loadCounter(tx, input.counterId);
    const staff = assertStaffAt(principal, target.locationId);
    if (!target.active) throw new AppError('invalid-state', 'This counter is not in use');
    if (target.agentId !== null && target.agentId !== staff.userId) {
      throw new AppError('conflict', 'Someone else is signed in at this counter');
    }
    let left: CounterRow | null = null;
    const previous = await tx.queue.counterOfAgent(staff.userId);
    if (previous && previous.id !== target.id) {
      if (await tx.queue.hasActiveTicket(previous.id)) {
        throw new AppError('invalid-state', `Finish the ticket at ${previous.name} first`);
      }
      left = await tx.queue.updateCounter(previous.id, { state: 'closed', agentId: null, stateSince: now });
    }
    const counter = await tx.queue.updateCounter(target.id, {
      state: target.agentId === staff.userId ? target.state : 'open',
      agentId: staff.userId,
      stateSince: target.agentId === staff.userId ? target.stateSince : now,
    });
    if (!counter) throw new AppError('not-found', 'No such counter');
    await tx.audit.record(staff, municipalityOf(staff), now, {
      action: 'counter.signed-in',
      targetType: 'counter',
      targetId: target.id,
      locationId: target.locationId,
    });
    return { counter, left, changes: await changedCounters(tx, [left, counter]) };
  });
  publishCounters(deps, changes, [left, counter]);
  return counter;
}

/** Updates the counter's state and audits it in the caller's transaction. */
async function setCounterState(
  tx: Repositories,
  staff: StaffPrincipal,
  target: CounterRow,
  now: Date,
  action: string,
  set: Partial<Pick<CounterRow, 'state' | 'agentId' | 'stateSince'>>,
): Promise<CounterRow> {
  const updated = await tx.queue.updateCounter(target.id, set);
  if (!updated) throw new AppError('not-found', 'No such counter');
  await tx.audit.record(staff, municipalityOf(staff), now, {
    action,
    targetType: 'counter',
    targetId: target.id,
    locationId: target.locationId,
  });
  return updated;
}

/** Closes the counter. Refused while a ticket is called or served there (finish, park or transfer it). */
export async function signOutCounter(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number },
): Promise<CounterRow> {
  const now = deps.clock.now();
  const { counter, changes } = await queueWrite(deps, async (tx) => {
    const target = await loadCounter(tx, input.counterId);
    const staff = assertOperator(principal, target);
    if (await tx.queue.hasActiveTicket(target.id)) {
      throw new AppError('invalid-state', 'Finish, park or transfer the current ticket first');
    }
    const counter = await setCounterState(tx, staff, target, now, 'counter.signed-out', {
      state: 'closed',
      agentId: null,
      stateSince: now,
    });
    return { counter, changes: await changedCounters(tx, [counter]) };
  });
  publishCounters(deps, changes, [counter]);
  return counter;
}

/** Pause (a break: the counter calls nobody) or resume. */
export async function pauseCounter(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number; paused: boolean },
): Promise<CounterRow> {
  const now = deps.clock.now();
  const { counter, changes } = await queueWrite(deps, async (tx) => {
    const target = await loadCounter(tx, input.counterId);
    const staff = assertOperator(principal, target);
    if (target.state === 'closed' || target.agentId === null)
      throw new AppError('invalid-state', 'Sign in at the counter first');
    const state = input.paused ? 'paused' : 'open';
    const counter = await setCounterState(tx, staff, target, now, input.paused ? 'counter.paused' : 'counter.resumed', {
      state,
      stateSince: target.state === state ? target.stateSince : now,
    });
    return { counter, changes: await changedCounters(tx, [counter]) };
  });
  publishCounters(deps, changes, [counter]);
  return counter;
}

/** The counter the staff member is signed in at (hub commands without a counter id use it). */
export async function requireOwnCounter(deps: Deps, principal: Principal | null | undefined): Promise<CounterRow> {
  if (principal?.kind !== 'staff') throw new AppError('unauthorized', 'Sign in first');
  const counter = await deps.storage.read.queue.counterOfAgent(principal.userId);
  if (!counter) throw new AppError('invalid-state', 'Sign in at a counter first');
  return counter;
}

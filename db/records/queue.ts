import { and, type Column, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { CounterInfo, LineTicket, LocationRow, ServiceInfo } from '../../server/queue/queue-model.ts';
import type { RecentCallRecord } from '../../server/queue/queue-store.ts';
import type { ServiceSample } from '../../server/queue/service-times.ts';

/**
 * Rows → queue records (server/queue/queue-model.ts), the same on SQLite and PostgreSQL: each engine's
 * repository (`db/sqlite/queue-store.ts`, `db/pg/queue-store.ts`) runs its own queries and hands the rows here.
 */

/**
 * The configuration every queue read needs (location, services, counter skills) changes rarely; the triggers
 * bump `scheduling_config_version` on every change, by any process or node. Each engine keeps one such cache,
 * keyed by that version: a read costs one tiny query for the version instead of several. Counter state, agent
 * and name are always read fresh.
 */
export interface QueueConfigCache {
  version: number;
  locations: Map<string, LocationRow>;
  services: Map<string, ServiceInfo[]>;
  skills: Map<string, Map<number, string[]>>;
}

export function emptyQueueConfig(version: number): QueueConfigCache {
  return { version, locations: new Map(), services: new Map(), skills: new Map() };
}

/** The statuses of a ticket on the line (call-next's `callLine`). */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['waiting', 'called', 'serving']);

/**
 * A kept call line (ARCHITECTURE.md, "The call line in memory") is read in full after this many answers: a bound on
 * what a ticket row changed without a fact (a fix written straight into the database) can cost, as the hub's live
 * view has its age bound. A read per hundred presses.
 */
export const MAX_KEPT_ANSWERS = 100;

/**
 * A kept line (in ticket id order) with ticket `id` as it is now: `ticket` in its place by id, or gone (undefined:
 * no longer active, or not of this line). A new array: an answer handed out stays as it was.
 */
export function withLineTicket(line: readonly LineTicket[], id: number, ticket: LineTicket | undefined): LineTicket[] {
  const out = line.filter((t) => t.row.id !== id);
  if (ticket) {
    let at = out.length;
    while (at > 0 && (out[at - 1] as LineTicket).row.id > id) at--;
    out.splice(at, 0, ticket);
  }
  return out;
}

/** A service row of either engine, with whether (and how) the location offers it. */
export function toServiceInfo(
  s: {
    id: number;
    code: string;
    ticketLetter: string;
    minutesPerPerson: number;
    targetWaitMinutes: number;
    maxPersons: number;
  },
  offer: { walkIn: boolean } | null,
): ServiceInfo {
  return {
    id: s.id,
    code: s.code,
    letter: s.ticketLetter,
    minutesPerPerson: s.minutesPerPerson,
    targetWaitMinutes: s.targetWaitMinutes,
    maxPersons: s.maxPersons,
    walkIn: offer?.walkIn ?? false,
    offered: offer !== null,
  };
}

/** A counter row with its agent's name and its skills (service codes). */
export function toCounterInfo(
  counter: Pick<CounterInfo, 'id' | 'name' | 'active' | 'state' | 'agentId'>,
  agentName: string | null | undefined,
  skills: string[] | undefined,
): CounterInfo {
  return {
    id: counter.id,
    name: counter.name,
    active: counter.active,
    state: counter.state,
    agentId: counter.agentId,
    agentName: agentName ?? null,
    skills: skills ?? [],
  };
}

/** A `called` or `recalled` ticket event (with a counter) and its ticket's number. */
export function toRecentCall(r: {
  ticketId: number;
  number: string;
  counterId: number | null;
  at: Date;
  type: string;
}): RecentCallRecord {
  return {
    ticketId: r.ticketId,
    number: r.number,
    counterId: r.counterId as number,
    at: r.at,
    recall: r.type === 'recalled',
  };
}

/**
 * Finished tickets joined with their items (one row per item, a ticket's rows together) → one sample each. A
 * call-and-start visit (its `started` event says so; it ends at the clerk's next press) gets when the ticket that
 * press called at its counter was waiting, from the same history's events (`waitEventQuery`): the learner keeps it
 * only if the clerk had someone to call (service-times.ts).
 */
export function serviceSamplesOf(
  rows: readonly {
    id: number;
    counterId: number | null;
    startedAt: Date | null;
    finishedAt: Date | null;
    code: string;
    persons: number;
  }[],
  events: readonly {
    ticketId: number;
    type: string;
    at: Date;
    data: Record<string, unknown> | null;
    counterId: number | null;
  }[],
): ServiceSample[] {
  const callAndStart = new Set<number>();
  const callAt = new Map<string, number>();
  const lineSince = new Map<number, number[]>();
  for (const e of events) {
    if (e.type === 'started' && e.data?.callAndStart === true) callAndStart.add(e.ticketId);
    else if (e.type === 'called' && e.counterId !== null) callAt.set(`${e.counterId}@${e.at.getTime()}`, e.ticketId);
    else if (e.type === 'issued' || e.type === 'returned') {
      const times = lineSince.get(e.ticketId) ?? [];
      times.push(e.at.getTime());
      lineSince.set(e.ticketId, times);
    }
  }
  const samples = new Map<number, ServiceSample>();
  for (const r of rows) {
    if (!r.startedAt || !r.finishedAt) continue;
    let s = samples.get(r.id);
    if (!s) {
      s = { services: [], counterId: r.counterId, minutes: (r.finishedAt.getTime() - r.startedAt.getTime()) / 60_000 };
      if (callAndStart.has(r.id)) {
        const end = r.finishedAt.getTime();
        const next = callAt.get(`${r.counterId}@${end}`);
        // In line since its last issue or return before that call; none in the window: since before this visit.
        let since = Number.NEGATIVE_INFINITY;
        for (const t of next === undefined ? [] : (lineSince.get(next) ?? [])) if (t <= end && t > since) since = t;
        s.nextWaitingMinutes = next === undefined ? null : Math.max(0, (since - r.startedAt.getTime()) / 60_000);
      }
      samples.set(r.id, s);
    }
    s.services.push({ code: r.code, persons: r.persons });
  }
  return [...samples.values()];
}

// The queue's history reads, the same columns and conditions on both engines (drizzle's operators are
// dialect-free; the tables passed in are the engine's).
type Col = Column;

/** UTC+14 (Kiribati): no local day starts earlier than its date at 00:00 UTC minus this. */
const EARLIEST_ZONE_OFFSET_MS = 14 * 3_600_000;

/** A call (`called`/`recalled` with a counter) of the location's service day, with its ticket's number. */
export function recentCallQuery<
  E extends { ticketId: Col; counterId: Col; at: Col; type: Col; locationId: Col },
  T extends { number: Col; serviceDate: Col },
>(events: E, tickets: T, locationId: string, serviceDate: string) {
  return {
    columns: {
      ticketId: events.ticketId,
      number: tickets.number,
      counterId: events.counterId,
      at: events.at,
      type: events.type,
    } as {
      ticketId: E['ticketId'];
      number: T['number'];
      counterId: E['counterId'];
      at: E['at'];
      type: E['type'];
    },
    where: and(
      eq(events.locationId, locationId),
      // A ticket of service day D is called on D in its office's zone, so not before D 00:00 UTC − 14 h (the
      // earliest zone): the bound lets the (location, at) index read one day's events, not the office's history.
      gte(events.at, new Date(Date.parse(`${serviceDate}T00:00:00Z`) - EARLIEST_ZONE_OFFSET_MS)),
      inArray(events.type, ['called', 'recalled']),
      eq(tickets.serviceDate, serviceDate),
      isNotNull(events.counterId),
    ),
  };
}

/** Finished tickets of the location since `since`, one row per item: what `serviceSamplesOf` groups. */
export function learningSampleQuery<
  T extends { id: Col; counterId: Col; startedAt: Col; finishedAt: Col; locationId: Col; status: Col },
  S extends { code: Col },
  I extends { persons: Col },
>(tickets: T, services: S, items: I, locationId: string, since: Date) {
  return {
    columns: {
      id: tickets.id,
      counterId: tickets.counterId,
      startedAt: tickets.startedAt,
      finishedAt: tickets.finishedAt,
      code: services.code,
      persons: items.persons,
    } as Pick<T, 'id' | 'counterId' | 'startedAt' | 'finishedAt'> & { code: S['code']; persons: I['persons'] },
    where: and(
      eq(tickets.locationId, locationId),
      eq(tickets.status, 'done'),
      gte(tickets.startedAt, since),
      isNotNull(tickets.finishedAt),
    ),
  };
}

/**
 * The location's issued, called, started, no-show, returned and cancelled events since `since` (how long people
 * waited, and who had left before their call: queue/patience.ts).
 */
export function waitEventQuery<
  E extends { ticketId: Col; type: Col; at: Col; data: Col; counterId: Col; locationId: Col },
>(events: E, locationId: string, since: Date) {
  return {
    // counterId: which counter's press called whom (a call-and-start visit's successor, serviceSamplesOf).
    columns: {
      ticketId: events.ticketId,
      type: events.type,
      at: events.at,
      data: events.data,
      counterId: events.counterId,
    } as Pick<E, 'ticketId' | 'type' | 'at' | 'data' | 'counterId'>,
    where: and(
      eq(events.locationId, locationId),
      gte(events.at, since),
      inArray(events.type, ['issued', 'called', 'started', 'no-show', 'returned', 'cancelled']),
    ),
  };
}

import type { CallDto, QueueSnapshot, TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { estimateWaits } from '../queue/estimate-waits.ts';
import { loadCounters, loadLocation } from '../queue/queue-config.ts';
import { buildSnapshot, counterNamesOf, toCounterDto, toTicketDto } from '../queue/queue-dto.ts';
import type { QueueState } from '../queue/queue-model.ts';
import { loadQueueState, withDetails } from '../queue/queue-state.ts';
import { loadTicketRows } from '../queue/queue-statements.ts';
import { locationRoom, staffRooms, ticketRoom } from './rooms.ts';
import type { HubServer } from './types.ts';

interface Pending {
  issued: Set<number>;
  called: { ticketId: number; counterId: number; recall: boolean }[];
  updated: Set<number>;
  counters: Set<number>;
  /** Tickets as the facts carried them (newest wins), so they need no read. */
  carried: Map<number, TicketDto>;
  snapshot: boolean;
  ticker: boolean;
}

/** A command's follow-ups (call, then start) arrive within this window: one estimate run for both… */
const ESTIMATE_DEBOUNCE_MS = 50;
/** …for one location at most this often… */
const MIN_ESTIMATE_INTERVAL_MS = 250;
/** …and never take more than about this share of the process (a long line makes the predictor slow). */
const MAX_ESTIMATE_SHARE = 0.25;

/**
 * Turns domain events (from hub commands and HTTP twins alike) into socket facts, in two stages:
 * 1. facts (`ticket:issued`, `ticket:called`, `ticket:updated`, `counter:updated`) go out on the next
 *    tick, batched per location so one use-case's events cost one read of the queue;
 * 2. the live estimates (`wait:estimates`, and each followed ticket's position and expected wait on
 *    the residents' phones) follow every change within 50 ms, coalesced per location to at most one run per
 *    250 ms — and spaced further when the predictor itself is slow — so a burst of calls cannot make
 *    the displays wait for the forecaster.
 */
export interface Publisher {
  /** A snapshot of the location, shared by every socket (re)connecting before the queue changes again. */
  snapshot(locationId: string): QueueSnapshot | null;
  stop(): void;
}

/** A reconnect storm asks for thousands of snapshots of a few offices: compute each once per change. */
const SNAPSHOT_MAX_AGE_MS = 1000;

export function startPublisher(io: HubServer, deps: Deps): Publisher {
  const pending = new Map<string, Pending>();
  const snapshots = new Map<string, { at: number; snapshot: QueueSnapshot }>();
  let scheduled = false;
  const estimateTimers = new Map<string, NodeJS.Timeout>();
  const lastEstimate = new Map<string, { at: number; tookMs: number }>();
  let stopped = false;

  const entry = (locationId: string): Pending => {
    let p = pending.get(locationId);
    snapshots.delete(locationId);
    if (!p) {
      p = {
        issued: new Set(),
        called: [],
        updated: new Set(),
        counters: new Set(),
        carried: new Map(),
        snapshot: false,
        ticker: false,
      };
      pending.set(locationId, p);
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return p;
  };

  /** A later fact about the same ticket without a DTO means the carried one may be stale: read it. */
  const carry = (p: Pending, e: { ticketId: number; ticket?: TicketDto }): Pending => {
    if (e.ticket) p.carried.set(e.ticketId, e.ticket);
    else p.carried.delete(e.ticketId);
    return p;
  };

  function flush(): void {
    scheduled = false;
    const batch = [...pending.entries()];
    pending.clear();
    for (const [locationId, p] of batch) {
      try {
        publishFacts(locationId, p);
      } catch (err) {
        deps.log.error('hub publish failed', { locationId, error: err instanceof Error ? err.message : String(err) });
      }
      scheduleEstimates(locationId);
    }
  }

  function publishFacts(locationId: string, p: Pending): void {
    const now = deps.clock.now();
    const room = io.to(locationRoom(locationId));
    // Displays and kiosks show calls, waits and counters; per-ticket churn goes to the staff only.
    const staff = io.to(staffRooms(locationId));
    if (p.snapshot || p.ticker || p.counters.size > 0) {
      const location = loadLocation(deps.db, locationId);
      if (!location) return;
      if (p.ticker) room.emit('display:ticker-changed', { locationId, text: location.tickerText });
      // The whole queue is read only when a counter's current ticket or a snapshot is needed.
      const state = p.snapshot || p.counters.size > 0 ? loadQueueState(deps.db, location, now) : null;
      if (p.snapshot && state) room.emit('queue:snapshot', buildSnapshot(deps.db, state));
      for (const counterId of p.counters) {
        const counter = state?.counters.find((c) => c.id === counterId);
        if (counter) room.emit('counter:updated', toCounterDto(counter, locationId));
      }
    }
    // Facts that carry their ticket (call-next) cost no read; the others read just their tickets.
    const view = new Map(p.carried);
    const missing = [...new Set([...p.issued, ...p.updated, ...p.called.map((c) => c.ticketId)])].filter(
      (id) => !view.has(id),
    );
    if (missing.length > 0) {
      const names = new Map(loadCounters(deps.db, locationId).map((c) => [c.id, c.name]));
      // Position and estimate of waiting tickets follow in stage 2 (or come with the command's answer).
      for (const t of withDetails(deps.db, loadTicketRows(deps.db, missing))) view.set(t.row.id, toTicketDto(t, names));
    }
    for (const id of p.issued) {
      const dto = view.get(id);
      if (dto) staff.emit('ticket:issued', dto);
    }
    for (const id of p.updated) {
      const dto = view.get(id);
      if (dto && !p.issued.has(id)) staff.emit('ticket:updated', dto);
    }
    for (const c of p.called) {
      const ticket = view.get(c.ticketId);
      if (!ticket) continue;
      const call: CallDto = {
        ticketId: c.ticketId,
        number: ticket.number,
        counterId: c.counterId,
        counterName: ticket.counterId === c.counterId ? (ticket.counterName ?? '') : '',
        calledAt: ticket.calledAt ?? now.toISOString(),
        recall: c.recall,
      };
      room.emit('ticket:called', { ...call, ticket });
    }
    // Residents following a ticket that left the line (called, done, …) hear it at once.
    for (const dto of view.values()) {
      if (dto.status !== 'waiting' && io.sockets.adapter.rooms.has(ticketRoom(dto.publicId))) {
        io.to(ticketRoom(dto.publicId)).emit('ticket:updated', { ...dto, appointmentReference: null });
      }
    }
  }

  function scheduleEstimates(locationId: string): void {
    if (stopped || estimateTimers.has(locationId)) return;
    const last = lastEstimate.get(locationId);
    const spacing = Math.max(MIN_ESTIMATE_INTERVAL_MS, (last?.tookMs ?? 0) / MAX_ESTIMATE_SHARE);
    const wait = Math.max(ESTIMATE_DEBOUNCE_MS, last ? last.at + spacing - Date.now() : 0);
    const timer = setTimeout(() => {
      estimateTimers.delete(locationId);
      const started = Date.now();
      try {
        publishEstimates(locationId);
      } catch (err) {
        deps.log.error('hub estimates failed', { locationId, error: err instanceof Error ? err.message : String(err) });
      }
      lastEstimate.set(locationId, { at: started, tookMs: Date.now() - started });
    }, wait);
    timer.unref?.();
    estimateTimers.set(locationId, timer);
  }

  function publishEstimates(locationId: string): void {
    const location = loadLocation(deps.db, locationId);
    if (!location) return;
    const now = deps.clock.now();
    const state: QueueState = loadQueueState(deps.db, location, now);
    const estimates = estimateWaits(state, { live: true });
    io.to(locationRoom(locationId)).emit('wait:estimates', {
      locationId,
      at: now.toISOString(),
      waits: estimates.waits,
    });
    const rooms = io.sockets.adapter.rooms;
    const names = counterNamesOf(state);
    for (const t of state.tickets) {
      if (t.row.status === 'waiting' && rooms.has(ticketRoom(t.row.publicId))) {
        io.to(ticketRoom(t.row.publicId)).emit('ticket:updated', {
          ...toTicketDto(t, names, estimates),
          appointmentReference: null,
        });
      }
    }
  }

  const stops = [
    deps.events.subscribe('ticket:issued', (e) => carry(entry(e.locationId), e).issued.add(e.ticketId)),
    deps.events.subscribe('ticket:updated', (e) => carry(entry(e.locationId), e).updated.add(e.ticketId)),
    deps.events.subscribe('ticket:called', (e) => carry(entry(e.locationId), e).called.push(e)),
    deps.events.subscribe('counter:updated', (e) => entry(e.locationId).counters.add(e.counterId)),
    // A set-up change (renamed or removed counter, services, rules) or a new ticker text: every display,
    // kiosk and console of the location gets a fresh snapshot on the next tick.
    deps.events.subscribe('location:changed', (e) => {
      const p = entry(e.locationId);
      p.snapshot = true;
      if (e.reason === 'ticker') p.ticker = true;
    }),
  ];
  return {
    snapshot: (locationId) => {
      const cached = snapshots.get(locationId);
      if (cached && Date.now() - cached.at < SNAPSHOT_MAX_AGE_MS && !pending.has(locationId)) return cached.snapshot;
      const location = loadLocation(deps.db, locationId);
      if (!location) return null;
      const snapshot = buildSnapshot(deps.db, loadQueueState(deps.db, location, deps.clock.now()));
      snapshots.set(locationId, { at: Date.now(), snapshot });
      return snapshot;
    },
    stop: () => {
      stopped = true;
      for (const stop of stops) stop();
      for (const t of estimateTimers.values()) clearTimeout(t);
      estimateTimers.clear();
    },
  };
}

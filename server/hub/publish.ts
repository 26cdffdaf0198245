import { inArray } from 'drizzle-orm';
import { tickets } from '../../db/schema/index.ts';
import type { CallDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { ticketView } from '../queue/queue-read.ts';
import {
  buildSnapshot,
  counterNamesOf,
  estimateWaits,
  loadLocation,
  loadQueueState,
  toCounterDto,
} from '../queue/queue-state.ts';
import { locationRoom, ticketRoom } from './rooms.ts';
import type { HubServer } from './types.ts';

interface Pending {
  issued: Set<number>;
  called: { ticketId: number; counterId: number; recall: boolean }[];
  updated: Set<number>;
  counters: Set<number>;
  snapshot: boolean;
}

/**
 * Turns domain events (from hub commands and HTTP twins alike) into socket facts. Events of one
 * use-case arrive together; they are batched per location until the next tick, so the queue is read
 * and the estimates computed once per change, not once per event.
 */
export function startPublisher(io: HubServer, deps: Deps): () => void {
  const pending = new Map<string, Pending>();
  let scheduled = false;

  const entry = (locationId: string): Pending => {
    let p = pending.get(locationId);
    if (!p) {
      p = { issued: new Set(), called: [], updated: new Set(), counters: new Set(), snapshot: false };
      pending.set(locationId, p);
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return p;
  };

  function flush(): void {
    scheduled = false;
    const batch = [...pending.entries()];
    pending.clear();
    for (const [locationId, p] of batch) {
      try {
        publishLocation(locationId, p);
      } catch (err) {
        deps.log.error('hub publish failed', { locationId, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  function publishLocation(locationId: string, p: Pending): void {
    const location = loadLocation(deps.db, locationId);
    if (!location) return;
    const now = deps.clock.now();
    const state = loadQueueState(deps.db, location, now);
    const estimates = estimateWaits(state);
    const names = counterNamesOf(state);
    const room = io.to(locationRoom(locationId));
    const touched = new Set<number>([...p.issued, ...p.updated, ...p.called.map((c) => c.ticketId)]);
    const rows = touched.size
      ? deps.db
          .select()
          .from(tickets)
          .where(inArray(tickets.id, [...touched]))
          .all()
      : [];
    const view = new Map(rows.map((r) => [r.id, ticketView(deps.db, r, now, state, estimates)]));

    if (p.snapshot) room.emit('queue:snapshot', buildSnapshot(deps.db, state));
    for (const id of p.issued) {
      const dto = view.get(id);
      if (dto) room.emit('ticket:issued', dto);
    }
    for (const id of p.updated) {
      const dto = view.get(id);
      if (dto && !p.issued.has(id)) room.emit('ticket:updated', dto);
    }
    for (const c of p.called) {
      const ticket = view.get(c.ticketId);
      if (!ticket) continue;
      const call: CallDto = {
        ticketId: c.ticketId,
        number: ticket.number,
        counterId: c.counterId,
        counterName: names.get(c.counterId) ?? '',
        calledAt: ticket.calledAt ?? now.toISOString(),
        recall: c.recall,
      };
      room.emit('ticket:called', { ...call, ticket });
    }
    for (const counterId of p.counters) {
      const counter = state.counters.find((c) => c.id === counterId);
      if (counter) room.emit('counter:updated', toCounterDto(counter, locationId));
    }
    room.emit('wait:estimates', { locationId, at: now.toISOString(), waits: estimates.waits });

    // Residents' phones: every followed ticket of this location gets its new position and estimate.
    const rooms = io.sockets.adapter.rooms;
    const followed = new Map(view);
    for (const t of state.tickets) {
      if (!followed.has(t.row.id) && rooms.has(ticketRoom(t.row.publicId))) {
        followed.set(t.row.id, ticketView(deps.db, t.row, now, state, estimates));
      }
    }
    for (const dto of followed.values()) {
      if (rooms.has(ticketRoom(dto.publicId))) {
        io.to(ticketRoom(dto.publicId)).emit('ticket:updated', { ...dto, appointmentReference: null });
      }
    }
  }

  const stops = [
    deps.events.subscribe('ticket:issued', (e) => entry(e.locationId).issued.add(e.ticketId)),
    deps.events.subscribe('ticket:updated', (e) => entry(e.locationId).updated.add(e.ticketId)),
    deps.events.subscribe('ticket:called', (e) => entry(e.locationId).called.push(e)),
    deps.events.subscribe('counter:updated', (e) => entry(e.locationId).counters.add(e.counterId)),
    // Anything else that changes a location's queue (e.g. a configuration change): send a fresh snapshot.
    deps.events.subscribe('queue:changed', (e) => {
      entry(e.locationId).snapshot = true;
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

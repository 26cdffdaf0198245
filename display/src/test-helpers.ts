import type { CallDto, QueueSnapshot } from '../../server/contracts/queue.ts';
import { makeTicketDto } from '../../shared-web/ticket-fixture.ts';
import type { HubSocket } from './use-display-feed.ts';

type Handler = (...args: unknown[]) => void;

/** A stand-in for a socket.io client: tests play the server by calling `serverEmit`. */
export class FakeSocket {
  connected = true;
  readonly emitted: { event: string; payload: unknown }[] = [];
  snapshot: QueueSnapshot | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();

  on(event: string, handler: Handler): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return this;
  }

  off(event: string, handler: Handler): this {
    this.handlers.get(event)?.delete(handler);
    return this;
  }

  emit(event: string, payload: unknown, ack?: (a: unknown) => void): this {
    this.emitted.push({ event, payload });
    if (event === 'queue:subscribe' && ack && this.snapshot) ack({ ok: true, data: this.snapshot });
    return this;
  }

  serverEmit(event: string, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  asSocket(): HubSocket {
    return this as unknown as HubSocket;
  }
}

export function makeCall(ticketId: number, number: string, counterName: string, calledAt: string, recall = false) {
  const call: CallDto = { ticketId, number, counterId: ticketId % 8, counterName, calledAt, recall };
  const ticket = makeTicketDto({
    id: ticketId,
    publicId: `pub-${ticketId}`,
    serviceDate: calledAt.slice(0, 10),
    number,
    status: 'called',
    counterId: call.counterId,
    counterName,
    callCount: recall ? 2 : 1,
    issuedAt: calledAt,
    calledAt,
    position: null,
  });
  return { ...call, ticket };
}

export function makeSnapshot(overrides: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return {
    locationId: 'haarlem-zijlsingel',
    serviceDate: '2026-11-23',
    at: '2026-11-23T09:00:00.000Z',
    tickets: [],
    counters: [],
    recentCalls: [],
    waits: [
      {
        code: 'passport',
        waiting: 3,
        status: 'wait',
        estimatedWait: { minutes: 8, low: 5, high: 10, band: '5-10' },
        opensAt: null,
      },
      {
        code: 'pickup',
        waiting: 1,
        status: 'wait',
        estimatedWait: { minutes: 2, low: 0, high: 5, band: 'lt5' },
        opensAt: null,
      },
    ],
    tickerText: 'Welkom',
    callAndStart: false,
    ...overrides,
  };
}

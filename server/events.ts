import { EventEmitter } from 'node:events';
import type { TicketDto } from './contracts/queue.ts';

/**
 * In-process domain events. Use-cases publish facts here after their transaction commits; mail, webhooks, … subscribe.
 * The hub does not send these to sockets: it sends the durable cluster log (`cluster_events`, written by triggers in
 * the same transaction, ARCHITECTURE.md#scale-out), and a fact published here only makes it read that log at once.
 * Use-cases never import socket.io. Each domain adds its facts to this map.
 */
export interface DomainEventMap {
  /**
   * A location's set-up changed (counters, services, rules, settings, closures) or its ticker text:
   * subscribers re-read the location. The hub sends every display and console a fresh snapshot.
   */
  'location:changed': { locationId: string; reason: 'setup' | 'ticker' };
  /** Appointment facts after commit (also the pickup booked with an application); webhooks subscribe. */
  'appointment:booked': { locationId: string; appointmentId: number };
  'appointment:cancelled': { locationId: string; appointmentId: number };
  'appointment:rescheduled': { locationId: string; appointmentId: number };
  /**
   * Queue facts, published by server/queue use-cases after commit; the hub turns them into socket events.
   * `ticket` is the ticket as clients see it, when the transaction had everything to build it (call-next):
   * subscribers then need no read at all; without it they read the ticket.
   */
  'ticket:issued': { locationId: string; ticketId: number; ticket?: TicketDto };
  'ticket:called': { locationId: string; ticketId: number; counterId: number; recall: boolean; ticket?: TicketDto };
  'ticket:updated': { locationId: string; ticketId: number; ticket?: TicketDto };
  'counter:updated': { locationId: string; counterId: number };
  /** A staff session (id = session id), a device (id = device id) or an API key (id = key id) lost its access: drop its sockets. */
  'auth:revoked': { kind: 'staff' | 'device' | 'api-key'; id: number };
}

export interface DomainEvents {
  publish<K extends keyof DomainEventMap>(type: K, payload: DomainEventMap[K]): void;
  subscribe<K extends keyof DomainEventMap>(type: K, listener: (payload: DomainEventMap[K]) => void): () => void;
}

export function createDomainEvents(): DomainEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  return {
    publish: (type, payload) => {
      emitter.emit(type, payload);
    },
    subscribe: (type, listener) => {
      emitter.on(type, listener as (p: unknown) => void);
      return () => emitter.off(type, listener as (p: unknown) => void);
    },
  };
}

import { EventEmitter } from 'node:events';

/**
 * In-process domain events. Use-cases publish facts here after their transaction commits; the hub
 * (and mail, statistics, …) subscribe. Use-cases never import socket.io.
 * Each domain adds its facts to this map.
 */
export interface DomainEventMap {
  'appointment:booked': { locationId: string; appointmentId: number };
  'appointment:cancelled': { locationId: string; appointmentId: number };
  'appointment:rescheduled': { locationId: string; appointmentId: number };
  /** Something in a location's queue changed; subscribers re-read what they need. */
  'queue:changed': { locationId: string; ticketId?: number; reason: string };
  /** Queue facts, published by server/queue use-cases after commit; the hub turns them into socket events. */
  'ticket:issued': { locationId: string; ticketId: number };
  'ticket:called': { locationId: string; ticketId: number; counterId: number; recall: boolean };
  'ticket:updated': { locationId: string; ticketId: number };
  'counter:updated': { locationId: string; counterId: number };
  /** A staff session (id = session id) or a device (id = device id) lost its access: drop its sockets. */
  'auth:revoked': { kind: 'staff' | 'device'; id: number };
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

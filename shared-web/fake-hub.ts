import type { Ack } from '../server/contracts/hub.ts';
import type { HubSocket } from './hub.ts';

type Handler = (...args: unknown[]) => void;

/**
 * A stand-in for the socket.io client in component tests. Commands are answered by `respond`, which
 * plays the server; `serverEmit` pushes facts. Supports `timeout(ms).emit` as shared-web's emitCommand uses it.
 */
export class FakeHub {
  connected = true;
  readonly commands: { event: string; payload: unknown }[] = [];
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(private readonly respond: (event: string, payload: unknown) => Ack) {}

  on(event: string, handler: Handler): this {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler);
    this.handlers.set(event, set);
    return this;
  }

  off(event: string, handler: Handler): this {
    this.handlers.get(event)?.delete(handler);
    return this;
  }

  emit(event: string, payload: unknown, ack?: (a: Ack) => void): this {
    this.commands.push({ event, payload });
    const answer = this.respond(event, payload);
    if (ack) queueMicrotask(() => ack(answer));
    return this;
  }

  timeout(_ms: number) {
    return {
      emit: (event: string, payload: unknown, cb: (err: Error | null, ack: Ack) => void) => {
        this.emit(event, payload, (a) => cb(null, a));
      },
    };
  }

  serverEmit(event: string, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
  }

  sent(event: string): unknown[] {
    return this.commands.filter((c) => c.event === event).map((c) => c.payload);
  }

  asSocket(): HubSocket {
    return this as unknown as HubSocket;
  }
}

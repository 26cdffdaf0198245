import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/hub.ts';
import type { TicketDto } from '../contracts/queue.ts';
import type { SocketGuard } from './abuse.ts';

export interface SocketData {
  principal: Principal | null;
  /** Kept to re-check on every command: a token revoked meanwhile gets nothing. */
  token: string | null;
  /** When the token was last checked against the database (monotonic ms). */
  checkedAt: number;
  /** Rate limits and follow count of this socket (abuse.ts). */
  guard: SocketGuard;
}

/** Between nodes (through the Redis adapter): the estimates one node computed, for the others' followers. */
export interface InterServerEvents {
  'hub:followers': (tickets: TicketDto[]) => void;
}
export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

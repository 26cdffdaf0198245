import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.ts';
import type { ClusterFactKind } from '../cluster/log-store.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/hub.ts';
import type { CounterDto, TicketDto } from '../contracts/queue.ts';
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

/**
 * One fact of the cluster log as the node whose use-case made it sent it to its own sockets (publish.ts): the other
 * nodes send the same ticket or counter for that seq instead of reading it back (ARCHITECTURE.md#scale-out).
 */
export interface PeerFact {
  seq: number;
  kind: ClusterFactKind;
  ticketId: number | null;
  counterId: number | null;
  ticket?: TicketDto;
  counter?: CounterDto;
}

/** Between nodes (through the Redis adapter). */
export interface InterServerEvents {
  /** The estimates one node computed, for the others' followers. */
  'hub:followers': (tickets: TicketDto[]) => void;
  /** The facts of a change, with what the node that made it built, for the others (who then read nothing). */
  'hub:facts': (locationId: string, facts: PeerFact[]) => void;
}
export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

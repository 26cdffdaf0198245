import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.ts';
import type { ClusterFactKind } from '../cluster/log-store.ts';
import type { CallEstimates, ClientToServerEvents, ServerToClientEvents } from '../contracts/hub.ts';
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
  /**
   * The log's `detail` (call or recall, …): with it a node sends the fact as soon as the message comes, ahead of the
   * log, when it follows the office's newest seq there (nodes of before 2026-12-07 leave it out: read first).
   */
  detail?: string | null;
  ticket?: TicketDto;
  counter?: CounterDto;
  /**
   * On the round's last call: the office's waits after it, computed at once by the node that made it — every node
   * sends them with its `ticket:called` (one message per screen), and the next run for the cluster sends no
   * `wait:estimates` when it finds the same waits. A node that sent the call before this arrived sends them then.
   */
  estimates?: CallEstimates;
}

/**
 * What one node tells the others about the tickets its sockets follow (publish.ts): with these the node computing
 * an office's estimates for the cluster builds follower updates only for tickets someone follows.
 */
export interface FollowsMessage {
  /** The sending process (a random id per start). */
  node: string;
  /** Every ticket it follows now (replaces what was known of it); else `added`/`removed` since its last message. */
  full?: string[];
  added?: string[];
  removed?: string[];
  /** It started, or heard of a node it knew nothing of: every node answers with its full list. */
  ask?: boolean;
  /**
   * Tickets just followed there, answered from a read that began after it had seen the office's facts up to `seq`:
   * a node whose last run for that office was after `seq`, and so may have left the ticket out, sends it now.
   */
  caughtUp?: { publicId: string; locationId: string; seq: number }[];
}

/** Between nodes (through the Redis adapter). */
export interface InterServerEvents {
  /**
   * The estimates one node computed, for the others' followers: only the followed tickets, with the office's seq
   * the run reflects (a node drops an update older than one it already sent that ticket's followers).
   */
  'hub:followers': (locationId: string, seq: number, tickets: TicketDto[]) => void;
  /** Which tickets a node's sockets follow (on change, in full every 10 s and when asked). */
  'hub:follows': (message: FollowsMessage) => void;
  /** The facts of a change, with what the node that made it built, for the others (who then read nothing). */
  'hub:facts': (locationId: string, facts: PeerFact[]) => void;
  /**
   * A revocation made on the sending node, sent just before the adapter's `disconnectSockets` for it: the others
   * forget the device's tokens in their handshake caches (hub.ts), whether or not a socket of it is theirs.
   */
  'hub:revoked': (message: { kind: 'staff' | 'device' | 'api-key'; id: number }) => void;
}
export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

import type { ErrorCode } from './errors.ts';
import type { CallDto, CallNextAnswer, CounterDto, QueueSnapshot, ServiceWaitDto, TicketDto } from './queue.ts';

/**
 * The one typed contract between the socket.io hub and every client. Server → client events are
 * facts (past tense); client → server events are commands (imperative) answered with an Ack.
 */
export type Ack<T = unknown> =
  | ({ ok: true; data: T } & CommandFacts)
  | { ok: false; error: { code: ErrorCode; message: string } };

/**
 * What a command's ack tells a socket that asked for batched facts (`HubAuth.facts`): the facts of its change were
 * not sent to it (the ack's data is the change), `seq` is the last of them — the client counts them as seen — and
 * `estimates` the waits a call carried to the others. Absent when the socket did get the facts (e.g. the round
 * held facts of other changes too, or the hub did not publish them in time): then nothing is skipped.
 */
export interface CommandFacts {
  seq?: number;
  estimates?: CallEstimates;
}
export type AckFn<T = unknown> = (ack: Ack<T>) => void;

/**
 * Where a queue fact stands in its location's sequence (ARCHITECTURE.md#scale-out): `seq` numbers the location's
 * facts 1, 2, 3, … across every node; `prev` is the seq of the previous fact this socket was sent (`seq - 1` for
 * staff, who get every fact; the previous public fact for kiosks and displays). A client whose last seq is below
 * `prev` missed a fact and asks for a snapshot; a fact at or below its last seq is stale and ignored.
 * Optional in the types because a resident's followed ticket (`ticket:updated` to a ticket room) has none.
 */
export interface FactOrder {
  seq?: number;
  prev?: number;
}

/** The waits sent with a call (`ticket:called`), as `wait:estimates` sends them. */
export interface CallEstimates {
  at: string;
  waits: ServiceWaitDto[];
}

/** A snapshot with the seq of the last fact it contains: facts up to it are in it. */
export type HubSnapshot = QueueSnapshot & { seq?: number };

/**
 * A `queue:subscribe` ack for a client that said which seq it had (`seq` in the request): this socket was already
 * sent the office's snapshot at `seq` on this connection (at the handshake, or an earlier subscription) and nothing
 * has happened since — the client is up to date and no snapshot is built or sent again. It has no `locationId`, so a
 * client that does not know it (before 2026-12-07) ignores it as a snapshot of another office.
 */
export interface SnapshotCurrent {
  current: true;
  seq: number;
}

export interface ServerToClientEvents {
  'queue:snapshot': (snapshot: HubSnapshot) => void;
  'ticket:issued': (ticket: TicketDto & FactOrder) => void;
  /**
   * `estimates`: the office's waits after the call, when the node had them at once (one node without Redis); the
   * same as a `wait:estimates` payload, which then does not follow for this call.
   */
  'ticket:called': (call: CallDto & { ticket: TicketDto; estimates?: CallEstimates } & FactOrder) => void;
  'ticket:updated': (ticket: TicketDto & FactOrder) => void;
  'counter:updated': (counter: CounterDto & FactOrder) => void;
  'wait:estimates': (payload: { locationId: string; at: string; waits: ServiceWaitDto[] }) => void;
  'display:ticker-changed': (payload: { locationId: string; text: string } & FactOrder) => void;
  /**
   * Staff sockets that asked for it (`HubAuth.facts: 'batched'`) get a round's facts of one office as one message,
   * in seq order, each as the event of the same name would carry it — instead of one message per fact.
   */
  'queue:facts': (batch: { locationId: string; facts: BatchedFact[] }) => void;
}

/** One fact of a `queue:facts` batch: the event it stands for and that event's payload. */
export type BatchedFact = {
  [E in Exclude<keyof ServerToClientEvents, 'queue:snapshot' | 'queue:facts' | 'wait:estimates'>]: {
    event: E;
    data: Parameters<ServerToClientEvents[E]>[0];
  };
}[Exclude<keyof ServerToClientEvents, 'queue:snapshot' | 'queue:facts' | 'wait:estimates'>];

/**
 * What a client may put in `io(origin, { auth })`. `token`: a staff token (POST /api/v1/sessions) or a
 * device token; without one only `ticket:follow` works. Staff may name the location to watch (else:
 * the location of the counter they are signed in at, or their only location). `follow`: a ticket's
 * public id, followed on every (re)connect.
 */
export interface HubAuth {
  token?: string;
  locationId?: string;
  follow?: string;
  /**
   * `batched` (staff; the consoles since #9): a round's facts come as one `queue:facts`, and the facts of this
   * socket's own commands not at all — their acks carry the change and its `seq` (`CommandFacts`). Without it
   * (clients of before), one event per fact, the own changes' included.
   */
  facts?: 'batched';
}

/**
 * Counter commands act on the counter the staff member is signed in at; `counterId` lets a supervisor
 * act on another counter of their location.
 */
export interface ClientToServerEvents {
  'counter:sign-in': (payload: { counterId: number }, ack: AckFn<CounterDto>) => void;
  'counter:sign-out': (payload: { counterId?: number }, ack: AckFn<CounterDto>) => void;
  'counter:pause': (payload: { paused: boolean; counterId?: number }, ack: AckFn<CounterDto>) => void;
  /**
   * Answered like `POST /counters/{counterId}/call-next` (before #8 the data was the bare ticket or null), and with
   * the ticket the press finished (`finished`, since #9: a batched socket is not sent that change).
   */
  'queue:call-next': (
    payload: { counterId?: number },
    ack: AckFn<CallNextAnswer & { finished?: TicketDto | null }>,
  ) => void;
  'ticket:recall': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  'ticket:start': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  'ticket:finish': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  'ticket:no-show': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  'ticket:return': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  'ticket:transfer': (
    payload: { ticketId: number; serviceCode?: string; counterId?: number },
    ack: AckFn<TicketDto>,
  ) => void;
  'ticket:park': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  'ticket:cancel': (payload: { ticketId: number }, ack: AckFn<TicketDto>) => void;
  /** Residents' phone status page: follow one ticket by its public id. */
  'ticket:follow': (payload: { publicId: string }, ack: AckFn<TicketDto>) => void;
  /**
   * `seq`: the newest seq the client applied for this office (it has a snapshot of it): the ack is then
   * `SnapshotCurrent` when that snapshot is still current. Without it, always the snapshot.
   */
  'queue:subscribe': (payload: { locationId: string; seq?: number }, ack: AckFn<HubSnapshot | SnapshotCurrent>) => void;
}

import type { ErrorCode } from './errors.ts';
import type { CallDto, CallNextAnswer, CounterDto, QueueSnapshot, ServiceWaitDto, TicketDto } from './queue.ts';

/**
 * The one typed contract between the socket.io hub and every client. Server → client events are
 * facts (past tense); client → server events are commands (imperative) answered with an Ack.
 */
export type Ack<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
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
}

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
}

/**
 * Counter commands act on the counter the staff member is signed in at; `counterId` lets a supervisor
 * act on another counter of their location.
 */
export interface ClientToServerEvents {
  'counter:sign-in': (payload: { counterId: number }, ack: AckFn<CounterDto>) => void;
  'counter:sign-out': (payload: { counterId?: number }, ack: AckFn<CounterDto>) => void;
  'counter:pause': (payload: { paused: boolean; counterId?: number }, ack: AckFn<CounterDto>) => void;
  /** Answered like `POST /counters/{counterId}/call-next` (before #8 the data was the bare ticket or null). */
  'queue:call-next': (payload: { counterId?: number }, ack: AckFn<CallNextAnswer>) => void;
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
  'queue:subscribe': (payload: { locationId: string }, ack: AckFn<HubSnapshot>) => void;
}

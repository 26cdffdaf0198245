import type { PatienceEvent } from './patience.ts';
import type {
  ActiveTicket,
  CounterInfo,
  CounterRow,
  LineTicket,
  LocationRow,
  ServiceInfo,
  TicketEventType,
  TicketRow,
  TicketSource,
  TicketStatus,
} from './queue-model.ts';
import type { ServiceSample } from './service-times.ts';

/**
 * The queue domain's data, as its use-cases need it (ARCHITECTURE.md#storage-seam): tickets, their
 * events, counters as the queue sees them, the location's queue configuration and learned service
 * times. Plain records (queue-model.ts); the SQLite implementation is `db/sqlite/queue-store.ts`.
 *
 * Concurrency: every method that decides something (a guarded update, a number) is called inside
 * `storage.write`, which serialises write transactions per process on SQLite (BEGIN IMMEDIATE: other
 * processes wait for the file's write lock). A PostgreSQL implementation must give the same guarantees
 * under READ COMMITTED where a method says so (the guard in the WHERE clause, a lock where named).
 * Methods are coarse on purpose: one call returns what one step of a use-case needs.
 */
export interface LiveQueue {
  /** Every service of the location's municipality in sort order, with whether the location offers it. */
  services: ServiceInfo[];
  /** The location's counters (active or not) by id, with agent name and skills. */
  counters: CounterInfo[];
  /** The day's waiting, called and serving tickets by id, with items and appointment references. */
  tickets: ActiveTicket[];
}

/** What call-next reads of the line (`QueueStore.callLine`): the live queue with lean tickets. */
export interface CallLine extends Omit<LiveQueue, 'tickets'> {
  /** The day's waiting, called and serving tickets by id, with items and appointment references. */
  tickets: LineTicket[];
}

export interface RecentCallRecord {
  ticketId: number;
  number: string;
  counterId: number;
  at: Date;
  recall: boolean;
}

export interface NewTicketRecord {
  municipalityId: string;
  locationId: string;
  serviceDate: string;
  /** The number's letter: the first service's. */
  letter: string;
  publicId: string;
  source: TicketSource;
  priority: number;
  appointmentId: number | null;
  dueAt: Date | null;
  requestKey: string | null;
  requestFingerprint: string | null;
  language: 'nl' | 'en';
  issuedAt: Date;
  queuedAt: Date;
  items: { serviceId: number; persons: number }[];
}

export type TicketChanges = Partial<
  Pick<
    TicketRow,
    | 'status'
    | 'counterId'
    | 'agentId'
    | 'targetCounterId'
    | 'callCount'
    | 'queuedAt'
    | 'calledAt'
    | 'startedAt'
    | 'finishedAt'
  >
>;

export interface TicketEventRecord {
  ticketId: number;
  locationId: string;
  type: TicketEventType;
  at: Date;
  counterId: number | null;
  agentId: number | null;
  data: Record<string, unknown> | null;
}

/** An appointment as the check-in sees it. */
export interface CheckInAppointment {
  id: number;
  locationId: string;
  startsAt: Date;
  status: 'held' | 'booked' | 'checked-in' | 'served' | 'no-show' | 'cancelled' | 'expired';
  language: 'nl' | 'en';
  items: { serviceId: number; persons: number }[];
}

export interface QueueStore {
  /**
   * The database this store reads, as an identity: the same object for every queue store on one database (the
   * read side and every write transaction; SQLite's reader and writer), another one for another database. What a
   * process keeps in memory about a database's data (learned-times.ts) is kept under it, so two databases in one
   * process (SQLite and PostgreSQL side by side in a test, two municipalities' stores) never read each other's.
   */
  readonly cacheScope: object;

  // --- Configuration (changes rarely; an implementation may cache it if every process sees a change at once:
  // SQLite checks `scheduling_config_version` on each call).
  location(locationId: string): Promise<LocationRow | null>;
  services(location: Pick<LocationRow, 'id' | 'municipalityId'>): Promise<ServiceInfo[]>;
  /** The location's counters by id (state and agent always fresh). */
  counters(locationId: string): Promise<CounterInfo[]>;

  // --- Reads for the live queue.
  /** One location's live queue for a service day, in one call (the hub reads it on every change). */
  liveQueue(location: Pick<LocationRow, 'id' | 'municipalityId'>, serviceDate: string): Promise<LiveQueue>;
  /**
   * The same for call-next, inside its write transaction: the tickets with only the columns it ranks and answers
   * with (LineTicket), as it reads every active ticket of the day on every press.
   */
  callLine(location: Pick<LocationRow, 'id' | 'municipalityId'>, serviceDate: string): Promise<CallLine>;
  /** The day's last calls and recalls at counters, newest first. */
  recentCalls(locationId: string, serviceDate: string, limit: number): Promise<RecentCallRecord[]>;
  /**
   * What the live predictor learns from, since `since`, in one call: finished tickets started since then (service
   * time samples) and the `issued`, `called`, `started`, `no-show`, `returned` and `cancelled` events (walk-ins'
   * patience, patience.ts).
   */
  learningHistory(
    locationId: string,
    since: Date,
  ): Promise<{ serviceSamples: ServiceSample[]; waitEvents: PatienceEvent[] }>;

  // --- Tickets.
  ticket(ticketId: number): Promise<TicketRow | null>;
  ticketByPublicId(publicId: string): Promise<TicketRow | null>;
  /** The ticket a kiosk request with this Idempotency-Key issued at the location (unique per location). */
  ticketByRequestKey(locationId: string, requestKey: string): Promise<TicketRow | null>;
  ticketOfAppointment(appointmentId: number): Promise<TicketRow | null>;
  /** Tickets by id with their items and appointment references, by id; unknown ids are left out. */
  ticketsWithDetails(ticketIds: readonly number[]): Promise<ActiveTicket[]>;
  /**
   * Inserts a ticket with the next sequence of its letter at the location on its service day (number
   * `P007`) and its items. Unique numbers per location and day (invariant 4): the max+1 read and the insert
   * happen in the caller's write transaction, which on SQLite no other writer can interleave with; on
   * PostgreSQL take a transaction lock per (location, day, letter) first. The unique index on (location,
   * day, number) is the last line of defence.
   */
  insertTicket(input: NewTicketRecord): Promise<TicketRow>;
  setPredictedWait(ticketId: number, seconds: number | null): Promise<void>;
  /**
   * The guarded update of every ticket transition (invariant 3, no ticket called twice): changes the ticket
   * only if its status is still `expected` (`… WHERE id = ? AND status = ?`), and returns it as stored after
   * the change; null when it was not (another counter took it, or it changed meanwhile).
   */
  updateTicketIf(ticketId: number, expected: TicketStatus, changes: TicketChanges): Promise<TicketRow | null>;
  /** A transfer: the ticket's items become this one service. */
  replaceTicketService(ticketId: number, serviceId: number, persons: number): Promise<void>;
  /** Appends to the ticket-event log (append-only: nothing ever updates or deletes these rows). */
  appendTicketEvent(event: TicketEventRecord): Promise<void>;

  // --- Counters.
  counter(counterId: number): Promise<CounterRow | null>;
  /** The counter a staff member is signed in at (at most one, see counter-actions.ts). */
  counterOfAgent(userId: number): Promise<CounterRow | null>;
  /** Whether a ticket is called or served at the counter now. */
  hasActiveTicket(counterId: number): Promise<boolean>;
  /** Updates the counter; returns it as stored, or null when there is no such counter. */
  updateCounter(
    counterId: number,
    changes: Partial<Pick<CounterRow, 'state' | 'agentId' | 'stateSince'>>,
  ): Promise<CounterRow | null>;

  // --- Appointments, as the check-in sees them (the booking side is the scheduling module's).
  /** The appointment with this check-in code at the location on the service day (unique there). */
  appointmentByCheckInCode(locationId: string, serviceDate: string, code: string): Promise<CheckInAppointment | null>;
  appointmentByReference(reference: string): Promise<CheckInAppointment | null>;
  /** Sets the appointment's status (with `checkedInAt` when given). */
  setAppointmentStatus(
    appointmentId: number,
    status: 'checked-in' | 'served' | 'no-show',
    checkedInAt?: Date,
  ): Promise<void>;
}

import type { RegistryRow } from './demand.ts';

/**
 * What the demo history writes (`demo-history.ts`): simulated office-days, the book as it stands, and a
 * registry. Each write method is one call per office-day (hundreds of rows), inside the caller's write
 * transaction. SQLite: `db/sqlite/demo-history-store.ts`. No personal data: demo appointments are stored
 * erased.
 */
export interface DemoAppointmentRow {
  /** The caller's key, so tickets can point at the appointment they checked in for. */
  key: number;
  municipalityId: string;
  locationId: string;
  reference: string;
  manageTokenHash: string;
  startsAt: number;
  endsAt: number;
  counterId: number;
  channel: 'online' | 'phone' | 'counter';
  status: 'booked' | 'served' | 'no-show';
  createdAt: number;
  personalDataErasedAt: number;
  serviceId: number;
}

export interface DemoTicketRow {
  /** The caller's key, so events can point at the ticket. */
  key: number;
  municipalityId: string;
  locationId: string;
  serviceDate: string;
  number: string;
  letter: string;
  sequence: number;
  publicId: string;
  source: string;
  status: 'done' | 'cancelled';
  dueAt: number | null;
  counterId: number | null;
  callCount: number;
  issuedAt: number;
  calledAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** The `key` of the appointment it checked in for. */
  appointmentKey: number | null;
  predictedWaitSeconds: number | null;
  items: { serviceId: number | null; persons: number }[];
}

export interface DemoEventRow {
  ticketKey: number;
  locationId: string;
  type: string;
  at: number;
  counterId: number | null;
  data: string | null;
}

export interface DemoHistoryStore {
  /** Whether the location has tickets of a service date before `serviceDate` (then it has history already). */
  hasTicketsBefore(locationId: string, serviceDate: string): Promise<boolean>;
  /** Inserts a day: appointments first, then tickets (linked by key) with their items, then events. */
  insertDay(day: {
    appointments: DemoAppointmentRow[];
    tickets: DemoTicketRow[];
    events: DemoEventRow[];
  }): Promise<void>;
  insertAppointments(rows: readonly DemoAppointmentRow[]): Promise<void>;
  /** Stores the registry rows unless the municipality has a registry already. */
  insertRegistryOnce(municipalityId: string, rows: readonly RegistryRow[]): Promise<void>;
}

import type { WaitRow } from './wait-stats.ts';

/**
 * The ticket history statistics, open data and the forecast read (ARCHITECTURE.md#storage-seam): times,
 * sources, statuses and service codes only — never names, e-mails, references or ticket numbers.
 * SQLite: `db/sqlite/wait-history-store.ts`. Each method is one scan returning all its rows at once (one
 * round trip; a year of one office is some 50 000 small records).
 */

/** A ticket as the statistics see it: its first service, no person. */
export type TicketWaitRecord = Omit<WaitRow, 'date' | 'hour'>;

/** A walk-in with the wait predicted when it was issued and its first call. */
export interface PredictionSample {
  locationId: string;
  issuedAt: Date;
  calledAt: Date;
  predictedWaitSeconds: number;
}

export interface WaitHistoryStore {
  /** Tickets issued at these locations in [from, to), ordered by ticket id, each with its first service's code. */
  ticketWaits(locationIds: readonly string[], from: Date, to: Date): Promise<TicketWaitRecord[]>;
  /** Kiosk tickets issued in [from, to) (at one location, or all) with a stored prediction and a first call. */
  predictionSamples(from: Date, to: Date, locationId?: string): Promise<PredictionSample[]>;
  /** The time zone of every location, by id. */
  locationZones(): Promise<Map<string, string>>;
  /** How many appointments at the location start in [from, to), per status. */
  appointmentStatusCounts(locationId: string, from: Date, to: Date): Promise<Record<string, number>>;
}

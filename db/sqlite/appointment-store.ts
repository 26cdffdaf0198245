import type { AppointmentRow } from '../../server/scheduling/appointment-record.ts';
import type { AppointmentStore, OccupiedRecord } from '../../server/scheduling/appointment-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';

/**
 * The writes of every booking as prepared statements kept per connection: the hot path of
 * POST /appointments, where building the same drizzle queries for each request cost more than
 * running them. Plain SQL on purpose and in one place (a PostgreSQL dialect replaces this file).
 */
interface Statements {
  countActive: { get(...p: unknown[]): unknown };
  countActiveMailbox: { get(...p: unknown[]): unknown };
  countActivePhone: { get(...p: unknown[]): unknown };
  insertAppointment: { run(...p: unknown[]): { lastInsertRowid: number | bigint } };
  insertItem: { run(...p: unknown[]): unknown };
}

const cache = new WeakMap<Db['$client'], Statements>();

function statements(db: Db): Statements {
  let s = cache.get(db.$client);
  if (!s) {
    const c = db.$client;
    s = {
      // A hold that has not lapsed counts under the cap too: holding is how a script would hoard.
      countActive: c
        .prepare(
          `SELECT count(*) FROM appointments WHERE customer_email = ? AND starts_at > ?
             AND (status = 'booked' OR (status = 'held' AND hold_expires_at > ?))`,
        )
        .pluck(),
      countActiveMailbox: c
        .prepare(
          `SELECT count(*) FROM appointments WHERE mailbox_key = ? AND municipality_id = ? AND starts_at > ?
             AND (status = 'booked' OR (status = 'held' AND hold_expires_at > ?))`,
        )
        .pluck(),
      countActivePhone: c
        .prepare(
          `SELECT count(*) FROM appointments WHERE phone_key = ? AND municipality_id = ? AND starts_at > ?
             AND (status = 'booked' OR (status = 'held' AND hold_expires_at > ?))`,
        )
        .pluck(),
      insertAppointment: c.prepare(
        `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
           counter_id, channel, status, customer_name, customer_email, customer_phone, language, follow_up_of_id,
           created_at, mailbox_key, phone_key, hold_expires_at, confirm_code_hash, service_date, check_in_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertItem: c.prepare('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, ?)'),
    };
    cache.set(db.$client, s);
  }
  return s;
}

/** Future booked (or held) appointments of an e-mail address as typed (the cap without normalisation). */
export function countActiveBookings(db: Db, email: string, now: Date): number {
  return Number(statements(db).countActive.get(email, now.getTime(), now.getTime()) ?? 0);
}

/** Future booked (or held) appointments of one real mailbox in a municipality (the per-mailbox cap). */
export function countActiveByMailbox(db: Db, mailboxKey: string, municipalityId: string, now: Date): number {
  return Number(statements(db).countActiveMailbox.get(mailboxKey, municipalityId, now.getTime(), now.getTime()) ?? 0);
}

/** Future booked (or held) appointments of one phone number in a municipality (the optional per-phone cap). */
export function countActiveByPhone(db: Db, phoneKey: string, municipalityId: string, now: Date): number {
  return Number(statements(db).countActivePhone.get(phoneKey, municipalityId, now.getTime(), now.getTime()) ?? 0);
}

export type NewAppointment = Omit<
  AppointmentRow,
  'id' | 'cancelledAt' | 'checkedInAt' | 'reminderSentAt' | 'personalDataErasedAt' | 'confirmedAt'
>;

/** How often a colliding check-in code is redrawn: one office-day fills at most a few thousand of 10⁶. */
const CODE_ATTEMPTS = 50;

/**
 * Inserts a booked appointment with its items and returns the row. A reference that collides
 * (≈ 2⁻⁵⁹ per pair) or a check-in code already given out at this office that day fails on its unique
 * index and is redrawn; the statement, not the transaction, rolls back.
 */
export function insertBookedAppointment(
  db: Db,
  values: Omit<NewAppointment, 'reference' | 'checkInCode'>,
  items: { serviceId: number; persons: number }[],
  drawReference: () => string,
  drawCheckInCode: () => string,
): AppointmentRow {
  const s = statements(db);
  for (let attempt = 0; ; attempt++) {
    const reference = drawReference();
    const checkInCode = drawCheckInCode();
    try {
      const { lastInsertRowid } = s.insertAppointment.run(
        values.municipalityId,
        values.locationId,
        reference,
        values.manageTokenHash,
        values.startsAt.getTime(),
        values.endsAt.getTime(),
        values.counterId,
        values.channel,
        values.status,
        values.customerName,
        values.customerEmail,
        values.customerPhone,
        values.language,
        values.followUpOfId,
        values.createdAt.getTime(),
        values.mailboxKey,
        values.phoneKey,
        values.holdExpiresAt?.getTime() ?? null,
        values.confirmCodeHash,
        values.serviceDate,
        checkInCode,
      );
      const id = Number(lastInsertRowid);
      for (const item of items) s.insertItem.run(id, item.serviceId, item.persons);
      return {
        ...values,
        id,
        reference,
        checkInCode,
        cancelledAt: null,
        confirmedAt: null,
        checkedInAt: null,
        reminderSentAt: null,
        personalDataErasedAt: null,
      };
    } catch (err) {
      const unique =
        err instanceof Error && /UNIQUE constraint failed: appointments\.(reference|location_id)/.test(err.message);
      if (!unique || attempt >= CODE_ATTEMPTS) throw err;
    }
  }
}

/**
 * Moves an appointment's check-in code to a new service date (a reschedule): the old code is kept when
 * it is still free at the office that day, else a new one is drawn. Returns the code.
 */
export function moveCheckInCode(
  db: Db,
  appointment: { id: number; checkInCode: string | null },
  serviceDate: string,
  drawCheckInCode: () => string,
): string {
  const update = db.$client.prepare('UPDATE appointments SET service_date = ?, check_in_code = ? WHERE id = ?');
  for (let attempt = 0; ; attempt++) {
    const code = attempt === 0 && appointment.checkInCode ? appointment.checkInCode : drawCheckInCode();
    try {
      update.run(serviceDate, code, appointment.id);
      return code;
    } catch (err) {
      const unique = err instanceof Error && /UNIQUE constraint failed: appointments\.location_id/.test(err.message);
      if (!unique || attempt >= CODE_ATTEMPTS) throw err;
    }
  }
}

const activeStatements = new WeakMap<Db['$client'], { all(...params: unknown[]): unknown[] }>();

/**
 * Active appointments (held and not lapsed, booked, checked in) starting in [from, to), with their services:
 * one prepared statement per connection.
 */
export function occupancyOn(db: Db, locationId: string, from: number, to: number, now: Date): OccupiedRecord[] {
  let statement = activeStatements.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare(
      `SELECT a.id AS id, a.counter_id AS counterId, a.starts_at AS startsAt, a.ends_at AS endsAt, a.status AS status,
              a.channel AS channel, group_concat(i.service_id) AS serviceIds
         FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
        WHERE a.location_id = ? AND a.starts_at >= ? AND a.starts_at < ?
          AND (a.status IN ('booked', 'checked-in') OR (a.status = 'held' AND a.hold_expires_at > ?))
        GROUP BY a.id`,
    );
    activeStatements.set(db.$client, statement);
  }
  // A hold that has not lapsed counts as taken (rule 8).
  const rows = statement.all(locationId, from, to, now.getTime()) as (Omit<OccupiedRecord, 'serviceIds'> & {
    serviceIds: string | null;
  })[];
  return rows.map((r) => ({ ...r, serviceIds: r.serviceIds ? r.serviceIds.split(',').map(Number) : [] }));
}

/** The appointments repository on SQLite. */
export function sqliteAppointmentStore(db: Db): Synchronous<AppointmentStore> {
  return {
    // BEGIN IMMEDIATE already serialises every write transaction on the file.
    lockOfficeDays: () => undefined,
    occupancy: (locationId, from, to, now) => occupancyOn(db, locationId, from, to, now),
  };
}

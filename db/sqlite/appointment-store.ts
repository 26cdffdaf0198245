import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type {
  AppointmentDetails,
  AppointmentRow,
  AppointmentStore,
  NewAppointment,
  OccupiedRecord,
  SearchQuery,
} from '../../server/scheduling/appointment-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { findProfile } from '../profile.ts';
import { appointmentDetailsOf, bookedAppointmentRow } from '../records/appointments.ts';
import {
  apiClientAppointments,
  apiClients,
  appointmentItems,
  appointments,
  locations,
  services,
} from '../schema/index.ts';
import { cachedOccupancy } from './occupancy-cache.ts';

/**
 * The appointments repository on SQLite. The booking's hot statements (occupancy, caps, inserts, moves, the spent
 * challenge, the idempotency answer) are prepared once per connection, lazily (the storage may be built before the
 * migrations ran); plain SQL there on purpose, building the same drizzle queries for each request cost more than
 * running them.
 */
interface Statements {
  occupancy: { all(...p: unknown[]): unknown[] };
  countActive: { get(...p: unknown[]): unknown };
  countActiveMailbox: { get(...p: unknown[]): unknown };
  countActivePhone: { get(...p: unknown[]): unknown };
  dayOnline: { get(...p: unknown[]): unknown };
  insertAppointment: { run(...p: unknown[]): { lastInsertRowid: number | bigint } };
  insertItem: { run(...p: unknown[]): unknown };
  moveToCounter: { run(...p: unknown[]): unknown };
  spendChallenge: { run(...p: unknown[]): { changes: number } };
  bookingAnswer: { get(...p: unknown[]): unknown };
  rememberBookingAnswer: { run(...p: unknown[]): unknown };
  organizerEmail: { get(...p: unknown[]): unknown };
}

const cache = new WeakMap<Db['$client'], Statements>();

function statements(db: Db): Statements {
  let s = cache.get(db.$client);
  if (!s) {
    const c = db.$client;
    s = {
      occupancy: c.prepare(
        `SELECT a.id AS id, a.counter_id AS counterId, a.starts_at AS startsAt, a.ends_at AS endsAt, a.status AS status,
                a.channel AS channel, group_concat(i.service_id) AS serviceIds
           FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
          WHERE a.location_id = ? AND a.starts_at >= ? AND a.starts_at < ?
            AND (a.status IN ('booked', 'checked-in') OR (a.status = 'held' AND a.hold_expires_at > ?))
          GROUP BY a.id`,
      ),
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
      dayOnline: c.prepare(
        `SELECT count(*) AS n, min(created_at) AS oldest FROM appointments
          WHERE location_id = ? AND starts_at >= ? AND starts_at < ? AND created_at > ? AND channel = 'online'`,
      ),
      insertAppointment: c.prepare(
        `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
           counter_id, channel, status, customer_name, customer_email, customer_phone, language, follow_up_of_id,
           created_at, mailbox_key, phone_key, hold_expires_at, confirm_code_hash, service_date, check_in_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertItem: c.prepare('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, ?)'),
      moveToCounter: c.prepare('UPDATE appointments SET counter_id = ? WHERE id = ?'),
      spendChallenge: c.prepare('INSERT OR IGNORE INTO spent_challenges (id, expires_at) VALUES (?, ?)'),
      bookingAnswer: c.prepare('SELECT body_hash AS bodyHash, response FROM booking_requests WHERE key_hash = ?'),
      organizerEmail: c.prepare('SELECT contact_email FROM municipality_profiles WHERE municipality_id = ?').pluck(),
      rememberBookingAnswer: c.prepare(
        'INSERT INTO booking_requests (key_hash, body_hash, appointment_id, response, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
    };
    cache.set(db.$client, s);
  }
  return s;
}

/** Active appointments (held and not lapsed, booked, checked in) starting in [from, to), with their services. */
export function occupancyOn(db: Db, locationId: string, from: number, to: number, now: Date): OccupiedRecord[] {
  const cached = cachedOccupancy(db.$client, locationId, from, to, now);
  if (cached) return cached;
  // A hold that has not lapsed counts as taken (rule 8).
  const rows = statements(db).occupancy.all(locationId, from, to, now.getTime()) as (Omit<
    OccupiedRecord,
    'serviceIds'
  > & { serviceIds: string | null })[];
  return rows.map((r) => ({ ...r, serviceIds: r.serviceIds ? r.serviceIds.split(',').map(Number) : [] }));
}

/** How often a colliding check-in code is redrawn: one office-day fills at most a few thousand of 10⁶. */
const CODE_ATTEMPTS = 50;

function insertBooked(
  db: Db,
  values: NewAppointment,
  items: readonly { serviceId: number; persons: number }[],
  draw: { reference: () => string; checkInCode: () => string },
): AppointmentRow {
  const s = statements(db);
  for (let attempt = 0; ; attempt++) {
    const reference = draw.reference();
    const checkInCode = draw.checkInCode();
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
      return bookedAppointmentRow(values, id, reference, checkInCode);
    } catch (err) {
      // A reference that collides (≈ 2⁻⁵⁹ per pair) or a check-in code already given out at this office that day
      // fails on its unique index: the statement, not the transaction, rolls back; draw again.
      const unique =
        err instanceof Error && /UNIQUE constraint failed: appointments\.(reference|location_id)/.test(err.message);
      if (!unique || attempt >= CODE_ATTEMPTS) throw err;
    }
  }
}

function moveCheckInCode(db: Db, id: number, current: string | null, serviceDate: string, draw: () => string): string {
  const update = db.$client.prepare('UPDATE appointments SET service_date = ?, check_in_code = ? WHERE id = ?');
  for (let attempt = 0; ; attempt++) {
    const code = attempt === 0 && current ? current : draw();
    try {
      update.run(serviceDate, code, id);
      return code;
    } catch (err) {
      const unique = err instanceof Error && /UNIQUE constraint failed: appointments\.location_id/.test(err.message);
      if (!unique || attempt >= CODE_ATTEMPTS) throw err;
    }
  }
}

function detailsOf(db: Db, rows: readonly AppointmentRow[]): AppointmentDetails[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const locationRows = db
    .select()
    .from(locations)
    .where(inArray(locations.id, [...new Set(rows.map((r) => r.locationId))]))
    .all();
  const items = db
    .select({ appointmentId: appointmentItems.appointmentId, service: services, persons: appointmentItems.persons })
    .from(appointmentItems)
    .innerJoin(services, eq(services.id, appointmentItems.serviceId))
    .where(inArray(appointmentItems.appointmentId, ids))
    .orderBy(asc(appointmentItems.id))
    .all();
  const parentIds = [...new Set(rows.flatMap((r) => (r.followUpOfId === null ? [] : [r.followUpOfId])))];
  const parents =
    parentIds.length === 0
      ? []
      : db
          .select({ id: appointments.id, reference: appointments.reference })
          .from(appointments)
          .where(inArray(appointments.id, parentIds))
          .all();
  const children = db.select().from(appointments).where(inArray(appointments.followUpOfId, ids)).all();
  const clients = db
    .select({
      appointmentId: apiClientAppointments.appointmentId,
      clientId: apiClients.id,
      sendsOwnMail: apiClients.sendsOwnMail,
    })
    .from(apiClientAppointments)
    .innerJoin(apiClients, eq(apiClients.id, apiClientAppointments.clientId))
    .where(inArray(apiClientAppointments.appointmentId, ids))
    .all();
  const organizers = new Map(
    [...new Set(rows.map((r) => r.municipalityId))].map((m) => [m, findProfile(db, m)?.contactEmail ?? null]),
  );
  return appointmentDetailsOf(rows, {
    locations: locationRows,
    items,
    parents,
    children,
    clients,
    organizerEmail: (m) => organizers.get(m) ?? null,
  });
}

/** `%`, `_` and `\` typed by staff are literal characters, not wildcards. */
function likeValue(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function search(db: Db, input: SearchQuery): AppointmentRow[] {
  const where: SQL[] = [eq(appointments.locationId, input.locationId)];
  if (input.reference) where.push(eq(appointments.reference, input.reference));
  if (input.text) {
    const pattern = likeValue(input.text);
    const match = or(
      sql`${appointments.customerEmail} LIKE ${pattern} ESCAPE '\\'`,
      sql`${appointments.customerName} LIKE ${pattern} ESCAPE '\\'`,
    );
    if (match) where.push(match);
  }
  if (input.from !== undefined) where.push(gte(appointments.startsAt, new Date(input.from)));
  if (input.to !== undefined) where.push(lt(appointments.startsAt, new Date(input.to)));
  return db
    .select()
    .from(appointments)
    .where(and(...where))
    .orderBy(asc(appointments.startsAt))
    .limit(input.limit)
    .all();
}

/** The appointments repository on SQLite. */
export function sqliteAppointmentStore(db: Db): Synchronous<AppointmentStore> {
  const c = db.$client;
  let expireAt: { all(...p: unknown[]): unknown[] } | undefined;
  let expireAll: { all(...p: unknown[]): unknown[] } | undefined;
  let lapsedAt: { get(...p: unknown[]): unknown } | undefined;
  let lapsedAny: { get(...p: unknown[]): unknown } | undefined;
  const one = (where: SQL) => {
    const row = db.select().from(appointments).where(where).get();
    return row ? (detailsOf(db, [row])[0] ?? null) : null;
  };
  return {
    // BEGIN IMMEDIATE already serialises every write transaction on the file.
    lockOfficeDays: () => undefined,
    occupancy: (locationId, from, to, now) => occupancyOn(db, locationId, from, to, now),

    byReference: (reference) => one(eq(appointments.reference, reference)),
    byId: (id) => one(eq(appointments.id, id)),
    search: (query) => detailsOf(db, search(db, query)),
    // Every booking reads it: one plain prepared statement (what `findProfile(...).contactEmail` answers).
    organizerEmail: (municipalityId) => (statements(db).organizerEmail.get(municipalityId) as string | null) ?? null,
    dueForReminder(windows) {
      const rows = windows.flatMap((w) =>
        db
          .select()
          .from(appointments)
          .where(
            and(
              eq(appointments.locationId, w.locationId),
              eq(appointments.status, 'booked'),
              isNull(appointments.reminderSentAt),
              isNotNull(appointments.customerEmail),
              gte(appointments.startsAt, new Date(w.from)),
              lt(appointments.startsAt, new Date(w.to)),
            ),
          )
          .all(),
      );
      return detailsOf(db, rows);
    },
    markReminded(ids, at) {
      if (ids.length > 0)
        db.update(appointments)
          .set({ reminderSentAt: at })
          .where(inArray(appointments.id, [...ids]))
          .run();
    },

    bookingCounts(q, now) {
      const s = statements(db);
      const t = now.getTime();
      const day = q.day
        ? (s.dayOnline.get(q.day.locationId, q.day.from, q.day.to, q.day.createdAfter) as {
            n: number;
            oldest: number | null;
          })
        : null;
      return {
        byEmail: Number(s.countActive.get(q.email, t, t) ?? 0),
        byMailbox: Number(s.countActiveMailbox.get(q.mailboxKey, q.municipalityId, t, t) ?? 0),
        byPhone: q.phoneKey ? Number(s.countActivePhone.get(q.phoneKey, q.municipalityId, t, t) ?? 0) : 0,
        dayOnline: { count: day?.n ?? 0, oldest: day?.oldest ?? null },
      };
    },
    recentOnlineBookings(locationId, since) {
      const row = c
        .prepare(
          "SELECT count(*) AS n FROM appointments WHERE location_id = ? AND created_at > ? AND channel = 'online'",
        )
        .get(locationId, since.getTime()) as { n: number };
      return row.n;
    },

    expireLapsedHolds(now, locationId) {
      // Every booking runs it: prepared once per connection, and a read first (a read statement costs a sixth of
      // an UPDATE that finds nothing), so the UPDATE runs only when a hold has lapsed. The caller's transaction
      // holds the write lock: nothing lapses into or out of the set between the two.
      lapsedAt ??= c
        .prepare(
          "SELECT 1 FROM appointments WHERE status = 'held' AND hold_expires_at <= ? AND location_id = ? LIMIT 1",
        )
        .pluck();
      lapsedAny ??= c
        .prepare("SELECT 1 FROM appointments WHERE status = 'held' AND hold_expires_at <= ? LIMIT 1")
        .pluck();
      const lapsed = locationId ? lapsedAt.get(now.getTime(), locationId) : lapsedAny.get(now.getTime());
      if (lapsed === undefined) return [];
      expireAt ??= c.prepare(
        "UPDATE appointments SET status = 'expired', confirm_code_hash = NULL WHERE status = 'held' AND hold_expires_at <= ? AND location_id = ? RETURNING id, location_id AS locationId",
      );
      expireAll ??= c.prepare(
        "UPDATE appointments SET status = 'expired', confirm_code_hash = NULL WHERE status = 'held' AND hold_expires_at <= ? RETURNING id, location_id AS locationId",
      );
      const rows = (locationId ? expireAt.all(now.getTime(), locationId) : expireAll.all(now.getTime())) as {
        id: number;
        locationId: string;
      }[];
      return rows.map((r) => ({ appointmentId: r.id, locationId: r.locationId }));
    },
    insertBooked: (values, items, draw) => insertBooked(db, values, items, draw),
    linkToApiClient(appointmentId, clientId) {
      db.insert(apiClientAppointments).values({ appointmentId, clientId }).run();
      const client = db
        .select({ sendsOwnMail: apiClients.sendsOwnMail })
        .from(apiClients)
        .where(eq(apiClients.id, clientId))
        .get();
      return { sendsOwnMail: client?.sendsOwnMail ?? false };
    },
    moveToCounters(moves) {
      // Most placements move nothing: no statement at all then.
      if (moves.length === 0) return;
      const update = statements(db).moveToCounter;
      for (const m of moves) update.run(m.counterId, m.appointmentId);
    },
    cancel(ids, at) {
      if (ids.length > 0)
        db.update(appointments)
          .set({ status: 'cancelled', cancelledAt: at })
          .where(inArray(appointments.id, [...ids]))
          .run();
    },
    reschedule(id, change, drawCheckInCode) {
      const updated = db
        .update(appointments)
        .set({ startsAt: change.startsAt, endsAt: change.endsAt, counterId: change.counterId, reminderSentAt: null })
        .where(eq(appointments.id, id))
        .returning()
        .get();
      if (!updated) throw new Error(`no appointment ${id}`);
      if (updated.serviceDate === change.serviceDate) return updated;
      const checkInCode = moveCheckInCode(db, id, updated.checkInCode, change.serviceDate, drawCheckInCode);
      return { ...updated, serviceDate: change.serviceDate, checkInCode };
    },
    confirmHolds(ids, at) {
      const confirm = c.prepare(
        "UPDATE appointments SET status = 'booked', confirmed_at = ?, hold_expires_at = NULL, confirm_code_hash = NULL WHERE id = ? AND status = 'held'",
      );
      for (const id of ids) confirm.run(at.getTime(), id);
    },

    spendChallenge(id, expiresAt) {
      return statements(db).spendChallenge.run(id, expiresAt.getTime()).changes > 0;
    },
    sweepSpentChallenges: (now) =>
      c.prepare('DELETE FROM spent_challenges WHERE expires_at <= ?').run(now.getTime()).changes,
    bookingAnswer(keyHash) {
      const row = statements(db).bookingAnswer.get(keyHash) as { bodyHash: string; response: string } | undefined;
      return row ?? null;
    },
    rememberBookingAnswer(input) {
      statements(db).rememberBookingAnswer.run(
        input.keyHash,
        input.bodyHash,
        input.appointmentId,
        input.response,
        input.createdAt.getTime(),
      );
    },
    sweepBookingAnswers: (createdBefore) =>
      c.prepare('DELETE FROM booking_requests WHERE created_at <= ?').run(createdBefore.getTime()).changes,
  };
}

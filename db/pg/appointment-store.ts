import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import type {
  AppointmentDetails,
  AppointmentRow,
  AppointmentStore,
  NewAppointment,
  OccupiedRecord,
} from '../../server/scheduling/appointment-store.ts';
import { appointmentDetailsOf, bookedAppointmentRow } from '../records/appointments.ts';
import { BEFORE_DAY_LOCKS, executePrepared, executePreparedLater, sendLater } from './batching.ts';
import type { PgDb } from './client.ts';
import { lockIdempotencyKey, lockMailbox, lockOfficeDays } from './locks.ts';
import { cachedOccupancy, type OccupancyCache } from './occupancy-cache.ts';
import {
  apiClientAppointments,
  apiClients,
  appointmentItems,
  appointments,
  bookingRequests,
  locations,
  municipalityProfiles,
  services,
  spentChallenges,
} from './schema/index.ts';

/** How often a colliding reference or check-in code is redrawn: one office-day fills at most a few thousand of 10⁶. */
const CODE_ATTEMPTS = 50;

/**
 * An epoch-ms bound as a timestamptz parameter. Callers pass open ends as huge numbers (revalidation asks
 * for everything up to `Number.MAX_SAFE_INTEGER`), which no Date can hold: those are ±infinity.
 */
const bound = (ms: number): Date | string => (ms >= 8.64e15 ? 'infinity' : ms <= -8.64e15 ? '-infinity' : new Date(ms));

/** A JavaScript array as ONE parameter (drizzle would otherwise spread it into a list). */
const array = (values: readonly number[]) => sql.param([...values]);

/** Marks a statement that may run before the transaction's office-day locks (db/pg/batching.ts). */
const beforeDayLocks = sql.raw(BEFORE_DAY_LOCKS);

/** The municipality's contact address, the calendar file's organiser. */
async function organizerEmailOf(db: PgDb, municipalityId: string): Promise<string | null> {
  const result = await db.execute<{ contactEmail: string | null }>(sql`${beforeDayLocks}
    SELECT contact_email AS "contactEmail" FROM municipality_profiles WHERE municipality_id = ${municipalityId} LIMIT 1`);
  return result.rows[0]?.contactEmail ?? null;
}

async function detailsOf(db: PgDb, rows: readonly AppointmentRow[]): Promise<AppointmentDetails[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const parentIds = [...new Set(rows.flatMap((r) => (r.followUpOfId === null ? [] : [r.followUpOfId])))];
  const municipalityIds = [...new Set(rows.map((r) => r.municipalityId))];
  // One after another: a transaction's statements share one connection, which runs one at a time anyway.
  const locationRows = await db
    .select()
    .from(locations)
    .where(inArray(locations.id, [...new Set(rows.map((r) => r.locationId))]));
  const items = await db
    .select({ appointmentId: appointmentItems.appointmentId, service: services, persons: appointmentItems.persons })
    .from(appointmentItems)
    .innerJoin(services, eq(services.id, appointmentItems.serviceId))
    .where(inArray(appointmentItems.appointmentId, ids))
    .orderBy(asc(appointmentItems.id));
  const parents =
    parentIds.length === 0
      ? []
      : await db
          .select({ id: appointments.id, reference: appointments.reference })
          .from(appointments)
          .where(inArray(appointments.id, parentIds));
  const children = await db
    .select()
    .from(appointments)
    .where(inArray(appointments.followUpOfId, ids))
    .orderBy(asc(appointments.id));
  const clients = await db
    .select({
      appointmentId: apiClientAppointments.appointmentId,
      clientId: apiClients.id,
      sendsOwnMail: apiClients.sendsOwnMail,
    })
    .from(apiClientAppointments)
    .innerJoin(apiClients, eq(apiClients.id, apiClientAppointments.clientId))
    .where(inArray(apiClientAppointments.appointmentId, ids));
  const profiles = await db
    .select({ municipalityId: municipalityProfiles.municipalityId, contactEmail: municipalityProfiles.contactEmail })
    .from(municipalityProfiles)
    .where(inArray(municipalityProfiles.municipalityId, municipalityIds));
  return appointmentDetailsOf(rows, {
    locations: locationRows,
    items,
    parents,
    children,
    clients,
    organizerEmail: (m) => profiles.find((p) => p.municipalityId === m)?.contactEmail ?? null,
  });
}

/** `%`, `_` and `\` typed by staff are literal characters, not wildcards. */
function likeValue(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * Inserts one appointment with a drawn reference and check-in code, and its items, in one statement,
 * redrawing on a collision without failing the transaction (a failed statement would abort all of it on
 * PostgreSQL). The check-in code's unique index is the statement's arbiter (`ON CONFLICT … DO NOTHING`: also
 * right against a concurrent insert, which it waits for); the reference is checked with NOT EXISTS, since a
 * statement has one arbiter and the exclusion constraint, being deferrable, can be none. A reference drawn
 * twice at the same moment by two transactions (≈ 2⁻⁵⁹ per pair) is the one collision left to the unique
 * index: 409 `conflict`, never a 5xx. The items are inserted only when the appointment was (from its RETURNING
 * row), in the order given, so their ids keep that order.
 */
async function insertAppointment(
  db: PgDb,
  values: NewAppointment,
  items: readonly { serviceId: number; persons: number }[],
  reference: string,
  checkInCode: string,
) {
  const result = await db.execute<{ id: number }>(sql`
    WITH a AS (
      INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
        counter_id, channel, status, customer_name, customer_email, customer_phone, language, follow_up_of_id,
        created_at, mailbox_key, phone_key, hold_expires_at, confirm_code_hash, service_date, check_in_code)
      SELECT ${values.municipalityId}::text, ${values.locationId}::text, ${reference}::text,
        ${values.manageTokenHash}::text, ${values.startsAt}::timestamptz, ${values.endsAt}::timestamptz,
        ${values.counterId}::int, ${values.channel}::text, ${values.status}::text, ${values.customerName}::text,
        ${values.customerEmail}::text, ${values.customerPhone}::text, ${values.language}::text,
        ${values.followUpOfId}::int, ${values.createdAt}::timestamptz, ${values.mailboxKey}::text,
        ${values.phoneKey}::text, ${values.holdExpiresAt}::timestamptz, ${values.confirmCodeHash}::text,
        ${values.serviceDate}::text, ${checkInCode}::text
       WHERE NOT EXISTS (SELECT 1 FROM appointments WHERE reference = ${reference})
      ON CONFLICT (location_id, service_date, check_in_code) DO NOTHING
      RETURNING id),
    i AS (
      INSERT INTO appointment_items (appointment_id, service_id, persons)
      SELECT a.id, s.service_id, s.persons
        FROM a, unnest(${array(items.map((i) => i.serviceId))}::int[], ${array(items.map((i) => i.persons))}::int[])
             WITH ORDINALITY AS s(service_id, persons, n)
       ORDER BY s.n)
    SELECT id FROM a`);
  return result.rows[0]?.id ?? null;
}

/**
 * Inserts one appointment with the id given (reserved from the sequence) and its items, in one statement that
 * returns nothing, to be sent with COMMIT. No redraw here: a taken reference or check-in code fails the statement
 * with a unique violation of `appointments_reference` / `appointments_check_in_code`, which pgStorage answers by
 * running the transaction again (db/pg/storage.ts, `DRAWN`).
 */
function insertStatement(
  values: NewAppointment,
  items: readonly { serviceId: number; persons: number }[],
  reference: string,
  checkInCode: string,
  id: number,
): SQL {
  return sql`
    WITH a AS (
      INSERT INTO appointments (id, municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
        counter_id, channel, status, customer_name, customer_email, customer_phone, language, follow_up_of_id,
        created_at, mailbox_key, phone_key, hold_expires_at, confirm_code_hash, service_date, check_in_code)
      VALUES (${id}::int, ${values.municipalityId}::text, ${values.locationId}::text, ${reference}::text,
        ${values.manageTokenHash}::text, ${values.startsAt}::timestamptz, ${values.endsAt}::timestamptz,
        ${values.counterId}::int, ${values.channel}::text, ${values.status}::text, ${values.customerName}::text,
        ${values.customerEmail}::text, ${values.customerPhone}::text, ${values.language}::text,
        ${values.followUpOfId}::int, ${values.createdAt}::timestamptz, ${values.mailboxKey}::text,
        ${values.phoneKey}::text, ${values.holdExpiresAt}::timestamptz, ${values.confirmCodeHash}::text,
        ${values.serviceDate}::text, ${checkInCode}::text)
      RETURNING id)
    INSERT INTO appointment_items (appointment_id, service_id, persons)
    SELECT a.id, s.service_id, s.persons
      FROM a, unnest(${array(items.map((i) => i.serviceId))}::int[], ${array(items.map((i) => i.persons))}::int[])
           WITH ORDINALITY AS s(service_id, persons, n)
     ORDER BY s.n`;
}

/**
 * The appointments repository on PostgreSQL (contract: server/scheduling/appointment-store.ts). What SQLite's
 * single writer gives for free is held here by locks and guarded statements (ARCHITECTURE.md#scale-out):
 * placements serialise per office-day with advisory locks (db/pg/locks.ts) and the deferrable exclusion
 * constraint refuses a double-booked counter at COMMIT; the mailbox cap is counted under a lock on the
 * mailbox; an Idempotency-Key is answered under a lock on the key; challenges are spent by an insert that
 * waits for a concurrent one; reminders are claimed with FOR UPDATE SKIP LOCKED.
 */
export function pgAppointmentStore(db: PgDb, occupancyCache?: OccupancyCache): AppointmentStore {
  // Inside a write transaction (drizzle on one checked-out client, not the pool) the appointment a use-case
  // looks up is locked until it commits, as SQLite's single writer would keep it: a cancel and a reschedule
  // of one appointment on two nodes run one after the other, and the second sees what the first did
  // instead of cancelling twice or moving a cancelled appointment. Reads on the pool lock nothing.
  const locking = !((db as { $client?: unknown }).$client instanceof pg.Pool);
  // An appointment id drawn with this transaction's occupancy read, for the next insertBooked (one per read).
  let reservedId: number | null = null;
  // The organiser as this transaction read it with the lapsed holds of one of the municipality's offices
  // (expireLapsedHolds): a booking asks for it right after, and one statement earlier of the same transaction
  // reads the same committed profile as far as anything can tell. Never on the pool, whose repository lives on.
  let organizer: { municipalityId: string; email: string | null } | null = null;
  const one = async (where: SQL) => {
    const query = db.select().from(appointments).where(where).limit(1);
    const [row] = await (locking ? query.for('update') : query);
    return row ? ((await detailsOf(db, [row]))[0] ?? null) : null;
  };
  const store: AppointmentStore = {
    lockOfficeDays: (locationId, dates) => lockOfficeDays(db, locationId, dates),
    async occupancy(locationId, from, to, now) {
      // From memory and what changed since (db/pg/occupancy-cache.ts); a range too long to keep is read here.
      // In a transaction the same statement reserves an id for a booking's insert (insertBooked).
      const cached = occupancyCache
        ? await cachedOccupancy(db, occupancyCache, locationId, from, to, now, locking && reservedId === null)
        : null;
      if (cached) {
        if (cached.reservedId !== null) reservedId = cached.reservedId;
        return cached.occupancy;
      }
      // A hold that has not lapsed counts as taken (rule 8).
      const result = await db.execute<OccupiedRecord & Record<string, unknown>>(sql`
        SELECT a.id AS "id", a.counter_id AS "counterId",
               (extract(epoch FROM a.starts_at) * 1000)::float8 AS "startsAt",
               (extract(epoch FROM a.ends_at) * 1000)::float8 AS "endsAt",
               a.status AS "status", a.channel AS "channel",
               coalesce(array_agg(i.service_id ORDER BY i.id) FILTER (WHERE i.service_id IS NOT NULL), '{}')
                 AS "serviceIds"
          FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
         WHERE a.location_id = ${locationId} AND a.starts_at >= ${bound(from)} AND a.starts_at < ${bound(to)}
           AND (a.status IN ('booked', 'checked-in') OR (a.status = 'held' AND a.hold_expires_at > ${now}))
         GROUP BY a.id
         ORDER BY a.id`);
      return result.rows;
    },

    async occupancyWithVersion(locationId, from, to, now) {
      if (locking || !occupancyCache) return null;
      const cached = await cachedOccupancy(db, occupancyCache, locationId, from, to, now, false);
      return cached && cached.configVersion >= 0
        ? { occupancy: cached.occupancy, configVersion: cached.configVersion }
        : null;
    },

    byReference: (reference) => one(eq(appointments.reference, reference)),
    byId: (id) => one(eq(appointments.id, id)),
    async search(input) {
      const where: SQL[] = [eq(appointments.locationId, input.locationId)];
      if (input.reference) where.push(eq(appointments.reference, input.reference));
      if (input.text) {
        const pattern = likeValue(input.text);
        const match = or(
          sql`${appointments.customerEmail} ILIKE ${pattern} ESCAPE '\\'`,
          sql`${appointments.customerName} ILIKE ${pattern} ESCAPE '\\'`,
        );
        if (match) where.push(match);
      }
      if (input.from !== undefined) where.push(gte(appointments.startsAt, new Date(input.from)));
      if (input.to !== undefined) where.push(sql`${appointments.startsAt} < ${bound(input.to)}`);
      const rows = await db
        .select()
        .from(appointments)
        .where(and(...where))
        .orderBy(asc(appointments.startsAt), asc(appointments.id))
        .limit(input.limit);
      return detailsOf(db, rows);
    },
    organizerEmail: async (municipalityId) =>
      organizer?.municipalityId === municipalityId ? organizer.email : organizerEmailOf(db, municipalityId),
    async dueForReminder(windows) {
      if (windows.length === 0) return [];
      const inWindow = windows.map((w) =>
        and(
          eq(appointments.locationId, w.locationId),
          gte(appointments.startsAt, new Date(w.from)),
          lt(appointments.startsAt, new Date(w.to)),
        ),
      );
      // Claimed, not just read: the rows stay locked until this transaction (which marks them) commits, and
      // a job on another node skips them instead of queueing a second reminder. One that starts after the
      // commit finds `reminder_sent_at` set; one that reaches a row just as it commits re-reads it.
      const rows = await db
        .select()
        .from(appointments)
        .where(
          and(
            eq(appointments.status, 'booked'),
            isNull(appointments.reminderSentAt),
            isNotNull(appointments.customerEmail),
            or(...inWindow),
          ),
        )
        .orderBy(asc(appointments.id))
        .for('update', { skipLocked: true });
      return detailsOf(db, rows);
    },
    async markReminded(ids, at) {
      if (ids.length === 0) return;
      await db
        .update(appointments)
        .set({ reminderSentAt: at })
        .where(and(inArray(appointments.id, [...ids]), isNull(appointments.reminderSentAt)));
    },

    async bookingCounts(q, now) {
      // The cap spans every office and day of the municipality, which the day locks do not cover. The lock goes
      // with the count; the per-day velocity count needs the day locks first (locks.ts). Inside a write transaction
      // both are queued before the first await here, and the count's answer comes with the transaction's next
      // statement (db/pg/batching.ts#later): a booking starts this, reads the day's occupancy, and awaits the
      // answer before it inserts — one round trip for both, and none of its own under the office-day lock.
      const locked = lockMailbox(
        db,
        { municipalityId: q.municipalityId, email: q.email, mailboxKey: q.mailboxKey, phoneKey: q.phoneKey },
        q.day !== null,
      );
      // A hold that has not lapsed counts under the cap too: holding is how a script would hoard.
      const active = sql`starts_at > ${now} AND (status = 'booked' OR (status = 'held' AND hold_expires_at > ${now}))`;
      const counted = executePreparedLater<{
        byEmail: number;
        byMailbox: number;
        byPhone: number;
        dayCount: number;
        dayOldest: number | null;
        contactEmail: string | null;
      }>(
        db,
        sql`${q.day === null ? beforeDayLocks : sql``}
        SELECT (SELECT count(*)::int FROM appointments WHERE customer_email = ${q.email} AND ${active}) AS "byEmail",
               (SELECT count(*)::int FROM appointments
                 WHERE mailbox_key = ${q.mailboxKey} AND municipality_id = ${q.municipalityId} AND ${active})
                 AS "byMailbox",
               ${
                 q.phoneKey
                   ? sql`(SELECT count(*)::int FROM appointments
                           WHERE phone_key = ${q.phoneKey} AND municipality_id = ${q.municipalityId} AND ${active})`
                   : sql`0`
               } AS "byPhone",
               ${
                 q.day
                   ? sql`(SELECT count(*)::int FROM appointments
                           WHERE location_id = ${q.day.locationId} AND starts_at >= ${bound(q.day.from)}
                             AND starts_at < ${bound(q.day.to)} AND created_at > ${new Date(q.day.createdAfter)}
                             AND channel = 'online')`
                   : sql`0`
               } AS "dayCount",
               ${
                 q.day
                   ? sql`(SELECT (extract(epoch FROM min(created_at)) * 1000)::float8 FROM appointments
                           WHERE location_id = ${q.day.locationId} AND starts_at >= ${bound(q.day.from)}
                             AND starts_at < ${bound(q.day.to)} AND created_at > ${new Date(q.day.createdAfter)}
                             AND channel = 'online')`
                   : sql`NULL::float8`
               } AS "dayOldest",
               (SELECT contact_email FROM municipality_profiles WHERE municipality_id = ${q.municipalityId})
                 AS "contactEmail"`,
      );
      const row = (await Promise.all([locked, counted]))[1].rows[0];
      // The organiser the booking asks for next, read with the count (see `organizer`): one round trip less.
      if (locking && row) organizer = { municipalityId: q.municipalityId, email: row.contactEmail ?? null };
      return {
        byEmail: row?.byEmail ?? 0,
        byMailbox: row?.byMailbox ?? 0,
        byPhone: row?.byPhone ?? 0,
        dayOnline: { count: row?.dayCount ?? 0, oldest: row?.dayOldest ?? null },
      };
    },
    async recentOnlineBookings(locationId, since) {
      const result = await db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM appointments
             WHERE location_id = ${locationId} AND created_at > ${since} AND channel = 'online'`,
      );
      return result.rows[0]?.n ?? 0;
    },

    async expireLapsedHoldsWithNext(now, locationId) {
      if (!locking) {
        await store.expireLapsedHolds(now, locationId);
        return;
      }
      // As `expireLapsedHolds` (rows locked in id order), without its answer: sent with the booking's next statement,
      // the cap's count or the organiser's read, before its day locks and its occupancy read.
      await sendLater(
        db,
        sql`UPDATE appointments SET status = 'expired', confirm_code_hash = NULL
             WHERE status = 'held' AND id IN (
               SELECT id FROM appointments
                WHERE status = 'held' AND hold_expires_at <= ${now} AND location_id = ${locationId}
                ORDER BY id FOR UPDATE)`,
        { beforeDayLocks: true, prepared: true },
      );
    },
    async expireLapsedHolds(now, locationId) {
      // Rows are locked in id order, so this and the job (all offices at once) never wait on each other in a
      // circle; a hold confirmed meanwhile is re-read after its lock and left alone. For one office inside a
      // transaction (a booking) the same statement reads the calendar file's organiser, which the booking asks
      // for next: one round trip less (see `organizer`).
      const organizerToo = locking && locationId !== undefined;
      const result = await executePrepared<{
        appointmentId: number | null;
        locationId: string | null;
        municipalityId: string | null;
        contactEmail: string | null;
      }>(
        db,
        sql`${beforeDayLocks}
        WITH e AS (
          UPDATE appointments SET status = 'expired', confirm_code_hash = NULL
           WHERE status = 'held' AND id IN (
             SELECT id FROM appointments
              WHERE status = 'held' AND hold_expires_at <= ${now}
                ${locationId === undefined ? sql`` : sql`AND location_id = ${locationId}`}
              ORDER BY id FOR UPDATE)
          RETURNING id, location_id)
        SELECT e.id AS "appointmentId", e.location_id AS "locationId", NULL::text AS "municipalityId",
               NULL::text AS "contactEmail"
          FROM e
        ${
          organizerToo
            ? sql`UNION ALL
        SELECT NULL, NULL, l.municipality_id, p.contact_email
          FROM locations l LEFT JOIN municipality_profiles p ON p.municipality_id = l.municipality_id
         WHERE l.id = ${locationId}`
            : sql``
        }`,
      );
      const expired: { appointmentId: number; locationId: string }[] = [];
      for (const r of result.rows) {
        if (r.appointmentId !== null && r.locationId !== null)
          expired.push({ appointmentId: r.appointmentId, locationId: r.locationId });
        else if (r.municipalityId !== null) organizer = { municipalityId: r.municipalityId, email: r.contactEmail };
      }
      return expired.sort((a, b) => a.appointmentId - b.appointmentId);
    },
    async insertBooked(values, items, draw) {
      if (reservedId !== null) {
        // The placement's insert goes with COMMIT (one round trip less while the office-day is locked): its id was
        // drawn with the occupancy read. A drawn reference or check-in code that is taken fails the COMMIT with a
        // unique violation of its index, and pgStorage runs the transaction again, drawing anew.
        const id = reservedId;
        reservedId = null;
        const reference = draw.reference();
        const checkInCode = draw.checkInCode();
        await sendLater(db, insertStatement(values, items, reference, checkInCode, id), { prepared: true });
        return bookedAppointmentRow(values, id, reference, checkInCode);
      }
      for (let attempt = 0; ; attempt++) {
        const reference = draw.reference();
        const checkInCode = draw.checkInCode();
        const id = await insertAppointment(db, values, items, reference, checkInCode);
        if (id === null) {
          if (attempt >= CODE_ATTEMPTS) throw new Error('insertBooked: no free reference or check-in code');
          continue;
        }
        return bookedAppointmentRow(values, id, reference, checkInCode);
      }
    },
    async linkToApiClient(appointmentId, clientId) {
      await db.insert(apiClientAppointments).values({ appointmentId, clientId });
      const [client] = await db
        .select({ sendsOwnMail: apiClients.sendsOwnMail })
        .from(apiClients)
        .where(eq(apiClients.id, clientId))
        .limit(1);
      return { sendsOwnMail: client?.sendsOwnMail ?? false };
    },
    async moveToCounters(moves) {
      if (moves.length === 0) return;
      // One statement for all moves; a swap between two counters overlaps only half-way through it, and the
      // exclusion constraint is checked at COMMIT (DEFERRABLE INITIALLY DEFERRED), after the last move.
      await sendLater(
        db,
        sql`
        UPDATE appointments a SET counter_id = m.counter_id
          FROM unnest(${array(moves.map((m) => m.appointmentId))}::int[], ${array(moves.map((m) => m.counterId))}::int[])
               AS m(id, counter_id)
         WHERE a.id = m.id`,
      );
    },
    async cancel(ids, at) {
      if (ids.length === 0) return;
      await db
        .update(appointments)
        .set({ status: 'cancelled', cancelledAt: at })
        .where(inArray(appointments.id, [...ids]));
    },
    async reschedule(id, change, drawCheckInCode) {
      const [updated] = await db
        .update(appointments)
        .set({ startsAt: change.startsAt, endsAt: change.endsAt, counterId: change.counterId, reminderSentAt: null })
        .where(eq(appointments.id, id))
        .returning();
      if (!updated) throw new Error(`no appointment ${id}`);
      if (updated.serviceDate === change.serviceDate) return updated;
      // The code moves with the date: kept when still free at the office that day, else redrawn. The use-case
      // holds both days' locks, and every insert or move of a code onto that office-day takes the day's lock
      // first, so NOT EXISTS sees every code that can be there.
      for (let attempt = 0; ; attempt++) {
        const code = attempt === 0 && updated.checkInCode ? updated.checkInCode : drawCheckInCode();
        const moved = await db.execute(sql`
          UPDATE appointments SET service_date = ${change.serviceDate}, check_in_code = ${code}
           WHERE id = ${id} AND NOT EXISTS (
             SELECT 1 FROM appointments o
              WHERE o.location_id = ${updated.locationId} AND o.service_date = ${change.serviceDate}
                AND o.check_in_code = ${code} AND o.id <> ${id})`);
        if ((moved.rowCount ?? 0) > 0) return { ...updated, serviceDate: change.serviceDate, checkInCode: code };
        if (attempt >= CODE_ATTEMPTS) throw new Error('reschedule: no free check-in code');
      }
    },
    async confirmHolds(ids, at) {
      if (ids.length === 0) return;
      await db
        .update(appointments)
        .set({ status: 'booked', confirmedAt: at, holdExpiresAt: null, confirmCodeHash: null })
        .where(and(inArray(appointments.id, [...ids]), eq(appointments.status, 'held')));
    },

    async spendChallenge(id, expiresAt) {
      // A concurrent spend of the same solution waits for this one's transaction: if it commits, the other
      // finds the row (false); if it rolls back, the other spends it.
      const result = await db.execute(sql`${beforeDayLocks}
        INSERT INTO spent_challenges (id, expires_at) VALUES (${id}, ${expiresAt})
        ON CONFLICT (id) DO NOTHING RETURNING id`);
      return result.rows.length > 0;
    },
    async spendChallengeWithNext(id, expiresAt) {
      // No ON CONFLICT: a solution spent already fails this statement on the key (`SPENT`, db/pg/storage.ts), which
      // fails the transaction at its next statement, answered challenge-invalid; a concurrent spend waits as above.
      await sendLater(db, sql`INSERT INTO spent_challenges (id, expires_at) VALUES (${id}, ${expiresAt})`, {
        beforeDayLocks: true,
      });
    },
    async sweepSpentChallenges(now) {
      const result = await db.delete(spentChallenges).where(sql`${spentChallenges.expiresAt} <= ${now}`);
      return result.rowCount ?? 0;
    },
    async bookingAnswer(keyHash) {
      // A retry that arrives while the first attempt is still open waits here, then reads what it committed.
      await lockIdempotencyKey(db, keyHash);
      const [row] = await db
        .select({ bodyHash: bookingRequests.bodyHash, response: bookingRequests.response })
        .from(bookingRequests)
        .where(eq(bookingRequests.keyHash, keyHash))
        .limit(1);
      return row ?? null;
    },
    async rememberBookingAnswer(input) {
      // Nobody reads it back in this transaction: it goes with COMMIT (db/pg/batching.ts).
      await sendLater(
        db,
        sql`INSERT INTO booking_requests (key_hash, body_hash, appointment_id, response, created_at)
            VALUES (${input.keyHash}, ${input.bodyHash}, ${input.appointmentId}, ${input.response}, ${input.createdAt})`,
      );
    },
    async sweepBookingAnswers(createdBefore) {
      const result = await db.delete(bookingRequests).where(sql`${bookingRequests.createdAt} <= ${createdBefore}`);
      return result.rowCount ?? 0;
    },
  };
  return store;
}

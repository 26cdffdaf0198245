import { DateTime } from 'luxon';
import type { BookedAppointment, BookedFollowUp } from '../contracts/scheduling.ts';
import { parseIsoInstant } from '../contracts/validators.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import { queueAppointmentMail } from './appointment-mails.ts';
import { type AppointmentDto, type AppointmentRecord, manageUrl, toDto } from './appointment-record.ts';
import type { AppointmentRow } from './appointment-store.ts';
import { localDateOf } from './calendar.ts';
import { addWorkingDays } from './closures.ts';
import { closedSet, dayBounds } from './day-plans.ts';
import { type IdempotentRequest, previousAnswer, rememberAnswer } from './fairness/booking-idempotency.ts';
import { spendChallenge, type VerifiedChallenge } from './fairness/challenge.ts';
import { confirmUrl, releaseLapsedHoldsBeforePlacing } from './fairness/holds.ts';
import { normaliseMailbox, normalisePhone } from './fairness/mailbox.ts';
import { getOffice, type Office, officeAfterLocks } from './office-cache.ts';
import type { LocationRecord } from './office-store.ts';
import { placeInTransaction } from './placement.ts';
import { addDays } from './recurrence.ts';
import { type RequestedItem, resolveItems } from './requested-items.ts';
import { generateCheckInCode, generateManageToken, generateReference, hashToken } from './tokens.ts';

export interface BookInput {
  locationId: string;
  services: RequestedItem[];
  /** ISO 8601 instant with offset. */
  start: string;
  customer: { name: string; email: string; phone?: string | null };
  language?: 'nl' | 'en';
  channel?: 'online' | 'phone' | 'counter';
  /** Book the pickup too, where pickup is by appointment at this location. */
  followUp?: { start: string } | null;
  /** A staff member booking on behalf of a resident: their municipality must own the location. */
  staff?: { municipalityId: string; locationIds: string[] } | null;
  /** An API client booking on a resident's behalf: it must belong to the location's municipality. */
  apiClient?: { clientId: number; municipalityId: string } | null;
  /**
   * The location as the caller decided whether a proof-of-work challenge was needed (an anonymous booking), when that
   * was an office kept without reading its version (`keptOffice`): a booking decided on a location whose challenge
   * settings differ is refused with `conflict` (the client tries again, and is then asked as the current office says).
   */
  challengeDecidedOn?: LocationRecord | null;
  /** A verified proof-of-work solution, spent with this booking (anonymous bookings where required). */
  challenge?: VerifiedChallenge | null;
  /** The client's Idempotency-Key: a retry returns the answer of the first request. */
  idempotency?: IdempotentRequest | null;
  /**
   * The office as the caller read it before the transaction (the route reads it for the challenge): it only says
   * which office-days to lock; the office the booking decides on is read again inside, after the locks.
   */
  office?: Office | null;
}

export type FollowUpInfo = BookedFollowUp;
export type BookResult = BookedAppointment;

/** A fraction of a second with a digit other than 0: `parseIsoInstant` would drop it. */
const NONZERO_FRACTION = /\.\d*[1-9]/;

function parseInstant(iso: string): number {
  // The API's own form (what its schema admits) without luxon, also with a zero fraction (`.000Z`, what
  // `Date#toISOString` sends); anything else (a fraction that counts, other ISO forms) as before.
  const fast = NONZERO_FRACTION.test(iso) ? null : parseIsoInstant(iso);
  if (fast !== null) return fast;
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new AppError('validation-failed', 'start must be an ISO 8601 date-time');
  return dt.toMillis();
}

/** Which pickup the items imply, and whether this office takes it by appointment. */
export function followUpFor(office: Office, requested: readonly RequestedItem[], appointmentDate: string) {
  let code: string | null = null;
  let persons = 0;
  let minDays = 0;
  for (const r of requested) {
    const s = office.services.get(r.code);
    if (!s?.followUpServiceCode) continue;
    code ??= s.followUpServiceCode;
    if (s.followUpServiceCode !== code) continue;
    persons += r.persons;
    minDays = Math.max(minDays, s.followUpMinWorkingDays ?? 0);
  }
  if (!code) return null;
  const pickup = office.services.get(code);
  if (!pickup) return null;
  const closed = closedSet(office, appointmentDate, addDays(appointmentDate, 60));
  return {
    serviceCode: code,
    persons: Math.min(persons, pickup.maxPersons),
    earliestDate: addWorkingDays(appointmentDate, minDays, (d) => closed.has(d)),
    byAppointment: pickup.bookableOnline,
  };
}

/**
 * The per-mailbox (and optionally per-phone) cap and the per-location-and-day velocity limit of an
 * online booking (rule 8). Inside the booking transaction, so concurrent requests count each other.
 */
async function assertWithinLimits(
  tx: Repositories,
  deps: Deps,
  office: Office,
  input: { email: string; mailboxKey: string; phoneKey: string | null; start: number; adding: number; now: Date },
): Promise<void> {
  const { location } = office;
  const cap = location.mailboxCap ?? deps.config.MAX_ACTIVE_BOOKINGS_PER_EMAIL;
  const day = dayBounds(localDateOf(input.start, location.timeZone), location.timeZone);
  const since = input.now.getTime() - 10 * 60_000;
  const counts = await tx.appointments.bookingCounts(
    {
      municipalityId: location.municipalityId,
      email: input.email,
      mailboxKey: input.mailboxKey,
      phoneKey: location.phoneCap ? input.phoneKey : null,
      day:
        location.dayVelocityLimit !== null
          ? { locationId: location.id, from: day.start, to: day.end, createdAfter: since }
          : null,
    },
    input.now,
  );
  const byMailbox = location.mailboxNormalise ? counts.byMailbox : counts.byEmail;
  if (byMailbox + input.adding > cap)
    throw new AppError('booking-limit-reached', 'This mailbox has too many active appointments');
  if (location.phoneCap && input.phoneKey && counts.byPhone + input.adding > cap)
    throw new AppError('booking-limit-reached', 'This phone number has too many active appointments');
  if (location.dayVelocityLimit !== null && counts.dayOnline.count + 1 > location.dayVelocityLimit) {
    const retryAfter = Math.max(1, Math.ceil(((counts.dayOnline.oldest ?? since) - since) / 1000));
    throw new AppError('rate-limited', 'Too many bookings for this day right now; try again shortly', {
      retryAfter,
    });
  }
}

/**
 * Books an appointment (and optionally its pickup) in one write transaction: the engine places it on the
 * office-day's occupancy read inside the transaction, moves what it must, and the rows, the spent challenge,
 * the idempotency answer and the confirmation mail commit together or not at all.
 */
export async function bookAppointment(deps: Deps, input: BookInput): Promise<BookResult> {
  const channel = input.channel ?? 'online';
  const online = channel === 'online';
  const email = input.customer.email.trim().toLowerCase();
  const mailboxKey = normaliseMailbox(email);
  const phoneKey = normalisePhone(input.customer.phone);
  const start = parseInstant(input.start);
  const pickupStart = input.followUp ? parseInstant(input.followUp.start) : null;
  const token = generateManageToken();
  const tokenHash = hashToken(token);
  // Drawn only for a hold (the double opt-in's link), once.
  let confirmCode: string | null = null;
  const confirmCodeOf = () => {
    confirmCode ??= generateManageToken();
    return confirmCode;
  };

  const result = await deps.storage.write(
    async (tx) => {
      const now = deps.clock.now();
      if (input.idempotency) {
        const earlier = await previousAnswer<BookResult>(tx, input.idempotency);
        if (earlier) return { kind: 'replay' as const, booked: earlier };
      }
      // Which days to lock: from the caller's read when it made one (one version read less per booking).
      const before =
        input.office?.location.id === input.locationId ? input.office : await getOffice(tx, input.locationId);
      if (!before) throw new AppError('not-found', 'No such location');
      const zone = before.location.timeZone;
      // Every office-day this booking places on, before anything is read from them (no-op on SQLite).
      await tx.appointments.lockOfficeDays(before.location.id, [
        ...new Set([localDateOf(start, zone), ...(pickupStart === null ? [] : [localDateOf(pickupStart, zone)])]),
      ]);
      const office = await officeAfterLocks(tx, before);
      const decided = input.challengeDecidedOn;
      if (
        decided &&
        decided !== office.location &&
        (decided.challengeMode !== office.location.challengeMode ||
          decided.challengePressureBookings !== office.location.challengePressureBookings)
      )
        throw new AppError('conflict', 'The office changed while booking; try again');
      if (input.staff && !input.staff.locationIds.includes(office.location.id))
        throw new AppError('forbidden', 'Not your location');
      if (input.apiClient && input.apiClient.municipalityId !== office.location.municipalityId)
        throw new AppError('not-found', 'No such location');
      const resolved = resolveItems(office, input.services, online);
      // Lapsed holds free their time before anything is placed (the overlap triggers count holds).
      await releaseLapsedHoldsBeforePlacing(tx, now, office.location.id);
      if (input.challenge) await spendChallenge(tx, input.challenge);
      // The cap's count is started here and answered before anything is inserted: on PostgreSQL it goes with the
      // placement's occupancy read (db/pg/appointment-store.ts#bookingCounts), so under the office-day lock a
      // booking costs one round trip less. Its refusal still comes first: a failure of the placement waits for it.
      const limits = online
        ? assertWithinLimits(tx, deps, office, {
            email,
            mailboxKey,
            phoneKey,
            start,
            adding: input.followUp ? 2 : 1,
            now,
          })
        : null;
      limits?.catch(() => {}); // awaited below; this only keeps an early refusal from going unhandled meanwhile
      const withinLimits = async <T>(step: () => Promise<T>): Promise<T> => {
        try {
          return await step();
        } catch (err) {
          await limits;
          throw err;
        }
      };
      // An API client (an integrator sends its own mail) and staff book in one step; residents online may be held.
      const hold = online && !input.apiClient && office.location.confirmationRequired;
      const holdExpiresAt = hold ? new Date(now.getTime() + office.location.holdMinutes * 60_000) : null;
      const follow = followUpFor(office, input.services, localDateOf(start, zone));
      const placed = await withinLimits(async () => {
        if (input.followUp && !follow?.byAppointment)
          throw new AppError('validation-failed', 'No pickup by appointment for these services at this location');
        return placeInTransaction(tx, office, {
          start,
          durationMs: resolved.durationMinutes * 60_000,
          serviceIds: resolved.serviceIds,
          now,
          staff: !online,
        });
      });
      await limits;

      const organizerEmail = await tx.appointments.organizerEmail(office.location.municipalityId);
      const serviceById = new Map([...office.services.values()].map((s) => [s.id, s]));
      const insert = async (
        startMs: number,
        durationMinutes: number,
        serviceItems: { serviceId: number; persons: number }[],
        counterId: number,
        followUpOfId: number | null,
      ): Promise<{ row: AppointmentRow; record: AppointmentRecord }> => {
        const row = await tx.appointments.insertBooked(
          {
            municipalityId: office.location.municipalityId,
            locationId: office.location.id,
            serviceDate: localDateOf(startMs, zone),
            manageTokenHash: tokenHash,
            startsAt: new Date(startMs),
            endsAt: new Date(startMs + durationMinutes * 60_000),
            counterId,
            channel,
            customerName: input.customer.name.trim(),
            customerEmail: email,
            customerPhone: input.customer.phone?.trim() || null,
            language: input.language ?? 'nl',
            followUpOfId,
            createdAt: now,
            status: hold ? 'held' : 'booked',
            mailboxKey,
            phoneKey,
            holdExpiresAt,
            confirmCodeHash: hold && followUpOfId === null ? hashToken(confirmCodeOf()) : null,
          },
          serviceItems,
          { reference: generateReference, checkInCode: generateCheckInCode },
        );
        // Before the confirmation is queued: a client that sends its own mails gets none from Loket.
        const bookedBy = input.apiClient
          ? {
              clientId: input.apiClient.clientId,
              ...(await tx.appointments.linkToApiClient(row.id, input.apiClient.clientId)),
            }
          : null;
        // Built from what is in hand (the cached office) instead of reading the rows back.
        const record: AppointmentRecord = {
          appointment: row,
          location: office.location,
          items: serviceItems.flatMap((i) => {
            const service = serviceById.get(i.serviceId);
            return service ? [{ service, persons: i.persons }] : [];
          }),
          parentReference: null,
          followUps: [],
          bookedBy,
          organizerEmail,
        };
        return { row, record };
      };

      const main = await insert(
        start,
        resolved.durationMinutes,
        resolved.items.map((i) => ({ serviceId: i.service.id, persons: i.persons })),
        placed.counterId,
        null,
      );

      let pickup: { row: AppointmentRow; record: AppointmentRecord } | null = null;
      if (pickupStart !== null && follow) {
        if (localDateOf(pickupStart, zone) < follow.earliestDate)
          throw new AppError('slot-unavailable', `The pickup can be booked from ${follow.earliestDate}`);
        const pickupItems = resolveItems(office, [{ code: follow.serviceCode, persons: follow.persons }], online);
        const p = await placeInTransaction(tx, office, {
          start: pickupStart,
          durationMs: pickupItems.durationMinutes * 60_000,
          serviceIds: pickupItems.serviceIds,
          now,
          staff: !online,
        });
        pickup = await insert(
          pickupStart,
          pickupItems.durationMinutes,
          pickupItems.items.map((i) => ({ serviceId: i.service.id, persons: i.persons })),
          p.counterId,
          main.row.id,
        );
        pickup.record.parentReference = main.row.reference;
        main.record.followUps = [pickup.row];
      }

      const url = manageUrl(deps.config, main.row.reference, token);
      const followMail = follow
        ? { byAppointment: follow.byAppointment, earliestDate: follow.earliestDate, booked: pickup !== null }
        : null;
      if (holdExpiresAt) {
        // Double opt-in: one mail with the confirmation link; the confirmation mails follow the click.
        const confirm = confirmUrl(deps.config, main.row.reference, confirmCodeOf(), token);
        await queueAppointmentMail(tx, main.record, 'hold', now, url, followMail, {
          confirmUrl: confirm,
          until: holdExpiresAt,
        });
      } else {
        await queueAppointmentMail(tx, main.record, 'confirmation', now, url, followMail);
        if (pickup) {
          const p = pickup.row;
          await queueAppointmentMail(
            tx,
            pickup.record,
            'confirmation',
            now,
            manageUrl(deps.config, p.reference, token),
          );
        }
      }
      const pickupDto: AppointmentDto | null = pickup ? toDto(pickup.record) : null;
      const followUp = follow
        ? {
            ...follow,
            appointment: pickupDto
              ? { reference: pickupDto.reference, start: pickupDto.start, end: pickupDto.end }
              : null,
          }
        : null;
      const booked: BookResult = { ...toDto(main.record), manageToken: token, followUp };
      if (input.idempotency) await rememberAnswer(tx, input.idempotency, main.row.id, booked, now);
      // A hold is not an appointment yet: its `appointment:booked` fact follows the confirmation.
      return {
        kind: 'new' as const,
        booked,
        ids: [main.row.id, ...(pickup ? [pickup.row.id] : [])],
        locationId: office.location.id,
        held: hold,
      };
      // Bookings arriving together share one COMMIT (each in its own savepoint, answered after the commit).
    },
    { group: true },
  );

  if (result.kind === 'new' && !result.held)
    for (const id of result.ids)
      deps.events.publish('appointment:booked', { locationId: result.locationId, appointmentId: id });
  return result.booked;
}

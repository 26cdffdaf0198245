import { writeTransaction } from '../../../db/client.ts';
import { recordAudit } from '../../auth/audit.ts';
import { canAccessLocation, type StaffPrincipal } from '../../auth/principal.ts';
import type { BookingProtection, BookingRules } from '../../contracts/fairness.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { toZonedIso } from '../calendar.ts';
import { type LocationRow, loadOffice } from '../office.ts';
import { challengeRequired } from './challenge.ts';
import { nextRelease, parseWeekdays, releasedThrough } from './release.ts';

export function protectionOf(location: LocationRow): BookingProtection {
  return {
    confirmationRequired: location.confirmationRequired,
    holdMinutes: location.holdMinutes,
    challengeMode: location.challengeMode,
    challengePressureBookings: location.challengePressureBookings,
    mailboxCap: location.mailboxCap,
    mailboxNormalise: location.mailboxNormalise,
    phoneCap: location.phoneCap,
    dayVelocityLimit: location.dayVelocityLimit,
    releaseMode: location.releaseMode,
    releaseTime: location.releaseTime,
    releaseWeekdays: parseWeekdays(location.releaseWeekdays),
    releaseDaysAhead: location.releaseDaysAhead,
    phoneShare: location.phoneShare,
    phoneShareReleaseHours: location.phoneShareReleaseHours,
  };
}

function staffLocation(deps: Deps, staff: StaffPrincipal, locationId: string): LocationRow {
  const location = loadOffice(deps.db, locationId)?.location;
  if (!location || location.municipalityId !== staff.municipalityId)
    throw new AppError('not-found', 'No such location');
  if (!canAccessLocation(staff, locationId)) throw new AppError('forbidden', 'Not your location');
  return location;
}

export function readProtection(deps: Deps, staff: StaffPrincipal, locationId: string): BookingProtection {
  return protectionOf(staffLocation(deps, staff, locationId));
}

/**
 * Saves a location's protections, audited with what changed (before → after). Applies to the next
 * request: holds already made keep their expiry, bookings already made stay.
 */
export function updateProtection(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: BookingProtection,
): BookingProtection {
  staffLocation(deps, staff, locationId);
  return writeTransaction(deps.db, (tx) => {
    const now = deps.clock.now();
    const before = loadOffice(tx, locationId)?.location;
    if (!before) throw new AppError('not-found', 'No such location');
    const previous = protectionOf(before);
    tx.$client
      .prepare(
        `UPDATE locations SET confirmation_required = ?, hold_minutes = ?, challenge_mode = ?,
           challenge_pressure_bookings = ?, mailbox_cap = ?, mailbox_normalise = ?, phone_cap = ?,
           day_velocity_limit = ?, release_mode = ?, release_time = ?, release_weekdays = ?,
           release_days_ahead = ?, phone_share = ?, phone_share_release_hours = ?
         WHERE id = ?`,
      )
      .run(
        input.confirmationRequired ? 1 : 0,
        input.holdMinutes,
        input.challengeMode,
        input.challengePressureBookings,
        input.mailboxCap,
        input.mailboxNormalise ? 1 : 0,
        input.phoneCap ? 1 : 0,
        input.dayVelocityLimit,
        input.releaseMode,
        input.releaseTime,
        [...new Set(input.releaseWeekdays)].sort((a, b) => a - b).join(','),
        input.releaseDaysAhead,
        input.phoneShare,
        input.phoneShareReleaseHours,
        locationId,
      );
    // The update bumped the configuration version (trigger), so this reads the saved row.
    const after = loadOffice(tx, locationId, { fresh: true })?.location as LocationRow;
    const next = protectionOf(after);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(next) as (keyof BookingProtection)[]) {
      if (JSON.stringify(previous[key]) !== JSON.stringify(next[key]))
        changed[key] = { from: previous[key], to: next[key] };
    }
    recordAudit(tx, staff, staff.municipalityId, now, {
      action: 'location.booking-protection',
      targetType: 'location',
      targetId: locationId,
      locationId,
      details: { changed },
    });
    return next;
  });
}

/** The public view for the booking page: what applies at this location now. */
export function bookingRules(deps: Deps, locationId: string): BookingRules {
  const office = loadOffice(deps.db, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const { location } = office;
  const now = deps.clock.now();
  const next = nextRelease(location, now);
  return {
    locationId,
    hold: { confirmationRequired: location.confirmationRequired, holdMinutes: location.holdMinutes },
    challenge: {
      mode: location.challengeMode,
      requiredNow: challengeRequired(deps.db, location, now),
      url: '/api/v1/challenge',
    },
    release: {
      mode: location.releaseMode,
      time: location.releaseTime,
      weekdays: parseWeekdays(location.releaseWeekdays),
      daysAhead: location.releaseDaysAhead,
      releasedThrough: releasedThrough(location, now),
      next: next ? { at: toZonedIso(next.at, location.timeZone), opensThrough: next.opensThrough } : null,
    },
    phoneShare: { share: location.phoneShare, releaseHours: location.phoneShareReleaseHours },
  };
}

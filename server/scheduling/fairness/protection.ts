import { canAccessLocation, type StaffPrincipal } from '../../auth/principal.ts';
import type { BookingProtection, BookingRules } from '../../contracts/fairness.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { toZonedIso } from '../calendar.ts';
import { getOffice, type LocationRow } from '../office-cache.ts';
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

async function staffLocation(deps: Deps, staff: StaffPrincipal, locationId: string): Promise<LocationRow> {
  const location = (await getOffice(deps.storage.read, locationId))?.location;
  if (!location || location.municipalityId !== staff.municipalityId)
    throw new AppError('not-found', 'No such location');
  if (!canAccessLocation(staff, locationId)) throw new AppError('forbidden', 'Not your location');
  return location;
}

export async function readProtection(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
): Promise<BookingProtection> {
  return protectionOf(await staffLocation(deps, staff, locationId));
}

/**
 * Saves a location's protections, audited with what changed (before → after). Applies to the next
 * request: holds already made keep their expiry, bookings already made stay.
 */
export async function updateProtection(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: BookingProtection,
): Promise<BookingProtection> {
  await staffLocation(deps, staff, locationId);
  return deps.storage.write(async (tx) => {
    const now = deps.clock.now();
    const before = (await getOffice(tx, locationId))?.location;
    if (!before) throw new AppError('not-found', 'No such location');
    const previous = protectionOf(before);
    await tx.office.updateLocation(locationId, {
      confirmationRequired: input.confirmationRequired,
      holdMinutes: input.holdMinutes,
      challengeMode: input.challengeMode,
      challengePressureBookings: input.challengePressureBookings,
      mailboxCap: input.mailboxCap,
      mailboxNormalise: input.mailboxNormalise,
      phoneCap: input.phoneCap,
      dayVelocityLimit: input.dayVelocityLimit,
      releaseMode: input.releaseMode,
      releaseTime: input.releaseTime,
      releaseWeekdays: [...new Set(input.releaseWeekdays)].sort((a, b) => a - b).join(','),
      releaseDaysAhead: input.releaseDaysAhead,
      phoneShare: input.phoneShare,
      phoneShareReleaseHours: input.phoneShareReleaseHours,
    });
    // The saved row, read fresh: this transaction's version bump may still roll back (office-cache.ts).
    const after = (await getOffice(tx, locationId, { fresh: true }))?.location as LocationRow;
    const next = protectionOf(after);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(next) as (keyof BookingProtection)[]) {
      if (JSON.stringify(previous[key]) !== JSON.stringify(next[key]))
        changed[key] = { from: previous[key], to: next[key] };
    }
    await tx.audit.record(staff, staff.municipalityId, now, {
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
export async function bookingRules(deps: Deps, locationId: string): Promise<BookingRules> {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const { location } = office;
  const now = deps.clock.now();
  const next = nextRelease(location, now);
  return {
    locationId,
    hold: { confirmationRequired: location.confirmationRequired, holdMinutes: location.holdMinutes },
    challenge: {
      mode: location.challengeMode,
      requiredNow: await challengeRequired(deps.storage.read, location, now),
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

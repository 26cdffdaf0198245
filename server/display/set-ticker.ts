import type { StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

/**
 * The supervisor's ticker text on a location's waiting-room screens. Stored on the location (it survives
 * a restart and is part of every queue snapshot); the hub sends a fresh snapshot to the location's room.
 */
export async function setTickerText(
  deps: Deps,
  principal: StaffPrincipal,
  input: { locationId: string; text: string },
): Promise<{ locationId: string; text: string }> {
  const now = deps.clock.now();
  const text = input.text.replace(/\s+/g, ' ').trim();
  await deps.storage.write(async (tx) => {
    const municipalityId = await tx.display.municipalityOfLocation(input.locationId);
    if (municipalityId === null || municipalityId !== principal.municipalityId) throw new AppError('not-found');
    if (principal.role !== 'admin' && !principal.locationIds.includes(input.locationId))
      throw new AppError('forbidden');
    await tx.display.setTickerText(input.locationId, text);
    await tx.audit.record(principal, municipalityId, now, {
      action: 'display.ticker-set',
      targetType: 'location',
      targetId: input.locationId,
      locationId: input.locationId,
      details: { length: text.length },
    });
  });
  deps.events.publish('location:changed', { locationId: input.locationId, reason: 'ticker' });
  return { locationId: input.locationId, text };
}

import { eq } from 'drizzle-orm';
import { writeTransaction } from '../../db/client.ts';
import { locations } from '../../db/schema/index.ts';
import { recordAudit } from '../auth/audit.ts';
import type { StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

/**
 * The supervisor's ticker text on a location's waiting-room screens. Stored on the location (it survives
 * a restart and is part of every queue snapshot); the hub sends a fresh snapshot to the location's room.
 */
export function setTickerText(
  deps: Deps,
  principal: StaffPrincipal,
  input: { locationId: string; text: string },
): { locationId: string; text: string } {
  const now = deps.clock.now();
  const text = input.text.replace(/\s+/g, ' ').trim();
  writeTransaction(deps.db, (tx) => {
    const location = tx.select().from(locations).where(eq(locations.id, input.locationId)).get();
    if (!location || location.municipalityId !== principal.municipalityId) throw new AppError('not-found');
    if (principal.role !== 'admin' && !principal.locationIds.includes(location.id)) throw new AppError('forbidden');
    tx.update(locations).set({ tickerText: text }).where(eq(locations.id, location.id)).run();
    recordAudit(tx, principal, location.municipalityId, now, {
      action: 'display.ticker-set',
      targetType: 'location',
      targetId: location.id,
      locationId: location.id,
      details: { length: text.length },
    });
  });
  deps.events.publish('location:changed', { locationId: input.locationId, reason: 'ticker' });
  return { locationId: input.locationId, text };
}

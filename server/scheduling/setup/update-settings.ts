import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { change, locationFor } from './setup-change.ts';

export interface SettingsInput {
  slotGridMinutes?: number;
  walkInShare?: number;
  minNoticeMinutes?: number;
  maxDaysAhead?: number;
  closedOnGoodFriday?: boolean;
  closedOnLiberationDay?: boolean;
  /** One key at the counter calls the next visitor and serves them from the call. */
  callAndStart?: boolean;
}

export async function updateSettings(deps: Deps, staff: StaffPrincipal, locationId: string, input: SettingsInput) {
  const location = await locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'location.settings', async (tx) => {
    await tx.office.updateLocation(locationId, input);
    return { result: {}, targetId: locationId, details: { ...input } };
  });
}

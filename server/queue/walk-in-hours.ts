import type { Repositories } from '../storage.ts';
import type { WalkInHoursToday } from './queue-model.ts';

/**
 * Today's walk-in hours of a location (epoch ms). Opening hours belong to the scheduling module, which sits
 * above the queue (the dependency rule), so the composition root provides them (`provideWalkInHours`);
 * without a provider the screens say "no counter open" without a time. The provider reads through the
 * repositories it is given (inside a write transaction: the transaction's).
 */
export type WalkInHoursProvider = (
  repos: Repositories,
  locationId: string,
  serviceDate: string,
) => Promise<WalkInHoursToday>;

let walkInHoursProvider: WalkInHoursProvider | null = null;

export function provideWalkInHours(provider: WalkInHoursProvider): void {
  walkInHoursProvider = provider;
}

export async function walkInHours(
  repos: Repositories,
  locationId: string,
  serviceDate: string,
): Promise<WalkInHoursToday | undefined> {
  return walkInHoursProvider ? await walkInHoursProvider(repos, locationId, serviceDate) : undefined;
}

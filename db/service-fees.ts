import { and, eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { feeAgeGroups, serviceFees, services } from './schema/index.ts';

export type FeeAgeGroup = (typeof feeAgeGroups)[number];

/**
 * Replaces the fees of a municipality's service (euro cents per person; null: none for that age group), in
 * the caller's transaction. False when the municipality has no such service.
 */
export function replaceServiceFees(
  db: Db,
  municipalityId: string,
  code: string,
  fees: Record<FeeAgeGroup, number | null>,
): boolean {
  const service = db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.municipalityId, municipalityId), eq(services.code, code)))
    .get();
  if (!service) return false;
  db.delete(serviceFees).where(eq(serviceFees.serviceId, service.id)).run();
  for (const ageGroup of feeAgeGroups) {
    const amountCents = fees[ageGroup];
    if (amountCents !== null) db.insert(serviceFees).values({ serviceId: service.id, ageGroup, amountCents }).run();
  }
  return true;
}

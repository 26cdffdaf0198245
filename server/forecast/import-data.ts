import { eq } from 'drizzle-orm';
import { writeTransaction } from '../../db/client.ts';
import { hourlyHistory, locations, registryDocuments } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { parseHourlyCsv, parseRegistryCsv } from './demand.ts';

/** Imports hourly counts for one location; a bad line rejects the whole file and changes nothing. */
export function importHourlyHistory(deps: Deps, locationId: string, csv: string): { rows: number } {
  let parsed: ReturnType<typeof parseHourlyCsv>;
  try {
    parsed = parseHourlyCsv(csv);
  } catch (error) {
    throw new AppError('validation-failed', error instanceof Error ? error.message : 'bad CSV');
  }
  const foreign = parsed.find((r) => r.location !== null && r.location !== '' && r.location !== locationId);
  if (foreign) throw new AppError('validation-failed', `CSV contains rows for another location (${foreign.location})`);
  return writeTransaction(deps.db, (tx) => {
    const location = tx.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId)).get();
    if (!location) throw new AppError('not-found', 'No such location');
    for (const r of parsed) {
      tx.insert(hourlyHistory)
        .values({ locationId, serviceCode: r.service, date: r.row.date, hour: r.row.hour, count: r.row.count })
        .onConflictDoUpdate({
          target: [hourlyHistory.locationId, hourlyHistory.serviceCode, hourlyHistory.date, hourlyHistory.hour],
          set: { count: r.row.count },
        })
        .run();
    }
    return { rows: parsed.length };
  });
}

/** Imports the registry of issued documents for the municipality; replaces months it contains. */
export function importRegistry(deps: Deps, municipalityId: string, csv: string): { rows: number } {
  let parsed: ReturnType<typeof parseRegistryCsv>;
  try {
    parsed = parseRegistryCsv(csv);
  } catch (error) {
    throw new AppError('validation-failed', error instanceof Error ? error.message : 'bad CSV');
  }
  return writeTransaction(deps.db, (tx) => {
    for (const r of parsed) {
      tx.insert(registryDocuments)
        .values({ municipalityId, month: r.month, documentType: r.documentType, ageBand: r.ageBand, count: r.count })
        .onConflictDoUpdate({
          target: [
            registryDocuments.municipalityId,
            registryDocuments.month,
            registryDocuments.documentType,
            registryDocuments.ageBand,
          ],
          set: { count: r.count },
        })
        .run();
    }
    return { rows: parsed.length };
  });
}

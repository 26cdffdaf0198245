import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { parseHourlyCsv, parseRegistryCsv } from './demand.ts';

/** Imports hourly counts for one location; a bad line rejects the whole file and changes nothing. */
export async function importHourlyHistory(deps: Deps, locationId: string, csv: string): Promise<{ rows: number }> {
  let parsed: ReturnType<typeof parseHourlyCsv>;
  try {
    parsed = parseHourlyCsv(csv);
  } catch (error) {
    throw new AppError('validation-failed', error instanceof Error ? error.message : 'bad CSV');
  }
  const foreign = parsed.find((r) => r.location !== null && r.location !== '' && r.location !== locationId);
  if (foreign) throw new AppError('validation-failed', `CSV contains rows for another location (${foreign.location})`);
  return deps.storage.write(async (tx) => {
    if (!(await tx.forecastHistory.locationExists(locationId))) throw new AppError('not-found', 'No such location');
    await tx.forecastHistory.upsertHourlyCounts(
      locationId,
      parsed.map((r) => ({ serviceCode: r.service, date: r.row.date, hour: r.row.hour, count: r.row.count })),
    );
    return { rows: parsed.length };
  });
}

/** Imports the registry of issued documents for the municipality; replaces months it contains. */
export async function importRegistry(deps: Deps, municipalityId: string, csv: string): Promise<{ rows: number }> {
  let parsed: ReturnType<typeof parseRegistryCsv>;
  try {
    parsed = parseRegistryCsv(csv);
  } catch (error) {
    throw new AppError('validation-failed', error instanceof Error ? error.message : 'bad CSV');
  }
  return deps.storage.write(async (tx) => {
    await tx.forecastHistory.upsertRegistry(municipalityId, parsed);
    return { rows: parsed.length };
  });
}

import { asc, eq, max, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { locationNumbers, locations, municipalities, municipalityProfiles } from './schema/index.ts';

/** Storage of how a municipality presents itself, and the stable integer ids of offices in open data. */
export type MunicipalityProfileRow = typeof municipalityProfiles.$inferSelect;

/**
 * The integer id of every office (Amsterdam-feed consumers expect integers), assigning the next free
 * number to offices that have none yet, in order of their text id. Numbers are never reused.
 */
export function ensureLocationNumbers(tx: Db): Map<string, number> {
  const all = tx.select({ id: locations.id }).from(locations).orderBy(asc(locations.id)).all();
  const known = new Map(
    tx
      .select()
      .from(locationNumbers)
      .all()
      .map((r) => [r.locationId, r.number]),
  );
  const missing = all.filter((l) => !known.has(l.id));
  if (missing.length > 0) {
    let next =
      (tx
        .select({ n: max(locationNumbers.number) })
        .from(locationNumbers)
        .get()?.n ?? 0) + 1;
    for (const l of missing) {
      tx.insert(locationNumbers).values({ locationId: l.id, number: next }).run();
      known.set(l.id, next++);
    }
  }
  return known;
}

export function findMunicipality(db: Db, id: string): { id: string; name: string } | undefined {
  return db
    .select({ id: municipalities.id, name: municipalities.name })
    .from(municipalities)
    .where(eq(municipalities.id, id))
    .get();
}

export function listMunicipalities(db: Db): { id: string; name: string }[] {
  return db
    .select({ id: municipalities.id, name: municipalities.name })
    .from(municipalities)
    .orderBy(asc(municipalities.id))
    .all();
}

function buildProfileQuery(db: Db) {
  return db
    .select()
    .from(municipalityProfiles)
    .where(eq(municipalityProfiles.municipalityId, sql.placeholder('municipalityId')))
    .prepare();
}
/** Built once per connection: every booking reads the organiser's address. */
const profileQueries = new WeakMap<Db, ReturnType<typeof buildProfileQuery>>();

export function findProfile(db: Db, municipalityId: string): MunicipalityProfileRow | undefined {
  let query = profileQueries.get(db);
  if (!query) {
    query = buildProfileQuery(db);
    profileQueries.set(db, query);
  }
  return query.get({ municipalityId });
}

import type { MunicipalityDto } from '../contracts/integrations.ts';

/** How municipalities present themselves (name, logo, contact, house style). SQLite: `db/sqlite/municipality-store.ts`. */
export interface MunicipalityStore {
  /** Every municipality of the installation, by id. */
  municipalities(): Promise<{ id: string; name: string }[]>;
  /** The municipality with its profile (defaults where it has none), or null when there is no such municipality. */
  presentation(municipalityId: string): Promise<MunicipalityDto | null>;
}

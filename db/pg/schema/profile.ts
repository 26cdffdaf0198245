import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { locations, municipalities } from './tenancy.ts';

/**
 * How a municipality presents itself: shown by the front-ends from `GET /municipality`, so no
 * municipality's name or colours are hard-coded in translation files or style sheets.
 */
export const municipalityProfiles = pgTable('municipality_profiles', {
  municipalityId: text()
    .primaryKey()
    .references(() => municipalities.id),
  /** An https URL or a root-relative path served by this installation. */
  logoUrl: text(),
  website: text(),
  /** Design tokens (CSS custom property name → value), e.g. `--utrecht-color-primary`. */
  houseStyle: jsonb().$type<Record<string, string>>().notNull().default({}),
  /** Where residents and integrators reach the municipality (also the calendar file's ORGANIZER). */
  contactEmail: text(),
  contactUrl: text(),
});

/**
 * A small stable integer per office for open-data consumers (the Amsterdam live feed has integer ids).
 * Assigned once, never reused.
 */
export const locationNumbers = pgTable(
  'location_numbers',
  {
    locationId: text()
      .primaryKey()
      .references(() => locations.id),
    number: integer().notNull(),
  },
  (t) => [uniqueIndex('location_numbers_number').on(t.number)],
);

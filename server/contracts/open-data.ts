import { z } from 'zod';
import { WaitBand } from './queue.ts';

/** The HTTP contract of open data (GET /open-data…): counts, bands and aggregates, never personal data. */

const Band = WaitBand.shape.band;

export const OpenDataLicence = z.object({ id: z.literal('CC0-1.0'), name: z.string(), url: z.string() });

export const OpenDataCatalogue = z.object({
  licence: OpenDataLicence,
  publishers: z.array(z.object({ id: z.string(), name: z.string() })),
  personalData: z.string(),
  offices: z.array(
    z.object({
      id: z.number().int().nullable(),
      locationId: z.string(),
      name: z.string(),
      city: z.string(),
      municipalityId: z.string(),
    }),
  ),
  datasets: z.array(
    z.object({
      path: z.string(),
      title: z.string(),
      format: z.string(),
      updateFrequency: z.string(),
      fields: z.array(z.string()),
    }),
  ),
});
export type OpenDataCatalogue = z.infer<typeof OpenDataCatalogue>;

/** Amsterdam's feed: a bare array, an integer id per office. */
export const AmsterdamLiveFeed = z.array(
  z.object({ id: z.number().int(), waiting: z.number().int(), waittime: z.string() }),
);
export type AmsterdamLiveFeed = z.infer<typeof AmsterdamLiveFeed>;

export const OpenDataLiveOffice = z.object({
  id: z.string(),
  name: z.string(),
  city: z.string(),
  /** False when no counter is open: then there is no wait estimate. */
  open: z.boolean(),
  waiting: z.number().int(),
  waitBand: Band.nullable(),
  waitMinutes: z.number().nullable(),
  waitText: z.object({ nl: z.string(), en: z.string() }).nullable(),
  services: z.array(z.object({ code: z.string(), waiting: z.number().int(), waitBand: Band, waitMinutes: z.number() })),
});
export type OpenDataLiveOffice = z.infer<typeof OpenDataLiveOffice>;

export const OpenDataLive = z
  .object({ generatedAt: z.string(), licence: OpenDataLicence, locations: z.array(OpenDataLiveOffice) })
  .meta({ id: 'OpenDataLive' });
export type OpenDataLive = z.infer<typeof OpenDataLive>;

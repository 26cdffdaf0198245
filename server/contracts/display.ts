import { z } from 'zod';

/** The HTTP contract of the waiting-room display's ticker (PUT /locations/{id}/ticker, supervisors). */

export const Ticker = z.object({ locationId: z.string(), text: z.string() }).meta({ id: 'DisplayTicker' });

export type Ticker = z.infer<typeof Ticker>;

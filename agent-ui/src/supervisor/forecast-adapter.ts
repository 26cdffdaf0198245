import type { LocationForecastDto } from '../../../server/contracts/forecast.ts';
import type { LocationStatistics } from '../../../server/contracts/stats.ts';
import type { ForecastHour } from './planner-model.ts';

type Hour = LocationForecastDto['hours'][number];
type Day = LocationForecastDto['days'][number];

/** The parts of GET /locations/{id}/forecast the planner reads (hours in the location's zone). */
export interface ForecastResponse {
  hours: Pick<Hour, 'date' | 'hour' | 'demand' | 'walkInArrivals' | 'requiredCounters' | 'rosteredCounters'>[];
  days: Pick<
    Day,
    | 'date'
    | 'closed'
    | 'shortHours'
    | 'releasableSlots'
    | 'appointmentsBooked'
    | 'appointmentsExpected'
    | 'appointmentSlots'
    | 'slotsForNorm'
    | 'slotsShort'
    | 'warning'
  >[];
}

/** Daily walk-in visitors that really came, from GET /locations/{id}/statistics (perDay is walk-ins). */
export type ActualDay = Pick<LocationStatistics['perDay'][number], 'date' | 'visitors'>;

/**
 * Hourly planner rows: expected walk-in arrivals, counters required for the norm and rostered. The actual
 * visitors are known per day only; they are put on the day's first open hour so daily totals compare.
 */
export function toForecastHours(forecast: ForecastResponse, actual: ActualDay[]): ForecastHour[] {
  const actualByDate = new Map(actual.map((d) => [d.date, d.visitors]));
  const seen = new Set<string>();
  return [...forecast.hours]
    .sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour)
    .map((h) => {
      const first = !seen.has(h.date);
      seen.add(h.date);
      const known = actualByDate.get(h.date);
      return {
        start: `${h.date}T${String(h.hour).padStart(2, '0')}`,
        date: h.date,
        hour: h.hour,
        expected: h.walkInArrivals,
        actual: first && known !== undefined ? known : null,
        required: h.requiredCounters,
        rostered: h.rosteredCounters,
      };
    });
}

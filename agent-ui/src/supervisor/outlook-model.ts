import type { WeeklyOutlookDto } from '../../../server/contracts/forecast.ts';

/** GET /locations/{id}/weekly-outlook as the contract defines it, and what the planner makes of it (pure). */
export type OutlookResponse = WeeklyOutlookDto;
export type OutlookWeek = WeeklyOutlookDto['weeks'][number];
export type OutlookPeak = WeeklyOutlookDto['peakWeeks'][number];
export type OutlookOption = OutlookPeak['options'][number];
export type OutlookEffect = OutlookPeak['baseline'];

/** A share 0..1 as a whole percentage, or a dash. */
export function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)} %`;
}

/** Whether an option's simulated walk-in share meets the norm. */
export function meetsNorm(effect: OutlookEffect, norm: { share: number }): boolean {
  return effect.walkInShareWithinNorm === null || effect.walkInShareWithinNorm >= norm.share;
}

/** Chart rows: demand of both channels in counter-hours needed against rostered, per week. */
export function outlookChartRows(weeks: readonly OutlookWeek[]) {
  return weeks.map((w) => ({
    weekStart: w.weekStart,
    needed: w.requiredCounterHours,
    rostered: w.rosteredCounterHours,
    walkIns: w.walkIns,
    appointments: w.appointmentsExpected,
  }));
}

/** CSV of the weekly outlook, for a planner's spreadsheet. */
export function outlookCsv(weeks: readonly OutlookWeek[]): string {
  const lines = [
    'week_start,open_days,expected_walk_ins,expected_appointments,appointments_booked,counter_hours_needed,counter_hours_rostered,counter_hours_short,hours_short,appointment_slots_short',
  ];
  for (const w of weeks) {
    lines.push(
      [
        w.weekStart,
        w.openDays,
        w.walkIns,
        w.appointmentsExpected,
        w.appointmentsBooked,
        w.requiredCounterHours,
        w.rosteredCounterHours,
        w.gapCounterHours,
        w.shortHours,
        w.slotsShort,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

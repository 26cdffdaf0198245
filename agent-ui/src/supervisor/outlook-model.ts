/**
 * The parts of GET /locations/{id}/weekly-outlook the planner reads, and what it makes of them (pure).
 */
export interface OutlookWeek {
  weekStart: string;
  openDays: number;
  walkIns: number;
  appointmentsExpected: number;
  appointmentsBooked: number;
  requiredCounterHours: number;
  rosteredCounterHours: number;
  gapCounterHours: number;
  shortHours: number;
  slotsShort: number;
}

export interface OutlookEffect {
  walkInShareWithinNorm: number | null;
  appointmentShareWithinNorm: number | null;
}

export interface OutlookOption {
  kind: 'extra-counters' | 'evening' | 'saturday' | 'release-earlier';
  counterHours: number;
  detail: { counters?: number; from?: string; to?: string; day?: string; slots?: number; weeksBefore?: number };
  effect: OutlookEffect;
}

export interface OutlookPeak {
  weekStart: string;
  gapCounterHours: number;
  worstDay: string;
  baseline: OutlookEffect;
  options: OutlookOption[];
}

export interface OutlookResponse {
  from: string;
  norm: { share: number; minutes: number };
  usesRegistry: boolean;
  weeks: OutlookWeek[];
  peakWeeks: OutlookPeak[];
}

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

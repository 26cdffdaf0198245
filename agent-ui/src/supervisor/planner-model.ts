/**
 * Turns the forecast endpoint's hourly rows into what the planner sees: a heat map of counters needed
 * minus rostered per day × hour, peak weeks, and daily forecast-against-actual totals. Pure.
 */
export interface ForecastHour {
  /** Start of the hour, ISO instant. */
  start: string;
  /** Local date and hour in the location's zone. */
  date: string;
  hour: number;
  /** Expected visitors in this hour (all services). */
  expected: number;
  /** Visitors that really came (past hours only). */
  actual: number | null;
  required: number;
  rostered: number;
}

export interface HeatCell {
  hour: number;
  required: number;
  rostered: number;
  gap: number;
}

export interface HeatRow {
  date: string;
  weekStart: string;
  cells: Map<number, HeatCell>;
}

export interface PeakWeek {
  weekStart: string;
  shortHours: number;
  maxGap: number;
  totalGap: number;
}

export interface DayTotal {
  date: string;
  forecast: number;
  actual: number | null;
}

/** Monday of the ISO week a local date falls in. */
export function weekStartOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  const weekday = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - weekday);
  return t.toISOString().slice(0, 10);
}

export function heatRows(hours: ForecastHour[]): { rows: HeatRow[]; hourRange: number[] } {
  const byDate = new Map<string, HeatRow>();
  let minHour = 24;
  let maxHour = -1;
  for (const h of hours) {
    if (h.required === 0 && h.rostered === 0) continue;
    let row = byDate.get(h.date);
    if (!row) {
      row = { date: h.date, weekStart: weekStartOf(h.date), cells: new Map() };
      byDate.set(h.date, row);
    }
    const prev = row.cells.get(h.hour);
    const required = (prev?.required ?? 0) + h.required;
    const rostered = (prev?.rostered ?? 0) + h.rostered;
    row.cells.set(h.hour, { hour: h.hour, required, rostered, gap: required - rostered });
    minHour = Math.min(minHour, h.hour);
    maxHour = Math.max(maxHour, h.hour);
  }
  const rows = [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
  const hourRange: number[] = [];
  for (let h = minHour; h <= maxHour; h++) hourRange.push(h);
  return { rows, hourRange };
}

/** Weeks with at least one hour short of counters, worst first. */
export function peakWeeks(rows: HeatRow[]): PeakWeek[] {
  const weeks = new Map<string, PeakWeek>();
  for (const row of rows) {
    for (const cell of row.cells.values()) {
      if (cell.gap <= 0) continue;
      const w = weeks.get(row.weekStart) ?? { weekStart: row.weekStart, shortHours: 0, maxGap: 0, totalGap: 0 };
      w.shortHours += 1;
      w.maxGap = Math.max(w.maxGap, cell.gap);
      w.totalGap += cell.gap;
      weeks.set(row.weekStart, w);
    }
  }
  return [...weeks.values()].sort((a, b) => b.totalGap - a.totalGap || a.weekStart.localeCompare(b.weekStart));
}

export function dailyTotals(hours: ForecastHour[]): DayTotal[] {
  const days = new Map<string, DayTotal>();
  for (const h of hours) {
    const d = days.get(h.date) ?? { date: h.date, forecast: 0, actual: null };
    d.forecast += h.expected;
    if (h.actual !== null) d.actual = (d.actual ?? 0) + h.actual;
    days.set(h.date, d);
  }
  return [...days.values()]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => ({ ...d, forecast: Math.round(d.forecast * 10) / 10 }));
}

/** CSV of the hourly plan, for a planner's spreadsheet. */
export function plannerCsv(hours: ForecastHour[]): string {
  const lines = ['date,hour,expected_walk_ins,actual_walk_ins_of_day,counters_required,counters_rostered,gap'];
  for (const h of [...hours].sort((a, b) => a.start.localeCompare(b.start))) {
    lines.push(
      [h.date, h.hour, h.expected.toFixed(2), h.actual ?? '', h.required, h.rostered, h.required - h.rostered].join(
        ',',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

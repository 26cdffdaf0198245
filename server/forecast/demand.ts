/**
 * Demand forecast per service × local date × hour (pure: no I/O, no clock).
 *
 * Beyond a few days ahead a seasonal average is hard to beat (Taylor 2008), so the model is one:
 *   rate(d, h) = level(d) × weekday(d) × season(week of d) × share(weekday, h),   0 on closed days
 * with three things a plain seasonal average does not have:
 *  - closed days (holidays) are known and neither pull averages down nor get demand forecast;
 *  - level(d) = a + b·R(d), where R is the renewal wave computed from the registry of issued documents
 *    (adults 10 years, minors 5), so a wave that has not started yet is in the forecast;
 *  - recent weeks weigh more (exponential forgetting), so a structural break is followed within weeks.
 * The season is each week's ratio to a centred 13-week average in earlier years (school-holiday lift
 * before the summer, the quiet Christmas weeks), used only when a year of history exists.
 */
import { DateTime } from 'luxon';

export interface HourlyCount {
  /** Local date YYYY-MM-DD. */
  date: string;
  hour: number;
  count: number;
}

export interface RegistryRow {
  /** Month of issue, YYYY-MM. */
  month: string;
  documentType: string;
  ageBand: 'adult' | 'minor';
  count: number;
}

export interface DemandModelOptions {
  /** Closed local dates (holidays, bridge days); weekends are always closed. */
  isClosed: (date: string) => boolean;
  /** Expected renewals per working day on a date for this service (from `renewalIndex`), if known. */
  renewal?: (date: string) => number;
  /** Half-life of the level in weeks (default 6). */
  levelHalfLifeWeeks?: number;
  /** Half-life for the renewal coefficient in weeks (default 52). */
  renewalHalfLifeWeeks?: number;
  /** Weeks of history for the weekday × hour profile (default 12). */
  profileWeeks?: number;
}

export interface DemandForecast {
  date: string;
  hour: number;
  /** Expected arrivals in that hour. */
  expected: number;
}

// Date arithmetic on YYYY-MM-DD strings is the hot path of fitting; memoise it.
const weekdayCache = new Map<string, number>();
const weekCache = new Map<string, number>();

export function weekdayOfDate(date: string): number {
  let v = weekdayCache.get(date);
  if (v === undefined) {
    v = DateTime.fromISO(date, { zone: 'UTC' }).weekday;
    weekdayCache.set(date, v);
  }
  return v;
}

export function isWeekend(date: string): boolean {
  return weekdayOfDate(date) >= 6;
}

const dayMs = 86_400_000;
function epochDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / dayMs;
}

export function addDaysIso(date: string, days: number): string {
  return new Date((epochDay(date) + days) * dayMs).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return epochDay(b) - epochDay(a);
}

function weekOfYear(date: string): number {
  let v = weekCache.get(date);
  if (v === undefined) {
    v = Math.min(52, DateTime.fromISO(date, { zone: 'UTC' }).weekNumber);
    weekCache.set(date, v);
  }
  return v;
}

function mondayOf(date: string): string {
  return addDaysIso(date, 1 - weekdayOfDate(date));
}

/** A registry month, `yyyy-MM`. */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Renewals expected per month from a registry of issued documents. Adult documents are valid 10 years
 * (5 when issued before March 2014), minors' 5 (driving licences 10); residents renew in the months before expiry — `window` gives the
 * share renewing k months before the expiry month (k = 0 is the month itself).
 */
export function renewalIndex(
  rows: readonly RegistryRow[],
  options: { window?: number[]; validityYears?: (row: RegistryRow) => number } = {},
): Map<string, Map<string, number>> {
  const window = options.window ?? [0.15, 0.25, 0.22, 0.16, 0.1, 0.07, 0.05];
  const validity =
    options.validityYears ??
    ((r: RegistryRow) => {
      if (r.documentType === 'driving-licence') return 10;
      // Adults' passports and ID cards: 5 years until 9 March 2014, 10 years since (docs/facts.md).
      return r.ageBand === 'minor' || r.month < '2014-03' ? 5 : 10;
    });
  // documentType → month → expected renewals
  const out = new Map<string, Map<string, number>>();
  for (const row of rows) {
    // Months counted from year 0 (plain arithmetic: a registry has thousands of rows, each with seven months).
    const issued = MONTH.exec(row.month);
    if (!issued || !(row.count > 0)) continue;
    const expiry = Number(issued[1]) * 12 + Number(issued[2]) - 1 + 12 * validity(row);
    let byMonth = out.get(row.documentType);
    if (!byMonth) {
      byMonth = new Map();
      out.set(row.documentType, byMonth);
    }
    window.forEach((share, k) => {
      const m = expiry - k;
      const month = `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;
      byMonth?.set(month, (byMonth?.get(month) ?? 0) + share * row.count);
    });
  }
  return out;
}

/** Renewals per working day on a date, for a service's document types. */
export function renewalPerWorkingDay(
  index: Map<string, Map<string, number>>,
  documentTypes: readonly string[],
): (date: string) => number {
  const cache = new Map<string, number>();
  return (date: string) => {
    const month = date.slice(0, 7);
    let v = cache.get(month);
    if (v === undefined) {
      let monthly = 0;
      for (const t of documentTypes) monthly += index.get(t)?.get(month) ?? 0;
      const start = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
      let working = 0;
      for (let d = start; d.month === start.month; d = d.plus({ days: 1 })) if (d.weekday <= 5) working++;
      v = monthly / Math.max(1, working);
      cache.set(month, v);
    }
    return v;
  };
}

/** Which registry document types drive a service's demand (pickup follows every application). */
export function documentTypesFor(serviceCode: string): string[] {
  if (serviceCode === 'pickup') return ['passport', 'id-card', 'driving-licence'];
  return [serviceCode];
}

interface Fitted {
  a: number;
  b: number;
  weekday: number[];
  shares: Map<number, Map<number, number>>;
  season: Map<number, number>;
  hours: number[];
}

/** Fits the model on history up to (excluding) `origin`. */
export function fitDemandModel(
  history: readonly HourlyCount[],
  origin: string,
  options: DemandModelOptions,
): Fitted | null {
  const rows = history.filter((r) => r.date < origin && !isWeekend(r.date) && !options.isClosed(r.date));
  if (rows.length === 0) return null;
  const daily = new Map<string, number>();
  const hourSet = new Set<number>();
  for (const r of rows) {
    daily.set(r.date, (daily.get(r.date) ?? 0) + r.count);
    hourSet.add(r.hour);
  }
  const dates = [...daily.keys()].sort();
  const hours = [...hourSet].sort((x, y) => x - y);
  const profileFrom = addDaysIso(origin, -7 * (options.profileWeeks ?? 12));

  // Weekday factors and hour shares over the recent profile window.
  const wdSum = [0, 0, 0, 0, 0, 0, 0, 0];
  const wdN = [0, 0, 0, 0, 0, 0, 0, 0];
  const shareSum = new Map<number, Map<number, number>>();
  for (const date of dates) {
    if (date < profileFrom) continue;
    const wd = weekdayOfDate(date);
    wdSum[wd] = (wdSum[wd] ?? 0) + (daily.get(date) ?? 0);
    wdN[wd] = (wdN[wd] ?? 0) + 1;
  }
  for (const r of rows) {
    if (r.date < profileFrom) continue;
    const wd = weekdayOfDate(r.date);
    let m = shareSum.get(wd);
    if (!m) {
      m = new Map();
      shareSum.set(wd, m);
    }
    m.set(r.hour, (m.get(r.hour) ?? 0) + r.count);
  }
  const overall =
    wdSum.reduce((a, b) => a + b, 0) /
    Math.max(
      1,
      wdN.reduce((a, b) => a + b, 0),
    );
  const weekday = wdSum.map((s, i) => ((wdN[i] ?? 0) > 0 && overall > 0 ? s / (wdN[i] ?? 1) / overall : 1));
  const shares = new Map<number, Map<number, number>>();
  for (const [wd, m] of shareSum) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    // A little pooling toward the all-weekday profile keeps rare hours from being zero.
    shares.set(wd, new Map(hours.map((h) => [h, total > 0 ? (m.get(h) ?? 0) / total : 1 / hours.length])));
  }

  // The renewal coefficient b of y(d) = a + b·R(d), first without a season, so that the season below
  // can be measured on weeks with the renewal wave taken out (a registry's month-to-month swings would
  // otherwise be learned as "season" and repeated a year later).
  const wdOf = (date: string) => weekday[weekdayOfDate(date)] ?? 1;
  const renewalOf = (date: string) => options.renewal?.(date) ?? 0;
  const fitLevel = (seasonOf: (date: string) => number) => {
    const y: { age: number; v: number; r: number }[] = [];
    for (const date of dates) {
      y.push({
        age: daysBetween(date, origin) / 7,
        v: (daily.get(date) ?? 0) / (wdOf(date) * seasonOf(date)),
        r: renewalOf(date),
      });
    }
    let b = 0;
    if (options.renewal) {
      const hl = options.renewalHalfLifeWeeks ?? 52;
      let sw = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      for (const p of y) {
        const w = 0.5 ** (p.age / hl);
        sw += w;
        sx += w * p.r;
        sy += w * p.v;
        sxx += w * p.r * p.r;
        sxy += w * p.r * p.v;
      }
      const varX = sxx / sw - (sx / sw) ** 2;
      if (varX > 1e-9) b = Math.max(0, (sxy / sw - (sx / sw) * (sy / sw)) / varX);
    }
    const hl = options.levelHalfLifeWeeks ?? 6;
    let sw = 0;
    let sa = 0;
    for (const p of y) {
      const w = 0.5 ** (p.age / hl);
      sw += w;
      sa += w * (p.v - b * p.r);
    }
    return { a: sw > 0 ? sa / sw : 0, b };
  };
  const first = fitLevel(() => 1);

  // Seasonal index per week of year: a week's daily mean against what its centred 13-week mean and its
  // own renewals predict, in completed earlier years only (not the weeks just before the origin, which
  // the level follows).
  const weekMean = new Map<string, { sum: number; base: number; renewal: number; n: number }>();
  for (const date of dates) {
    const monday = mondayOf(date);
    const acc = weekMean.get(monday) ?? { sum: 0, base: 0, renewal: 0, n: 0 };
    const v = (daily.get(date) ?? 0) / wdOf(date);
    const r = first.b * renewalOf(date);
    acc.sum += v;
    acc.base += v - r;
    acc.renewal += r;
    acc.n++;
    weekMean.set(monday, acc);
  }
  const mondays = [...weekMean.keys()].sort();
  const seasonAcc = new Map<number, { sum: number; n: number }>();
  const cutoff = addDaysIso(origin, -7 * 8);
  for (let i = 6; i < mondays.length - 6; i++) {
    const monday = mondays[i] as string;
    if (monday >= cutoff) break;
    let s = 0;
    let n = 0;
    for (let k = i - 6; k <= i + 6; k++) {
      const w = weekMean.get(mondays[k] as string);
      if (w && w.n > 0) {
        s += w.base / w.n;
        n++;
      }
    }
    const w = weekMean.get(monday);
    if (!w || w.n < 3 || n === 0) continue;
    const expected = s / n + w.renewal / w.n;
    if (expected <= 0) continue;
    const ratio = w.sum / w.n / expected;
    const woy = weekOfYear(monday);
    const acc = seasonAcc.get(woy) ?? { sum: 0, n: 0 };
    acc.sum += ratio;
    acc.n++;
    seasonAcc.set(woy, acc);
  }
  const season = new Map<number, number>();
  for (const [woy, acc] of seasonAcc) {
    // Shrink toward 1 with one pseudo-year so one odd year does not dominate.
    season.set(woy, (acc.sum + 1) / (acc.n + 1));
  }

  // Level and renewal coefficient again, on deseasonalised days, exponentially weighted.
  const { a, b } = fitLevel((date) => season.get(weekOfYear(date)) ?? 1);
  return { a, b, weekday, shares, season, hours };
}

/** Expected arrivals per hour on the open days in [from, to]. */
export function forecastDemand(
  history: readonly HourlyCount[],
  from: string,
  to: string,
  options: DemandModelOptions,
): DemandForecast[] {
  const model = fitDemandModel(history, from, options);
  if (!model) return [];
  const out: DemandForecast[] = [];
  for (let date = from; date <= to; date = addDaysIso(date, 1)) {
    if (isWeekend(date)) continue;
    const closed = options.isClosed(date);
    const wd = weekdayOfDate(date);
    const level = Math.max(0, model.a + model.b * (options.renewal?.(date) ?? 0));
    const daily = level * (model.weekday[wd] ?? 1) * (model.season.get(weekOfYear(date)) ?? 1);
    const shares = model.shares.get(wd);
    for (const hour of model.hours) {
      const share = shares?.get(hour) ?? 1 / model.hours.length;
      out.push({ date, hour, expected: closed ? 0 : daily * share });
    }
  }
  return out;
}

/** Parses `date,hour,service,count` (header required; an optional `location` column is kept). */
export function parseHourlyCsv(text: string): { location: string | null; service: string; row: HourlyCount }[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [iDate, iHour, iService, iCount, iLocation] = ['date', 'hour', 'service', 'count', 'location'].map(col);
  if ([iDate, iHour, iService, iCount].some((i) => i === undefined || i < 0)) {
    throw new Error('history CSV needs the columns date,hour,service,count');
  }
  return lines.map((line, n) => {
    const cells = line.split(',').map((c) => c.trim());
    const date = cells[iDate as number] ?? '';
    const hour = Number(cells[iHour as number]);
    const count = Number(cells[iCount as number]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Number.isInteger(hour) || hour < 0 || hour > 23 || !(count >= 0)) {
      throw new Error(`history CSV line ${n + 2}: expected YYYY-MM-DD, an hour 0–23 and a count ≥ 0`);
    }
    return {
      location: iLocation !== undefined && iLocation >= 0 ? (cells[iLocation] ?? null) : null,
      service: cells[iService as number] ?? '',
      row: { date, hour, count },
    };
  });
}

/** Parses `month,document_type,age_band,count`. */
export function parseRegistryCsv(text: string): RegistryRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
  const idx = ['month', 'document_type', 'age_band', 'count'].map((n) => header.indexOf(n));
  if (idx.some((i) => i < 0)) throw new Error('registry CSV needs the columns month,document_type,age_band,count');
  const [iMonth, iType, iAge, iCount] = idx as [number, number, number, number];
  return lines.map((line, n) => {
    const cells = line.split(',').map((c) => c.trim());
    const month = cells[iMonth] ?? '';
    const ageBand = cells[iAge];
    const count = Number(cells[iCount]);
    if (!/^\d{4}-\d{2}$/.test(month) || (ageBand !== 'adult' && ageBand !== 'minor') || !(count >= 0)) {
      throw new Error(`registry CSV line ${n + 2}: expected YYYY-MM, adult|minor and a count ≥ 0`);
    }
    return { month, documentType: cells[iType] ?? '', ageBand, count };
  });
}

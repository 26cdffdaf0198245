import type { ForecastHour } from './planner-model.ts';

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function localParts(iso: string, zone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/**
 * Reads the forecast endpoint's answer into hourly rows: one row per hour (services summed), with
 * expected visitors, actual visitors when known, and counters required and rostered.
 */
export function toForecastHours(body: unknown, zone: string): ForecastHour[] {
  const obj = (body ?? {}) as Row;
  const list = (Array.isArray(body) ? body : (obj.hours ?? obj.rows ?? obj.forecast ?? [])) as Row[];
  const merged = new Map<string, ForecastHour>();
  for (const r of list) {
    const start = String(r.start ?? r.hourStart ?? r.at ?? '');
    if (!start) continue;
    const { date, hour } = localParts(start, zone);
    const perService = Array.isArray(r.services) ? (r.services as Row[]) : null;
    const expected =
      num(r.expected) ??
      num(r.expectedVisitors) ??
      num(r.demand) ??
      (perService ? perService.reduce((s, x) => s + (num(x.expected) ?? num(x.demand) ?? 0), 0) : 0);
    const actual = num(r.actual) ?? num(r.actualVisitors);
    const required = num(r.required) ?? num(r.requiredCounters) ?? num(r.countersNeeded) ?? 0;
    const rostered = num(r.rostered) ?? num(r.rosteredCounters) ?? 0;
    const prev = merged.get(start);
    if (prev) {
      prev.expected += expected;
      prev.actual = actual === null ? prev.actual : (prev.actual ?? 0) + actual;
      // Counters are per hour for the location, not per service row: keep the largest.
      prev.required = Math.max(prev.required, required);
      prev.rostered = Math.max(prev.rostered, rostered);
    } else {
      merged.set(start, { start, date, hour, expected, actual, required, rostered });
    }
  }
  return [...merged.values()].sort((a, b) => a.start.localeCompare(b.start));
}

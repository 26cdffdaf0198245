/**
 * Track 3: demand forecast. Simulated years of hourly walk-in counts for one service at one office —
 * weekday × hour profile, season with the pre-summer lift, Dutch holidays (closed), optionally the
 * renewal wave from a simulated registry and a structural break — then rolling weekly origins over the
 * held-out last year, horizons 1–8 weeks. MASE against the in-sample one-week seasonal naive.
 * The true renewal timing and uptake differ from the model's assumptions: it must learn them.
 */
import {
  addDaysIso,
  forecastDemand,
  type HourlyCount,
  type RegistryRow,
  renewalIndex,
  renewalPerWorkingDay,
  weekdayOfDate,
} from '../server/forecast/demand.ts';
import { createRandom } from '../server/random.ts';
import { publicHolidays } from '../server/scheduling/closures.ts';

interface Track3Protocol {
  scenarios: string[];
  horizonsWeeks: number[];
  origins: { full: number; smoke: number };
}

export interface Track3Scenario {
  scenario: string;
  origins: number;
  horizons: number[];
  methods: Record<string, { byHorizon: number[]; all: number }>;
}

const HOURS = [9, 10, 11, 12, 13, 14, 15];
const HOUR_SHARE = [0.22, 0.2, 0.14, 0.12, 0.12, 0.11, 0.09];
const WEEKDAY = [0, 1.2, 1.0, 0.9, 1.1, 0.8];
const FIRST = '2022-01-03';
const LAST = '2026-12-31';
const TEST_FROM = '2026-01-05';

function season(date: string): number {
  const d = new Date(`${date}T00:00:00Z`);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.floor((d.getTime() - start) / (7 * 86_400_000)) + 1;
  if (week >= 22 && week <= 28) return 1.3; // school-holiday lift before the summer
  if (week >= 30 && week <= 33) return 0.8;
  if (week >= 51) return 0.7;
  return 1;
}

function closedDays(): Set<string> {
  const out = new Set<string>();
  for (let y = 2022; y <= 2027; y++) {
    for (const d of publicHolidays(y, { closedOnGoodFriday: true, closedOnLiberationDay: false }).keys()) out.add(d);
  }
  return out;
}

function registry(wave: boolean, seed: number): RegistryRow[] {
  const rng = createRandom(seed * 7 + 3);
  const rows: RegistryRow[] = [];
  for (let y = 2010; y <= 2026; y++) {
    for (let m = 1; m <= 12; m++) {
      const month = `${y}-${String(m).padStart(2, '0')}`;
      // 2014–2016: the rush after adult validity went from 5 to 10 years returns ten years later.
      const spike = wave && ((y === 2014 && m >= 3) || y === 2015 || (y === 2016 && m <= 6)) ? 2.6 : 1;
      const adult = Math.round(400 * spike * (0.9 + 0.2 * rng.next()));
      rows.push({ month, documentType: 'passport', ageBand: 'adult', count: adult });
      rows.push({
        month,
        documentType: 'passport',
        ageBand: 'minor',
        count: Math.round(120 * (0.9 + 0.2 * rng.next())),
      });
    }
  }
  return rows;
}

interface Series {
  history: HourlyCount[];
  truth: Map<string, number>;
  closed: Set<string>;
  registry: RegistryRow[];
}

function generate(name: string, seed: number): Series {
  const rng = createRandom(seed * 1000 + name.length);
  const wave = name.includes('wave');
  const brk = name.includes('break');
  const reg = registry(wave, seed);
  // The truth renews with its own timing (not the model's default window) and uptake.
  const trueIndex = renewalIndex(reg, { window: [0.08, 0.18, 0.24, 0.22, 0.14, 0.09, 0.05] });
  const renewal = renewalPerWorkingDay(trueIndex, ['passport']);
  const closed = closedDays();
  const history: HourlyCount[] = [];
  const truth = new Map<string, number>();
  for (let date = FIRST; date <= LAST; date = addDaysIso(date, 1)) {
    const wd = weekdayOfDate(date);
    if (wd >= 6) continue;
    const level = (wave ? 35 + 1.2 * renewal(date) : 60) * (brk && date >= '2026-03-02' ? 1.35 : 1);
    const daily = closed.has(date) ? 0 : level * (WEEKDAY[wd] ?? 1) * season(date);
    HOURS.forEach((hour, i) => {
      const rate = daily * (HOUR_SHARE[i] ?? 0);
      truth.set(`${date}|${hour}`, rate);
      history.push({ date, hour, count: rng.poisson(rate) });
    });
  }
  return { history, truth, closed, registry: reg };
}

export function runTrack3(protocol: Track3Protocol, seeds: number[], mode: 'full' | 'smoke'): Track3Scenario[] {
  const out: Track3Scenario[] = [];
  const nOrigins = protocol.origins[mode];
  const useSeeds = mode === 'smoke' ? seeds.slice(0, 1) : seeds;
  const maxH = Math.max(...protocol.horizonsWeeks);
  for (const name of protocol.scenarios) {
    const abs: Record<string, number[][]> = {};
    const scale: number[] = [];
    let origins = 0;
    for (const seed of useSeeds) {
      const series = generate(name, seed);
      const byKey = new Map(series.history.map((r) => [`${r.date}|${r.hour}`, r.count]));
      const renewal = renewalPerWorkingDay(renewalIndex(series.registry), ['passport']);
      const isClosed = (d: string) => series.closed.has(d);
      for (let o = 0; o < nOrigins; o++) {
        const origin = addDaysIso(TEST_FROM, 7 * o);
        const end = addDaysIso(origin, 7 * maxH - 1);
        if (end > LAST) break;
        origins++;
        const history = series.history.filter((r) => r.date < origin);
        // MASE scale: in-sample MAE of the one-week seasonal naive over the 52 weeks before the origin.
        const yearAgo = addDaysIso(origin, -364);
        let sAbs = 0;
        let sN = 0;
        for (const r of history) {
          if (r.date < yearAgo) continue;
          const prev = byKey.get(`${addDaysIso(r.date, -7)}|${r.hour}`);
          if (prev === undefined) continue;
          sAbs += Math.abs(r.count - prev);
          sN++;
        }
        const mScale = sAbs / Math.max(1, sN);
        const ours = new Map(
          forecastDemand(history, origin, end, { isClosed, renewal }).map((f) => [`${f.date}|${f.hour}`, f.expected]),
        );
        const methods: Record<string, (date: string, hour: number) => number> = {
          ours: (d, h) => ours.get(`${d}|${h}`) ?? 0,
          'seasonal-naive': (d, h) => {
            const back = (Math.floor(daysDiff(origin, d) / 7) + 1) * 7;
            return byKey.get(`${addDaysIso(d, -back)}|${h}`) ?? 0;
          },
          'seasonal-moving-average-4': (d, h) => {
            const back = (Math.floor(daysDiff(origin, d) / 7) + 1) * 7;
            let s = 0;
            for (let k = 0; k < 4; k++) s += byKey.get(`${addDaysIso(d, -back - 7 * k)}|${h}`) ?? 0;
            return s / 4;
          },
          oracle: (d, h) => series.truth.get(`${d}|${h}`) ?? 0,
        };
        for (const [m, f] of Object.entries(methods)) {
          const perH = abs[m] ?? protocol.horizonsWeeks.map(() => []);
          abs[m] = perH;
          protocol.horizonsWeeks.forEach((hw, i) => {
            const from = addDaysIso(origin, 7 * (hw - 1));
            let e = 0;
            let n = 0;
            for (let k = 0; k < 7; k++) {
              const d = addDaysIso(from, k);
              if (weekdayOfDate(d) >= 6) continue;
              for (const h of HOURS) {
                e += Math.abs(f(d, h) - (byKey.get(`${d}|${h}`) ?? 0));
                n++;
              }
            }
            perH[i]?.push(e / n / mScale);
          });
        }
        scale.push(mScale);
      }
    }
    const methods: Track3Scenario['methods'] = {};
    for (const [m, perH] of Object.entries(abs)) {
      const byHorizon = perH.map((xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
      methods[m] = { byHorizon, all: byHorizon.reduce((a, b) => a + b, 0) / byHorizon.length };
    }
    out.push({ scenario: name, origins, horizons: protocol.horizonsWeeks, methods });
  }
  return out;
}

function daysDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

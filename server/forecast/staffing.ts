/**
 * Counters needed per hour to meet a service norm (pure).
 *
 * Hour-by-hour stationary Erlang C (SIPP) assumes each hour starts empty and ends in equilibrium; an
 * office does not: the congestion of an arrival peak comes later than the peak, and the crowd at the
 * door at opening is a backlog, not a rate. We therefore use the modified offered load (MOL): the
 * infinite-server load m(t), with m′ = λ(t) − m/τ starting from the crowd, averaged over each hour,
 * is fed to exact Erlang C (or Erlang A with abandonment) instead of λ·τ. The opening hour is further
 * checked against the backlog: s counters clear s·norm/τ people of the crowd within the norm.
 * Booked appointments are known load with priority: their counter-minutes are added on top.
 */
import { requiredServers, type StaffingTarget } from './erlang.ts';

export interface HourlyStaffingInput {
  /** Walk-in arrivals per hour, one entry per opening hour (first = opening hour). */
  arrivalsPerHour: number[];
  meanServiceMinutes: number;
  target: StaffingTarget;
  /** People already waiting when the doors open. */
  crowdAtOpening?: number;
  /** Booked appointment minutes per hour (known load, served first). */
  appointmentMinutes?: number[];
  /** 'mol' (default): modified offered load; 'sipp': stationary hour-by-hour Erlang C; 'occupancy': load ÷ 0.85. */
  method?: 'mol' | 'sipp' | 'occupancy';
}

/** Average infinite-server offered load per hour: m′ = λ − m/τ, m(0) = crowd. */
export function modifiedOfferedLoad(arrivalsPerHour: number[], meanServiceMinutes: number, crowd = 0): number[] {
  const tau = meanServiceMinutes;
  const out: number[] = [];
  let m = crowd;
  const step = 0.25;
  for (const perHour of arrivalsPerHour) {
    const lambda = perHour / 60;
    let sum = 0;
    for (let t = 0; t < 60; t += step) {
      // Exact solution over the step for constant λ.
      const decay = Math.exp(-step / tau);
      const next = lambda * tau + (m - lambda * tau) * decay;
      sum += ((m + next) / 2) * step;
      m = next;
    }
    out.push(sum / 60);
  }
  return out;
}

/** Counters needed per hour. */
export function requiredCounters(input: HourlyStaffingInput): number[] {
  const tau = input.meanServiceMinutes;
  const method = input.method ?? 'mol';
  const crowd = input.crowdAtOpening ?? 0;
  const loads =
    method === 'mol'
      ? modifiedOfferedLoad(input.arrivalsPerHour, tau, crowd)
      : input.arrivalsPerHour.map((l, i) => ((l + (i === 0 ? crowd : 0)) * tau) / 60);
  return loads.map((load, i) => {
    const appointmentCounters = (input.appointmentMinutes?.[i] ?? 0) / 60 / 0.9;
    let walkIn: number;
    if (load < 0.05) {
      // The tail of an earlier peak (or nobody at all): no counter is needed for a twentieth of one.
      walkIn = 0;
    } else if (method === 'occupancy') {
      walkIn = Math.ceil(load / 0.85 - 1e-9);
    } else {
      // Erlang on the (modified) load, expressed as an equivalent arrival rate.
      walkIn = requiredServers((load * 60) / tau, tau, input.target);
      if (method === 'mol' && i === 0 && crowd > 0) {
        const lambda = input.arrivalsPerHour[0] ?? 0;
        // Misses allowed in the opening hour: most may fall on the crowd (0.7 of them, tuned on the
        // development seeds); the rest is left for those arriving after opening.
        const allowed = (1 - input.target.share) * (crowd + lambda) * 0.7;
        const backlog = Math.ceil(((crowd - allowed) * tau) / input.target.withinMinutes - 1e-9);
        walkIn = Math.max(walkIn, backlog);
      }
    }
    return Math.max(0, Math.ceil(walkIn + appointmentCounters - 1e-9));
  });
}

export interface SkillCounter {
  id: number;
  skills: readonly string[];
}

/**
 * Services that share counters form one skill group (connected components of the counter–service
 * graph): within a group demand can be pooled, across groups it cannot.
 */
export function skillGroups(counters: readonly SkillCounter[], services: readonly string[]): string[][] {
  const parent = new Map(services.map((s) => [s, s]));
  const find = (s: string): string => {
    let p = parent.get(s) ?? s;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    return p;
  };
  for (const c of counters) {
    const skills = c.skills.filter((s) => parent.has(s));
    for (let i = 1; i < skills.length; i++) {
      const a = find(skills[0] as string);
      const b = find(skills[i] as string);
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, string[]>();
  for (const s of services) {
    const root = find(s);
    groups.set(root, [...(groups.get(root) ?? []), s]);
  }
  return [...groups.values()];
}

/**
 * Appointment slots that can be released on a day: the rostered counter-minutes left after the walk-in
 * requirement and the booked load, in slots of `slotMinutes` (never negative).
 */
export function releasableSlots(rosteredPerHour: number[], requiredPerHour: number[], slotMinutes: number): number {
  let spare = 0;
  rosteredPerHour.forEach((r, i) => {
    spare += Math.max(0, r - (requiredPerHour[i] ?? 0)) * 60;
  });
  return Math.floor(spare / slotMinutes);
}

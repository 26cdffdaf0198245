/** The statistics endpoint's answer, read into what the view shows. */
export interface ServiceLevel {
  visitors: number;
  within5: number | null;
  within10: number | null;
}

export interface Statistics {
  days: { date: string; walkIn: ServiceLevel; appointment: ServiceLevel; noShows: number }[];
  services: {
    code: string;
    visitors: number;
    within5: number | null;
    within10: number | null;
    noShows: number;
    daysToFirstFree: number | null;
  }[];
  totals: { visitors: number; walkIn: ServiceLevel; appointment: ServiceLevel; noShows: number };
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A share may come as 0–1 or as a percentage; counts of "within" are turned into shares. */
function share(level: Row | undefined, key5: string): number | null {
  if (!level) return null;
  const direct = num(level[`${key5}Share`]) ?? num(level[key5]);
  const visitors = num(level.visitors) ?? num(level.count) ?? num(level.called);
  if (direct === null) return null;
  if (direct <= 1) return direct;
  if (visitors) return direct / visitors;
  return direct / 100;
}

function level(raw: unknown): ServiceLevel {
  const r = (raw ?? {}) as Row;
  return {
    visitors: num(r.visitors) ?? num(r.count) ?? num(r.called) ?? 0,
    within5: share(r, 'within5'),
    within10: share(r, 'within10'),
  };
}

export function toStatistics(body: unknown): Statistics {
  const b = (body ?? {}) as Row;
  const days = ((b.days ?? b.perDay ?? []) as Row[]).map((d) => ({
    date: String(d.date ?? d.serviceDate),
    walkIn: level(d.walkIn ?? d.walkIns),
    appointment: level(d.appointment ?? d.appointments),
    noShows: num(d.noShows) ?? 0,
  }));
  const services = ((b.services ?? b.perService ?? []) as Row[]).map((s) => {
    const l = level(s);
    return {
      code: String(s.code ?? s.serviceCode),
      visitors: l.visitors,
      within5: l.within5,
      within10: l.within10,
      noShows: num(s.noShows) ?? 0,
      daysToFirstFree: num(s.daysToFirstFreeSlot) ?? num(s.daysToFirstFree) ?? num(s.firstFreeDays),
    };
  });
  const totalsRaw = (b.totals ?? b.total ?? {}) as Row;
  const sum = (f: (d: (typeof days)[number]) => number) => days.reduce((s, d) => s + f(d), 0);
  const totals = {
    visitors: num(totalsRaw.visitors) ?? sum((d) => d.walkIn.visitors + d.appointment.visitors),
    walkIn: totalsRaw.walkIn ? level(totalsRaw.walkIn) : level({}),
    appointment: totalsRaw.appointment ? level(totalsRaw.appointment) : level({}),
    noShows: num(totalsRaw.noShows) ?? sum((d) => d.noShows),
  };
  return { days, services, totals };
}

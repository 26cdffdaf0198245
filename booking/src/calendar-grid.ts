/** Pure date arithmetic for the month calendar, on local dates `YYYY-MM-DD` (no time zone involved). */

/** `2026-11-24` → `2026-11`. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** `2026-12` + 1 → `2027-01`. */
export function shiftMonth(month: string, by: number): string {
  const [y = 1970, m = 1] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/** The weeks of a month from Monday to Sunday, each cell with a stable key; days outside the month are null. */
export function monthGrid(month: string): { key: string; date: string | null }[][] {
  const [y = 1970, m = 1] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const offset = (first.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const cells: { key: string; date: string | null }[] = Array.from({ length: offset }, (_, i) => ({
    key: `before-${i}`,
    date: null,
  }));
  for (let d = 1; d <= daysInMonth; d++) {
    const date = `${month}-${String(d).padStart(2, '0')}`;
    cells.push({ key: date, date });
  }
  while (cells.length % 7 !== 0) cells.push({ key: `after-${cells.length}`, date: null });
  const weeks: { key: string; date: string | null }[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

export type DayPart = 'morning' | 'afternoon' | 'evening';

/** Morning before 12:00, afternoon before 17:00, evening after: by the wall-clock hour at the office. */
export function dayPartOf(hour: number): DayPart {
  if (hour < 12) return 'morning';
  if (hour < 17) return 'afternoon';
  return 'evening';
}

/** Euro cents → "€ 83,87" / "€83.87". */
export function formatEuro(cents: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-GB' : 'nl-NL', {
    style: 'currency',
    currency: 'EUR',
  }).format(cents / 100);
}

export interface FeeLine {
  code: string;
  persons: number;
  adult: number | null;
  minor: number | null;
}

/**
 * The total of a booking's fees: every person at the adult fee (or the minor fee where a service has only
 * that), with `minorSaving` the largest amount less when some of the persons are under 18. Null when no
 * service has a fee.
 */
export function feeTotal(lines: readonly FeeLine[]): { total: number; hasMinorFees: boolean } | null {
  let total = 0;
  let any = false;
  let hasMinorFees = false;
  for (const l of lines) {
    const each = l.adult ?? l.minor;
    if (each === null) continue;
    any = true;
    total += each * l.persons;
    if (l.minor !== null && l.adult !== null && l.minor !== l.adult) hasMinorFees = true;
  }
  return any ? { total, hasMinorFees } : null;
}

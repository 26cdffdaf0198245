import type { RegistryRow } from './demand.ts';

/**
 * A realistic registry of issued documents for a demo municipality (pure): national issue volumes per
 * month since 2009 scaled by the municipality's share of the population (Haarlem 163,000 of 17.9 M,
 * docs/facts.md). National totals of passports + ID cards, in millions per year: 2023 1.6 and 2024 2.9 are
 * from docs/facts.md (NVVB/RvIG); the other years are estimates that follow the facts' shape — about 3.3 M a
 * year while adults renewed every 5 years, the wait for the 10-year document in early 2014 and the rush
 * from 10 March 2014 (37,000 on one day against 14,000 normally), a fall of most adult renewals in
 * 2019–2023 (the 2014–2018 documents last 10 years) and their return from 2024. Minors (about 0.5 M a year)
 * keep a 5-year validity. Passports 55 %, ID cards 45 %; driving licences about 1.15 M renewals a year.
 */

const NATIONAL_MILLIONS: Record<number, number> = {
  2009: 3.3,
  2010: 3.3,
  2011: 3.4,
  2012: 3.3,
  2013: 3.0,
  2014: 3.7,
  2015: 3.0,
  2016: 2.9,
  2017: 2.9,
  2018: 2.8,
  2019: 1.7,
  2020: 1.2,
  2021: 1.4,
  2022: 1.7,
  2023: 1.6,
  2024: 2.9,
  2025: 3.0,
  2026: 2.9,
  2027: 2.9,
};
const MINORS_MILLIONS = 0.5;
/** Share of a normal year's documents issued in each month (spring before the holidays is busiest). */
const MONTH_SHARE = [0.07, 0.075, 0.09, 0.095, 0.1, 0.1, 0.085, 0.08, 0.08, 0.08, 0.075, 0.07];
/** 2014: residents waited for the 10-year document, then came from 10 March. */
const MONTH_SHARE_2014 = [0.04, 0.04, 0.16, 0.12, 0.11, 0.1, 0.08, 0.075, 0.075, 0.07, 0.065, 0.065];
const PASSPORT_SHARE = 0.55;
const DRIVING_LICENCES_MILLIONS = 1.15;

export const NETHERLANDS_POPULATION = 17_900_000;
export const HAARLEM_POPULATION = 163_000;

/** Issued documents per month from `fromMonth` up to (excluding) `toMonth` (YYYY-MM), for a population. */
export function demoRegistry(population: number, fromMonth: string, toMonth: string): RegistryRow[] {
  const share = population / NETHERLANDS_POPULATION;
  const rows: RegistryRow[] = [];
  for (let y = Number(fromMonth.slice(0, 4)); y <= Number(toMonth.slice(0, 4)); y++) {
    const total = NATIONAL_MILLIONS[y] ?? 2.9;
    const shares = y === 2014 ? MONTH_SHARE_2014 : MONTH_SHARE;
    const sum = shares.reduce((a, b) => a + b, 0);
    for (let m = 1; m <= 12; m++) {
      const month = `${y}-${String(m).padStart(2, '0')}`;
      if (month < fromMonth || month >= toMonth) continue;
      const f = ((shares[m - 1] ?? 1 / 12) / sum) * share * 1_000_000;
      const minors = MINORS_MILLIONS * f;
      const adults = Math.max(0, total - MINORS_MILLIONS) * f;
      for (const [documentType, part] of [
        ['passport', PASSPORT_SHARE],
        ['id-card', 1 - PASSPORT_SHARE],
      ] as const) {
        rows.push({ month, documentType, ageBand: 'adult', count: Math.round(adults * part) });
        rows.push({ month, documentType, ageBand: 'minor', count: Math.round(minors * part) });
      }
      rows.push({
        month,
        documentType: 'driving-licence',
        ageBand: 'adult',
        count: Math.round((DRIVING_LICENCES_MILLIONS * share * 1_000_000) / 12),
      });
    }
  }
  return rows;
}

/**
 * Dates and times always in the location's zone (never the device's), formatted for the language.
 * Intl only: luxon would add ~20 kB to every bundle for what Intl already does.
 */
export const defaultZone = 'Europe/Amsterdam';

function locale(language: string): string {
  return language.startsWith('en') ? 'en-GB' : 'nl-NL';
}

export function formatTime(iso: string | Date, language: string, zone = defaultZone): string {
  return new Intl.DateTimeFormat(locale(language), { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(
    typeof iso === 'string' ? new Date(iso) : iso,
  );
}

export function formatDateTime(iso: string | Date, language: string, zone = defaultZone): string {
  return new Intl.DateTimeFormat(locale(language), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  }).format(typeof iso === 'string' ? new Date(iso) : iso);
}

/** A local date `YYYY-MM-DD` (already in the location's zone) as "maandag 23 november 2026". */
export function formatLocalDate(date: string, language: string, style: 'long' | 'short' = 'long'): string {
  const [y, m, d] = date.split('-').map(Number);
  // Noon UTC of that calendar day formatted in UTC: the same calendar day whatever the device zone.
  const noon = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12));
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
      : { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(language), options).format(noon);
}

/** The local date `YYYY-MM-DD` of an instant in a zone. */
export function localDateOf(instant: Date, zone = defaultZone): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: zone,
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Adds whole days to a local date `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return t.toISOString().slice(0, 10);
}

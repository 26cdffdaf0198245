import { z } from 'zod';

/**
 * Input validators for what the domain can hold, shared by every schema (isomorphic: zod only).
 * Instants and dates outside years 2000–2199 are refused before luxon or SQLite see them (year 10000
 * broke formatting); dates must exist (no 2026-02-30); free text must be well-formed, printable
 * Unicode within its length (no NUL, no lone surrogate, no U+FFFF, no bidi override).
 */

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2199;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True for a real calendar date (y, m 1–12, d) within MIN_YEAR–MAX_YEAR. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) return false;
  if (!Number.isInteger(month) || month < 1 || month > 12) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return Number.isInteger(day) && day >= 1 && day <= days;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` that exists, years 2000–2199. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO 8601 date-time with an offset (Z or ±hh:mm), or null when it is not
 * one, names a time that does not exist, or falls outside years 2000–2199 (locally and in UTC).
 */
export function parseIsoInstant(text: string): number | null {
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[7] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const utcYear = new Date(ms).getUTCFullYear();
  return utcYear >= MIN_YEAR && utcYear <= MAX_YEAR ? ms : null;
}

/** An ISO 8601 instant with offset in years 2000–2199 (a factory: a fresh schema per call). */
export const isoInstant = () =>
  z
    .string()
    .max(40)
    .refine((s) => parseIsoInstant(s) !== null, {
      message: `an ISO 8601 date-time with offset (Z or ±hh:mm) in years ${MIN_YEAR}–${MAX_YEAR}`,
    });

/** A calendar date `YYYY-MM-DD` that exists, in years 2000–2199 (a factory, as `isoInstant`). */
export const isoDate = () =>
  z
    .string()
    .max(10)
    .refine(isIsoDate, { message: `a calendar date YYYY-MM-DD in years ${MIN_YEAR}–${MAX_YEAR}` });

/**
 * Code points that are not printable text: controls (tab and newline allowed in multi-line text),
 * unassigned code points and noncharacters (U+FFFE, U+FFFF, U+FDD0…), private use, lone surrogates,
 * line/paragraph separators, and format characters other than ZWNJ/ZWJ (which some scripts and
 * emoji need): soft hyphens and bidi overrides/isolates that make a name display as something else.
 */
const NOT_PRINTABLE = /[\p{Cn}\p{Co}\p{Cs}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}|(?![\t\n])\p{Cc}/u;
const NOT_PRINTABLE_LINE = /[\p{Cn}\p{Co}\p{Cs}\p{Zl}\p{Zp}\p{Cc}]|(?![\u200C\u200D])\p{Cf}/u;

/** Why a text is not well-formed printable Unicode, or null when it is. */
export function textProblem(text: string, options: { multiline?: boolean } = {}): string | null {
  // Lone surrogates first: \p{Cs} in a /u regex matches them, but say it plainly.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'contains a lone surrogate (not well-formed Unicode)';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'contains a lone surrogate (not well-formed Unicode)';
  }
  const bad = (options.multiline ? NOT_PRINTABLE : NOT_PRINTABLE_LINE).exec(text);
  if (bad) {
    const cp = bad[0].codePointAt(0) ?? 0;
    return `contains U+${cp.toString(16).toUpperCase().padStart(4, '0')}, which is not printable text`;
  }
  return null;
}

/**
 * Free text: trimmed, NFC-normalised, well-formed printable Unicode, `min`–`max` code points.
 * Single line unless `multiline` (then tab and newline are allowed).
 */
export function printableText(options: { min?: number; max: number; multiline?: boolean }) {
  const min = options.min ?? 1;
  return z
    .string()
    .max(options.max * 2 + 16) // UTF-16 units: cheap bound before the per-code-point checks
    .superRefine((value, ctx) => {
      const problem = textProblem(value, options);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => value.trim().normalize('NFC'))
    .refine((value) => [...value].length >= min, { message: `at least ${min} character(s)` })
    .refine((value) => [...value].length <= options.max, { message: `at most ${options.max} characters` });
}

/** A PATCH body must change something: `{}` is a 400, not a silent (or failing) update. */
export function nonEmptyPatch<T extends z.ZodType<Record<string, unknown>>>(schema: T) {
  return schema.refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'send at least one field to change',
  });
}

export const IsoInstant = isoInstant();
export const IsoDate = isoDate();

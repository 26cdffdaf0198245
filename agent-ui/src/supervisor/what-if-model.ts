import type { WhatIfBody } from '../../../server/contracts/forecast.ts';

/**
 * What a supervisor typed for one counter in the what-if: nothing (the counter keeps its rostered shifts),
 * a closed counter ("-"), or shifts such as "09:00-12:00, 13:00-16:00".
 */
export type ShiftsField = { kind: 'rostered' } | { kind: 'shifts'; shifts: [string, string][] } | { kind: 'invalid' };

const closedWords = new Set(['-', '0', 'dicht', 'gesloten', 'closed']);
const shiftPattern = /^(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})$/;
/** The server takes at most six shifts per counter. */
const maxShifts = 6;

function wallTime(hours: string, minutes: string): string | null {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return null;
  return `${String(h).padStart(2, '0')}:${minutes}`;
}

export function parseShifts(text: string): ShiftsField {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'rostered' };
  if (closedWords.has(trimmed.toLowerCase())) return { kind: 'shifts', shifts: [] };
  const shifts: [string, string][] = [];
  for (const part of trimmed.split(/[,;]/)) {
    const match = shiftPattern.exec(part.trim());
    if (!match) return { kind: 'invalid' };
    const from = wallTime(match[1] ?? '', match[2] ?? '');
    const to = wallTime(match[3] ?? '', match[4] ?? '');
    if (!from || !to || from >= to) return { kind: 'invalid' };
    shifts.push([from, to]);
  }
  if (shifts.length > maxShifts) return { kind: 'invalid' };
  return { kind: 'shifts', shifts };
}

/** The what-if request for a date and the typed fields per counter id, or the counters whose field is not valid. */
export function whatIfRequest(
  date: string,
  fields: ReadonlyMap<number, string>,
): { body: WhatIfBody } | { invalid: number[] } {
  const counters: WhatIfBody['counters'] = [];
  const invalid: number[] = [];
  for (const [counterId, text] of fields) {
    const field = parseShifts(text);
    if (field.kind === 'invalid') invalid.push(counterId);
    else if (field.kind === 'shifts') counters.push({ counterId, shifts: field.shifts });
  }
  if (invalid.length > 0) return { invalid };
  return { body: { date, counters, replications: 20 } };
}

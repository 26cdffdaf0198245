import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildCalendarFile } from './calendar-file.ts';

describe('buildCalendarFile', () => {
  it('escapes text, folds long lines at 75 octets and parses with ical.js', () => {
    const description = `Paspoort aanvragen × 2; ID-kaart, rijbewijs\\ en ophalen — ${'é'.repeat(80)}\nReferentie: ABC`;
    const text = buildCalendarFile({
      uid: 'ABCDEFGHJKMN@loket',
      start: new Date('2026-10-25T01:30:00Z'),
      end: new Date('2026-10-25T02:00:00Z'),
      stamp: new Date('2026-10-01T00:00:00Z'),
      summary: 'Afspraak Stadskantoor; Zijlsingel',
      description,
      location: 'Zijlsingel 1, 2013 DN Haarlem',
    });
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text.endsWith('\r\n')).toBe(true);
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent') ?? undefined);
    expect(event.description).toBe(description);
    expect(event.summary).toBe('Afspraak Stadskantoor; Zijlsingel');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(event.uid).toBe('ABCDEFGHJKMN@loket');
  });

  it('names the office as ORGANIZER, quoted, with the municipality’s address', () => {
    const text = buildCalendarFile({
      uid: 'X@loket',
      start: new Date('2026-12-01T10:00:00Z'),
      end: new Date('2026-12-01T10:10:00Z'),
      stamp: new Date('2026-11-01T00:00:00Z'),
      summary: 'Afspraak',
      description: 'Paspoort',
      location: 'Zijlsingel 1',
      organizer: { name: 'Stadskantoor Zijlsingel, "Haarlem"', email: 'stadskantoor@haarlem.example' },
    });
    expect(text.replace(/\r\n /g, '')).toContain(
      'ORGANIZER;CN="Stadskantoor Zijlsingel, Haarlem":mailto:stadskantoor@haarlem.example',
    );
    const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent');
    const organizer = event?.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:stadskantoor@haarlem.example');
    expect(organizer?.getParameter('cn')).toBe('Stadskantoor Zijlsingel, Haarlem');
  });
});

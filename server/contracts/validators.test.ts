import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  IsoDate,
  IsoInstant,
  isIsoDate,
  nonEmptyPatch,
  parseIsoInstant,
  printableText,
  textProblem,
} from './validators.ts';

describe('instants', () => {
  it('accept ISO 8601 with an offset in years 2000–2199', () => {
    expect(parseIsoInstant('2026-12-01T11:00:00+01:00')).toBe(Date.UTC(2026, 11, 1, 10));
    expect(parseIsoInstant('2026-12-01T10:00Z')).toBe(Date.UTC(2026, 11, 1, 10));
    expect(parseIsoInstant('2026-12-01T10:00:00.123456789-0230')).toBe(Date.UTC(2026, 11, 1, 12, 30));
    expect(parseIsoInstant('2028-02-29T00:00:00Z')).not.toBeNull();
  });

  it('refuse impossible, extreme and offset-less ones', () => {
    for (const bad of [
      '+275760-09-13T00:00:00Z',
      '9999-12-31T23:59:59+14:00',
      '10000-01-01T00:00:00Z',
      '2199-12-31T23:30:00-01:00',
      '2000-01-01T00:30:00+01:00',
      '1969-12-31T23:59:59Z',
      '2026-02-30T10:00:00Z',
      '2027-02-29T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-01T10:60:00Z',
      '2026-12-01T10:00:60Z',
      '2026-12-01T10:00:00+15:00',
      '2026-12-01T10:00:00',
      '2026-12-01',
      '',
      'now',
    ]) {
      expect(parseIsoInstant(bad), bad).toBeNull();
      expect(IsoInstant.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('dates', () => {
  it('must exist', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    for (const bad of [
      '2026-02-30',
      '2026-04-31',
      '2026-00-10',
      '2026-01-00',
      '99999-01-01',
      '1999-12-31',
      '2026-1-1',
    ]) {
      expect(IsoDate.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('printable text', () => {
  const name = printableText({ max: 10 });
  it('accepts letters, marks, emoji and joiners of every script, trimmed and NFC-normalised', () => {
    for (const ok of ['Anna', 'Ẓoë', 'Ñandú', 'محمد', '王小明', 'क्षत्रिय', '👩‍👩‍👧', 'A\u200cB']) {
      expect(name.safeParse(ok).success, ok).toBe(true);
    }
    expect(name.parse('  e\u0301  ')).toBe('é');
  });

  it('refuses NUL, U+FFFF, lone surrogates, controls, bidi overrides, private use and separators', () => {
    for (const bad of [
      'a\u0000b',
      'a\uffffb',
      'a\ud800b',
      'a\udc00',
      '\ud83d',
      'a\u0007',
      'a\nb',
      'a\u202eb',
      'a\u2066b',
      'a\u00adb',
      'a\ue000b',
      'a\u2028b',
      'a\ufdd0b',
    ]) {
      expect(name.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(textProblem('a\ud800b')).toMatch(/lone surrogate/);
    expect(textProblem('a\u0000b')).toMatch(/U\+0000/);
  });

  it('counts code points and allows newlines only in multi-line text', () => {
    expect(name.safeParse('👩'.repeat(10)).success).toBe(true);
    expect(name.safeParse('a'.repeat(11)).success).toBe(false);
    expect(name.safeParse('   ').success).toBe(false);
    expect(printableText({ max: 50, multiline: true }).safeParse('line 1\n\tline 2').success).toBe(true);
  });
});

describe('PATCH bodies', () => {
  it('must change something', () => {
    const patch = nonEmptyPatch(z.object({ a: z.number().optional(), b: z.string().optional() }).strict());
    expect(patch.safeParse({}).success).toBe(false);
    expect(patch.safeParse({ a: undefined }).success).toBe(false);
    expect(patch.safeParse({ b: 'x' }).success).toBe(true);
  });
});

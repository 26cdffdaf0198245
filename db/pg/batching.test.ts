import { describe, expect, it } from 'vitest';
import { inline } from './batching.ts';

describe('inline', () => {
  it('replaces each $n by its literal, outside quoted text and identifiers', () => {
    expect(inline('SELECT $1, $2::int, $10', ['a', 2, 3, 4, 5, 6, 7, 8, 9, 'ten'])).toBe(
      "SELECT  'a' ,  '2' ::int,  'ten' ",
    );
    expect(inline(`SELECT '$1', "$1", $1`, ['x'])).toBe(`SELECT '$1', "$1",  'x' `);
    // Doubled quotes stay inside their text; an E-string may escape a quote with a backslash.
    expect(inline(`SELECT 'it''s $1', "a""$1", E'\\'$1', $1`, ['y'])).toBe(
      `SELECT 'it''s $1', "a""$1", E'\\'$1',  'y' `,
    );
    // A dollar not followed by a digit is left alone (dollar quoting, DO blocks).
    expect(inline('DO $$BEGIN PERFORM $1; END$$', ['z'])).toBe("DO $$BEGIN PERFORM  'z' ; END$$");
  });

  it('quotes what it inlines, and leaves a statement with a value it cannot inline to be sent as a parameter', () => {
    expect(inline('SELECT $1', ["O'Brien"])).toBe("SELECT  'O''Brien' ");
    expect(inline('SELECT $1', [null])).toBe('SELECT  NULL ');
    expect(inline('SELECT $1', [Buffer.from('x')])).toBeNull();
    expect(inline('SELECT 1', [])).toBe('SELECT 1');
    expect(() => inline('SELECT $2', ['a'])).toThrow(/no value for \$2/);
  });

  it('keeps an unterminated quote to the end', () => {
    expect(inline(`SELECT $1, 'open $1`, ['a'])).toBe(`SELECT  'a' , 'open $1`);
  });
});

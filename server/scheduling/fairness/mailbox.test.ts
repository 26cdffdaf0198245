import { describe, expect, it } from 'vitest';
import { normaliseMailbox, normalisePhone } from './mailbox.ts';

describe('normaliseMailbox', () => {
  it('folds case, +tags and Gmail dots into one mailbox', () => {
    const one = normaliseMailbox('annajansen@gmail.com');
    for (const variant of [
      'Anna.Jansen@Gmail.com',
      'anna.jansen+1@gmail.com',
      'a.n.n.a.j.a.n.s.e.n+booking@googlemail.com',
      ' ANNAJANSEN+x@GMAIL.COM ',
    ])
      expect(normaliseMailbox(variant)).toBe(one);
  });

  it('keeps dots where the provider delivers them to different mailboxes', () => {
    expect(normaliseMailbox('anna.jansen@ziggo.nl')).toBe('anna.jansen@ziggo.nl');
    expect(normaliseMailbox('anna.jansen@ziggo.nl')).not.toBe(normaliseMailbox('annajansen@ziggo.nl'));
  });

  it('cuts the +tag at any provider, and keeps a leading plus as it is', () => {
    expect(normaliseMailbox('Piet+loket@Example.NL')).toBe('piet@example.nl');
    expect(normaliseMailbox('+piet@example.nl')).toBe('+piet@example.nl');
  });
});

describe('normalisePhone', () => {
  it('folds the international forms into the national number', () => {
    expect(normalisePhone('+31 6 1234 5678')).toBe('0612345678');
    expect(normalisePhone('0031612345678')).toBe('0612345678');
    expect(normalisePhone('06-12345678')).toBe('0612345678');
    expect(normalisePhone('(023) 511 5115')).toBe('0235115115');
  });

  it('has no key for nothing or a fragment', () => {
    expect(normalisePhone(null)).toBeNull();
    expect(normalisePhone('')).toBeNull();
    expect(normalisePhone('12 34')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { displayMessages } from './i18n.ts';

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

describe('display texts', () => {
  it('has every Dutch text in English too, and nothing extra', () => {
    expect(keys(displayMessages.en).sort()).toEqual(keys(displayMessages.nl).sort());
  });

  it('speaks the call in Dutch whatever the screen language', async () => {
    const { dutchSentence } = await import('./display-screen.tsx');
    const call = {
      ticketId: 1,
      number: 'P012',
      counterId: 4,
      counterName: 'Balie 4',
      calledAt: '2026-11-23T09:00:00Z',
      recall: false,
    };
    // Read sign by sign, as the screen and the ticket show "P012".
    expect(dutchSentence(call)).toBe('Nummer P, nul, één, twee, naar Balie 4.');
    expect(dutchSentence({ ...call, recall: true })).toBe('Nogmaals: nummer P, nul, één, twee, naar Balie 4.');
  });
});

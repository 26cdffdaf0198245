import { describe, expect, it } from 'vitest';
import { allowedActions, canRecall, nextStatus } from './ticket-state.ts';

describe('ticket state machine', () => {
  it('follows the happy path', () => {
    expect(nextStatus('waiting', 'call')).toBe('called');
    expect(nextStatus('called', 'recall')).toBe('called');
    expect(nextStatus('called', 'start')).toBe('serving');
    expect(nextStatus('serving', 'finish')).toBe('done');
  });

  it('refuses impossible steps', () => {
    expect(nextStatus('waiting', 'start')).toBeNull();
    expect(nextStatus('waiting', 'finish')).toBeNull();
    expect(nextStatus('done', 'call')).toBeNull();
    expect(nextStatus('serving', 'no-show')).toBeNull();
    expect(nextStatus('cancelled', 'return')).toBeNull();
    expect(allowedActions('done')).toEqual([]);
  });

  it('returns no-shows, transfers and parks to waiting', () => {
    expect(nextStatus('no-show', 'return')).toBe('waiting');
    expect(nextStatus('serving', 'transfer')).toBe('waiting');
    expect(nextStatus('called', 'park')).toBe('waiting');
  });

  it('limits recalls', () => {
    expect(canRecall(1, 3)).toBe(true);
    expect(canRecall(3, 3)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { makeTicketDto } from '../../shared-web/ticket-fixture.ts';
import { alertFor, turnLevel } from './turn-alert.ts';

const waiting = (position: number) => makeTicketDto({ status: 'waiting', position });
const called = (callCount: number) => makeTicketDto({ status: 'called', position: null, callCount });

describe('almost your turn', () => {
  it('knows how close the resident is', () => {
    expect(turnLevel(waiting(5))).toBeNull();
    expect(turnLevel(waiting(2))).toBe('soon');
    expect(turnLevel(waiting(1))).toBe('soon');
    expect(turnLevel(called(1))).toBe('called');
    expect(turnLevel(makeTicketDto({ status: 'serving', position: null }))).toBeNull();
  });

  it('alerts once when it gets close, on every call, and never for the state the page opened with', () => {
    expect(alertFor(null, waiting(1))).toBeNull();
    expect(alertFor({ level: null, callCount: 0 }, waiting(4))).toBeNull();
    expect(alertFor({ level: null, callCount: 0 }, waiting(2))).toBe('soon');
    expect(alertFor({ level: 'soon', callCount: 0 }, waiting(1))).toBeNull();
    expect(alertFor({ level: 'soon', callCount: 0 }, called(1))).toBe('called');
    expect(alertFor({ level: 'called', callCount: 1 }, called(1))).toBeNull();
    expect(alertFor({ level: 'called', callCount: 1 }, called(2))).toBe('called');
  });
});

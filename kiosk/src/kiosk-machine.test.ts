import { describe, expect, it } from 'vitest';
import { makeTicketDto } from '../../shared-web/ticket-fixture.ts';
import { initialKioskState, type KioskState, kioskReducer, parseScannedReference } from './kiosk-machine.ts';

const ticket = (id: number) => makeTicketDto({ id, locationId: 'loc' });

describe('kiosk state machine', () => {
  it('ignores a second tap while a request is pending', () => {
    const s1 = kioskReducer(initialKioskState, {
      type: 'take-ticket',
      serviceCode: 'passport',
      persons: 1,
      requestId: 'a',
    });
    const s2 = kioskReducer(s1, { type: 'take-ticket', serviceCode: 'id-card', persons: 1, requestId: 'b' });
    expect(s2).toBe(s1);
    expect(s1).toMatchObject({ screen: 'pending', request: { id: 'a', serviceCode: 'passport' } });
  });

  it('asks how many people come for a service that allows more than one, within its maximum', () => {
    const asked = kioskReducer(initialKioskState, {
      type: 'choose-service',
      serviceCode: 'passport',
      maxPersons: 4,
      requestId: 'x',
    });
    expect(asked).toEqual({ screen: 'persons', serviceCode: 'passport', maxPersons: 4 });
    expect(
      kioskReducer(asked, { type: 'take-ticket', serviceCode: 'passport', persons: 9, requestId: 'y' }),
    ).toMatchObject({
      screen: 'pending',
      request: { id: 'y', persons: 4 },
    });
    expect(kioskReducer(asked, { type: 'take-ticket', serviceCode: 'pickup', persons: 1, requestId: 'y' })).toBe(asked);
    const single = kioskReducer(initialKioskState, {
      type: 'choose-service',
      serviceCode: 'birth',
      maxPersons: 1,
      requestId: 'z',
    });
    expect(single).toMatchObject({ screen: 'pending', request: { id: 'z', serviceCode: 'birth', persons: 1 } });
  });

  it('keeps what was typed and the time from which an early check-in opens', () => {
    let s: KioskState = kioskReducer(initialKioskState, { type: 'open-appointment' });
    s = kioskReducer(s, { type: 'enter', entered: '123 456' });
    s = kioskReducer(s, { type: 'check-in', reference: '123456', requestId: 'c' });
    s = kioskReducer(s, {
      type: 'failed',
      requestId: 'c',
      code: 'check-in-too-early',
      opensAt: '2026-11-23T10:30:00Z',
    });
    expect(s).toEqual({
      screen: 'appointment',
      entered: '123 456',
      code: 'check-in-too-early',
      opensAt: '2026-11-23T10:30:00Z',
    });
    // A wrong code comes back to the keypad too; typing clears the message.
    s = kioskReducer(s, { type: 'check-in', reference: '123456', requestId: 'd' });
    s = kioskReducer(s, { type: 'failed', requestId: 'd', code: 'not-found' });
    expect(s).toEqual({ screen: 'appointment', entered: '123 456', code: 'not-found' });
    expect(kioskReducer(s, { type: 'enter', entered: '12345' })).toEqual({ screen: 'appointment', entered: '12345' });
  });

  it('says when walk-in opens when a ticket is refused outside walk-in hours', () => {
    let s: KioskState = kioskReducer(initialKioskState, {
      type: 'take-ticket',
      serviceCode: 'passport',
      persons: 1,
      requestId: 'w',
    });
    s = kioskReducer(s, {
      type: 'failed',
      requestId: 'w',
      code: 'outside-walk-in-hours',
      opensAt: '2026-11-24T09:00:00+01:00',
    });
    expect(s).toEqual({
      screen: 'error',
      code: 'outside-walk-in-hours',
      from: 'ticket',
      opensAt: '2026-11-24T09:00:00+01:00',
    });
  });

  it('retries a network failure as the same request, and accepts only its answer', () => {
    let s: KioskState = kioskReducer(initialKioskState, {
      type: 'take-ticket',
      serviceCode: 'passport',
      persons: 1,
      requestId: 'a',
    });
    s = kioskReducer(s, { type: 'failed', requestId: 'a', code: 'network' });
    expect(s).toMatchObject({ screen: 'retry', request: { id: 'a' } });
    s = kioskReducer(s, { type: 'retry' });
    expect(s).toMatchObject({ screen: 'pending', request: { id: 'a' } });
    expect(kioskReducer(s, { type: 'succeeded', requestId: 'other', ticket: ticket(9) })).toBe(s);
    s = kioskReducer(s, { type: 'succeeded', requestId: 'a', ticket: ticket(1) });
    expect(s).toMatchObject({ screen: 'ticket', printed: false });
    // A late duplicate answer does not replace the ticket on screen (nor print again).
    expect(kioskReducer(s, { type: 'succeeded', requestId: 'a', ticket: ticket(2) })).toBe(s);
  });

  it('marks a ticket printed exactly once', () => {
    let s: KioskState = kioskReducer(initialKioskState, {
      type: 'take-ticket',
      serviceCode: 'passport',
      persons: 1,
      requestId: 'a',
    });
    s = kioskReducer(s, { type: 'succeeded', requestId: 'a', ticket: ticket(1) });
    const printed = kioskReducer(s, { type: 'printed', ticketId: 1 });
    expect(printed).toMatchObject({ printed: true });
    expect(kioskReducer(printed, { type: 'printed', ticketId: 1 })).toBe(printed);
    expect(kioskReducer(s, { type: 'printed', ticketId: 2 })).toBe(s);
  });

  it('a decided failure is an error screen, not a retry; reset never abandons a pending request', () => {
    let s: KioskState = kioskReducer(initialKioskState, { type: 'check-in', reference: ' abc123 ', requestId: 'c' });
    expect(s).toMatchObject({ screen: 'pending', request: { kind: 'check-in', reference: 'abc123' } });
    expect(kioskReducer(s, { type: 'reset' })).toBe(s);
    s = kioskReducer(s, { type: 'failed', requestId: 'c', code: 'unauthorized' });
    expect(s).toEqual({ screen: 'error', code: 'unauthorized', from: 'check-in' });
    expect(kioskReducer(s, { type: 'reset' })).toEqual(initialKioskState);
    expect(kioskReducer(initialKioskState, { type: 'check-in', reference: '   ', requestId: 'd' })).toBe(
      initialKioskState,
    );
  });

  it('reads a reference from a bare code or a manage link', () => {
    expect(parseScannedReference(' z6udt8qvd6xm\n')).toBe('Z6UDT8QVD6XM');
    expect(parseScannedReference('https://loket.example/manage/AB12CD34#token=x')).toBe('AB12CD34');
  });
});

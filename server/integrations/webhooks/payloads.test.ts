import { describe, expect, it } from 'vitest';
import type { AppointmentFacts, TicketFacts } from '../webhook-store.ts';
import { appointmentPayload, backoffMs, scopeForEvent, ticketPayload } from './payloads.ts';

const at = new Date('2026-11-23T09:00:00Z');
const appointment: AppointmentFacts = {
  municipalityId: 'haarlem',
  locationId: 'haarlem-zijlsingel',
  reference: 'ABCD2345EFGH',
  status: 'booked',
  startsAt: new Date('2026-11-24T09:00:00Z'),
  endsAt: new Date('2026-11-24T09:10:00Z'),
  channel: 'online',
  services: [{ code: 'passport', persons: 1 }],
  customer: { name: 'Anna', email: 'anna@example.nl', phone: null },
  bookedByClientId: 7,
};

describe('webhook payloads', () => {
  it('gives the resident’s contact data only to the client that booked the appointment', () => {
    const own = appointmentPayload(
      'appointment.booked',
      appointment,
      { clientId: 7, scopes: ['appointments:read'] },
      at,
    );
    const other = appointmentPayload(
      'appointment.booked',
      appointment,
      { clientId: 8, scopes: ['appointments:read'] },
      at,
    );
    expect(own?.data.customer).toEqual({ name: 'Anna', email: 'anna@example.nl', phone: null });
    expect(other?.data).not.toHaveProperty('customer');
    expect(JSON.stringify(other)).not.toContain('anna@example.nl');
    expect(other).toMatchObject({ type: 'appointment.booked', timestamp: at.toISOString() });
  });

  it('sends nothing to a subscriber without the event’s scope', () => {
    expect(
      appointmentPayload('appointment.cancelled', appointment, { clientId: 7, scopes: ['queue:read'] }, at),
    ).toBeNull();
    const ticket: TicketFacts = {
      municipalityId: 'haarlem',
      locationId: 'haarlem-zijlsingel',
      number: 'P001',
      status: 'called',
      source: 'kiosk',
      services: [{ code: 'passport', persons: 1 }],
      counterName: 'Balie 1',
      appointmentId: null,
      issuedAt: at,
      calledAt: at,
      finishedAt: null,
    };
    expect(ticketPayload('ticket.called', ticket, { clientId: 1, scopes: ['appointments:read'] }, at)).toBeNull();
    expect(ticketPayload('ticket.called', ticket, { clientId: 1, scopes: ['queue:read'] }, at)?.data.counter).toBe(
      'Balie 1',
    );
    expect(scopeForEvent('ticket.finished')).toBe('queue:read');
    expect(scopeForEvent('appointment.checked-in')).toBe('appointments:read');
  });

  it('backs off exponentially with a cap', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([10_000, 30_000, 90_000, 270_000]);
    expect(backoffMs(20)).toBe(6 * 3600_000);
  });
});

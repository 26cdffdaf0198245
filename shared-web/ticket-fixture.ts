import type { TicketDto } from '../server/contracts/queue.ts';

/** A waiting one-person passport walk-in, for front-end tests; override what a test is about. */
export function makeTicketDto(overrides: Partial<TicketDto> = {}): TicketDto {
  const id = overrides.id ?? 1;
  return {
    id,
    publicId: `pub${id}`,
    locationId: 'haarlem-zijlsingel',
    serviceDate: '2026-11-23',
    number: `P00${id}`,
    status: 'waiting',
    source: 'kiosk',
    priority: 0,
    services: [{ code: 'passport', persons: 1 }],
    appointmentReference: null,
    dueAt: null,
    counterId: null,
    counterName: null,
    callCount: 0,
    issuedAt: '2026-11-23T08:30:00Z',
    calledAt: null,
    startedAt: null,
    position: 1,
    estimatedWait: null,
    waitStatus: 'wait',
    ...overrides,
  };
}

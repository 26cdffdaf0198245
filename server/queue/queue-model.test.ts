import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type LineTicket, serviceDateOf, toPolicyTicket } from './queue-model.ts';

describe('serviceDateOf', () => {
  // It keeps each zone's last local day: asked forwards and backwards across midnights and DST changes, in zones
  // with odd offsets, it must answer as luxon does every time.
  it('answers the local date as luxon does, across midnights and DST, in any order', () => {
    const zones = ['Europe/Amsterdam', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
    const expected = (t: number, zone: string) => DateTime.fromJSDate(new Date(t), { zone }).toISODate();
    const instants: number[] = [];
    for (let t = Date.UTC(2026, 2, 27); t < Date.UTC(2026, 2, 31); t += 7 * 60_000 + 13_000) instants.push(t);
    for (let t = Date.UTC(2026, 9, 27); t > Date.UTC(2026, 9, 23); t -= 11 * 60_000) instants.push(t);
    for (const t of instants)
      for (const zone of zones) expect(serviceDateOf(new Date(t), zone)).toBe(expected(t, zone));
  });
});

describe('toPolicyTicket', () => {
  const ticket = (): LineTicket => ({
    row: {
      id: 7,
      status: 'waiting',
      number: 'P007',
      counterId: null,
      queuedAt: new Date('2026-11-23T09:00:00Z'),
      dueAt: null,
      priority: 0,
      targetCounterId: null,
      calledAt: null,
    },
    services: [{ code: 'passport', persons: 1 }],
    appointmentReference: null,
  });
  // The same ticket object gets the same answer (the predictor keeps its work per answer); an edited one a new answer.
  it('answers the same object for the same ticket, and a fresh one when what it reads changed', () => {
    const t = ticket();
    const first = toPolicyTicket(t);
    expect(toPolicyTicket(t)).toBe(first);
    expect(first).toEqual({
      id: 7,
      services: t.services,
      queuedAt: t.row.queuedAt,
      dueAt: null,
      priority: 0,
      targetCounterId: null,
    });
    t.row.priority = 1;
    const second = toPolicyTicket(t);
    expect(second).not.toBe(first);
    expect(second.priority).toBe(1);
    expect(first.priority).toBe(0);
    t.row.targetCounterId = 3;
    expect(toPolicyTicket(t).targetCounterId).toBe(3);
    t.services = [{ code: 'id-card', persons: 2 }];
    expect(toPolicyTicket(t).services).toBe(t.services);
    t.row.queuedAt = new Date('2026-11-23T09:05:00Z');
    expect(toPolicyTicket(t).queuedAt).toBe(t.row.queuedAt);
    t.row.dueAt = new Date('2026-11-23T10:00:00Z');
    expect(toPolicyTicket(t).dueAt).toBe(t.row.dueAt);
    expect(toPolicyTicket(ticket())).toEqual(first);
  });
});
